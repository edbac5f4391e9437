"""imported items keep their text format and answer weights

Revision ID: 0011_item_interop
Revises: 0010_account_lifecycle
Create Date: 2026-12-01 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0011_item_interop'
down_revision = '0010_account_lifecycle'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade():
    # Existing items are plain text graded all-or-nothing: the defaults.
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('text_format', sa.String(length=10), server_default='plain', nullable=False)
        )
        batch_op.add_column(
            sa.Column('option_weights', JSON, server_default=sa.text("'{}'"), nullable=False)
        )
        batch_op.create_check_constraint(
            op.f('ck_item_text_format'), "text_format IN ('plain', 'html', 'markdown')"
        )


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_item_text_format'), type_='check')
        batch_op.drop_column('option_weights')
        batch_op.drop_column('text_format')
