"""quizzes assigned to a class with opening and closing times

Revision ID: 0015_assignments
Revises: 0014_class_management
Create Date: 2026-12-01 05:30:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0015_assignments'
down_revision = '0014_class_management'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade():
    # Existing classes keep no zone of their own: their instructor's zone applies.
    with op.batch_alter_table('classroom', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
    op.create_table(
        'assignment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('classroom_id', sa.Integer(), nullable=False),
        sa.Column('deck_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('topic_ids', JSON, nullable=False),
        sa.Column('item_ids', JSON, nullable=False),
        sa.Column('length', sa.Integer(), nullable=False),
        sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts_allowed', sa.Integer(), nullable=False),
        sa.Column(
            'feedback',
            sa.Enum('each', 'end', name=op.f('ck_assignment_feedback'), native_enum=False,
                    length=20, create_constraint=True),
            nullable=False,
        ),
        sa.Column('late_allowed', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('length >= 1', name=op.f('ck_assignment_length')),
        sa.CheckConstraint('attempts_allowed >= 1', name=op.f('ck_assignment_attempts_allowed')),
        sa.CheckConstraint('closes_at > opens_at', name=op.f('ck_assignment_window')),
        sa.ForeignKeyConstraint(
            ['classroom_id'], ['classroom.id'],
            name=op.f('fk_assignment_classroom_id_classroom'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['deck_id'], ['deck.id'], name=op.f('fk_assignment_deck_id_deck'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment')),
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_classroom_id'), ['classroom_id'])
        batch_op.create_index(batch_op.f('ix_assignment_deck_id'), ['deck_id'])
    # Attempts so far are the learners' own practice: no assignment.
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignment_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attempt_assignment_id'), ['assignment_id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_attempt_assignment_id_assignment'), 'assignment',
            ['assignment_id'], ['id'], ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_attempt_assignment_id_assignment'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_attempt_assignment_id'))
        batch_op.drop_column('assignment_id')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_deck_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_classroom_id'))
    op.drop_table('assignment')
    with op.batch_alter_table('classroom', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
