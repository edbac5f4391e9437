"""classes can be renamed, archived and shared with co-instructors

Revision ID: 0014_class_management
Revises: 0013_fsrs_parameters
Create Date: 2026-12-01 05:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_class_management'
down_revision = '0013_fsrs_parameters'
branch_labels = None
depends_on = None


def upgrade():
    # Archiving keeps the class and its reports; NULL means the class is in use.
    with op.batch_alter_table('classroom', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('class_instructor',
    sa.Column('classroom_id', sa.Integer(), nullable=False),
    sa.Column('instructor_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['classroom_id'], ['classroom.id'], name=op.f('fk_class_instructor_classroom_id_classroom'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instructor_id'], ['user_account.id'], name=op.f('fk_class_instructor_instructor_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('classroom_id', 'instructor_id', name=op.f('pk_class_instructor'))
    )
    op.create_index(op.f('ix_class_instructor_instructor_id'), 'class_instructor', ['instructor_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_class_instructor_instructor_id'), table_name='class_instructor')
    op.drop_table('class_instructor')
    with op.batch_alter_table('classroom', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
