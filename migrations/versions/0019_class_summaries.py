"""each class's roster numbers and mastery grid as last computed, for the class page

Revision ID: 0019_class_summaries
Revises: 0018_daily_summaries
Create Date: 2026-12-01 15:00:00.000000

"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = "0019_class_summaries"
down_revision = "0018_daily_summaries"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    # No backfill: a class's first view (or `quizapp classes refresh`) computes its row.
    op.create_table(
        "class_summary",
        sa.Column("classroom_id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("figures", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["classroom_id"],
            ["classroom.id"],
            name=op.f("fk_class_summary_classroom_id_classroom"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("classroom_id", name=op.f("pk_class_summary")),
    )


def downgrade():
    op.drop_table("class_summary")
