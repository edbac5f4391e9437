"""quiz answers in the review log, critical facts, sibling burying

Revision ID: 0012_study_science
Revises: 0011_item_interop
Create Date: 2026-12-01 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_study_science'
down_revision = '0011_item_interop'
branch_labels = None
depends_on = None


def upgrade():
    # Every existing rating came from the study page; quiz answers rate cards
    # from now on, each linked to its response.
    with op.batch_alter_table('review_log', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('origin', sa.String(length=5), server_default='study', nullable=False)
        )
        batch_op.add_column(sa.Column('response_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_review_log_response_id_response'),
            'response',
            ['response_id'],
            ['id'],
            ondelete='SET NULL',
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_review_log_response_id_item_id'), ['response_id', 'item_id']
        )
        batch_op.create_check_constraint(op.f('ck_review_log_origin'), "origin IN ('study', 'quiz')")
    # How many ratings stand behind each card state, counted from the log once.
    with op.batch_alter_table('card_state', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('reviews', sa.Integer(), server_default='1', nullable=False)
        )
        batch_op.create_check_constraint(op.f('ck_card_state_reviews'), 'reviews >= 0')
    op.execute(
        "UPDATE card_state SET reviews = ("
        " SELECT count(*) FROM review_log"
        " WHERE review_log.user_id = card_state.user_id"
        " AND review_log.item_id = card_state.item_id)"
        " WHERE EXISTS (SELECT 1 FROM review_log"
        " WHERE review_log.user_id = card_state.user_id"
        " AND review_log.item_id = card_state.item_id)"
    )
    # No fact is critical until the next bank load reads deck.yaml.
    with op.batch_alter_table('fact', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('critical', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('fact', schema=None) as batch_op:
        batch_op.drop_column('critical')
    with op.batch_alter_table('card_state', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_card_state_reviews'), type_='check')
        batch_op.drop_column('reviews')
    # Quiz-origin ratings have no place in the older schema: the card states
    # they changed stay as they are, as if the learner had rated them.
    with op.batch_alter_table('review_log', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_review_log_origin'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_review_log_response_id_item_id'), type_='unique')
        batch_op.drop_constraint(
            batch_op.f('fk_review_log_response_id_response'), type_='foreignkey'
        )
        batch_op.drop_column('response_id')
        batch_op.drop_column('origin')
