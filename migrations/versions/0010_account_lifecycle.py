"""password reset links and the account lifecycle

Revision ID: 0010_account_lifecycle
Revises: 0009_login_sessions
Create Date: 2026-12-01 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_account_lifecycle'
down_revision = '0009_login_sessions'
branch_labels = None
depends_on = None


def upgrade():
    # Deleting an account needs no schema change: its quiz attempts move to the
    # shared "deleted accounts" placeholder, and the database's ON DELETE rules
    # remove or unlink everything else (see quizapp/account/services.py).
    op.create_table('password_reset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_password_reset_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_reset_token_hash'))
    )
    op.create_index('ix_password_reset_user_id_used_at', 'password_reset', ['user_id', 'used_at'], unique=False)


def downgrade():
    op.drop_index('ix_password_reset_user_id_used_at', table_name='password_reset')
    op.drop_table('password_reset')
