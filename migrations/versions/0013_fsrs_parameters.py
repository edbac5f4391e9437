"""FSRS parameters fitted per deck and per learner

Revision ID: 0013_fsrs_parameters
Revises: 0012_study_science
Create Date: 2026-12-01 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0013_fsrs_parameters'
down_revision = '0012_study_science'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade():
    op.create_table(
        'fsrs_parameters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deck_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('parameters', JSON, nullable=False),
        sa.Column('extent', sa.String(length=10), nullable=False),
        sa.Column('fitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('log_rows', sa.Integer(), nullable=False),
        sa.Column('reviews', sa.Integer(), nullable=False),
        sa.Column('held_out', sa.Integer(), nullable=False),
        sa.Column('in_use', sa.Boolean(), nullable=False),
        sa.Column('log_loss_default', sa.Double(), nullable=True),
        sa.Column('log_loss_fitted', sa.Double(), nullable=True),
        sa.Column('rmse_default', sa.Double(), nullable=True),
        sa.Column('rmse_fitted', sa.Double(), nullable=True),
        sa.CheckConstraint(
            "extent IN ('initial', 'full')", name=op.f('ck_fsrs_parameters_extent')
        ),
        sa.CheckConstraint(
            'reviews >= 0 AND held_out >= 0', name=op.f('ck_fsrs_parameters_counts')
        ),
        sa.ForeignKeyConstraint(
            ['deck_id'], ['deck.id'],
            name=op.f('fk_fsrs_parameters_deck_id_deck'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'],
            name=op.f('fk_fsrs_parameters_user_id_user_account'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fsrs_parameters')),
        sa.UniqueConstraint(
            'deck_id', 'user_id', name=op.f('uq_fsrs_parameters_deck_id_user_id')
        ),
    )
    with op.batch_alter_table('fsrs_parameters', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_fsrs_parameters_user_id'), ['user_id'], unique=False
        )
        # The deck's own fit (over all learners) once per deck.
        batch_op.create_index(
            'uq_fsrs_parameters_deck_id_all_learners', ['deck_id'], unique=True,
            sqlite_where=sa.text('user_id IS NULL'),
            postgresql_where=sa.text('user_id IS NULL'),
        )


def downgrade():
    with op.batch_alter_table('fsrs_parameters', schema=None) as batch_op:
        batch_op.drop_index('uq_fsrs_parameters_deck_id_all_learners')
        batch_op.drop_index(batch_op.f('ix_fsrs_parameters_user_id'))
    op.drop_table('fsrs_parameters')
