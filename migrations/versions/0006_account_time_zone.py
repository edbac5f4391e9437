"""the account owns its time zone (moved from the study settings)

Revision ID: 0006_account_time_zone
Revises: 0005_editors_classes
Create Date: 2026-12-01 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_account_time_zone'
down_revision = '0005_editors_classes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('time_zone', sa.String(length=64), server_default='UTC', nullable=False)
        )
    # Each learner keeps the zone chosen in the flashcard settings.
    op.execute(
        "UPDATE user_account SET time_zone = ("
        "SELECT study_settings.time_zone FROM study_settings "
        "WHERE study_settings.user_id = user_account.id) "
        "WHERE id IN (SELECT user_id FROM study_settings)"
    )
    with op.batch_alter_table('study_settings', schema=None) as batch_op:
        batch_op.drop_column('time_zone')


def downgrade():
    with op.batch_alter_table('study_settings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('time_zone', sa.String(length=64), server_default='UTC', nullable=False)
        )
    op.execute(
        "UPDATE study_settings SET time_zone = ("
        "SELECT user_account.time_zone FROM user_account "
        "WHERE user_account.id = study_settings.user_id)"
    )
    with op.batch_alter_table('study_settings', schema=None) as batch_op:
        batch_op.alter_column('time_zone', server_default=None)
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
