"""learners are told what became of their reports

Revision ID: 0016_report_notices
Revises: 0015_assignments
Create Date: 2026-12-01 05:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_report_notices'
down_revision = '0015_assignments'
branch_labels = None
depends_on = None


def upgrade():
    # When the learner dismissed the notice of their report's resolution;
    # a resolved report with none is still shown on their home page.
    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.add_column(sa.Column('learner_seen_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.drop_column('learner_seen_at')
