"""items keep why each wrong option is wrong; topics keep their quiz weight

Revision ID: 0008_item_feedback_topic_weight
Revises: 0007_checks_and_indexes
Create Date: 2026-12-01 02:30:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0008_item_feedback_topic_weight'
down_revision = '0007_checks_and_indexes'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade():
    # Existing rows get the defaults: no feedback yet, every topic weighs 1 and
    # none is core until the next bank load reads deck.yaml.
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('option_feedback', JSON, server_default=sa.text("'{}'"), nullable=False)
        )
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('importance', sa.Integer(), server_default='1', nullable=False)
        )
        batch_op.add_column(
            sa.Column('core', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.drop_column('core')
        batch_op.drop_column('importance')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('option_feedback')
