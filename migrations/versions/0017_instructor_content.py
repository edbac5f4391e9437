"""instructors build content from their own documents: source texts and
versions, facts as full records, item sources derived from facts, proposed facts

Revision ID: 0017_instructor_content
Revises: 0016_report_notices
Create Date: 2026-12-01 07:40:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0017_instructor_content'
down_revision = '0016_report_notices'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
ORIGIN = "origin IN ('bank', 'web')"


def upgrade():
    op.create_table('source_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content', JSON, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('version >= 1', name=op.f('ck_source_version_version')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_source_version_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_source_version_source_id_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_version')),
    sa.UniqueConstraint('source_id', 'version', name=op.f('uq_source_version_source_id_version'))
    )
    with op.batch_alter_table('source_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_version_created_by_id'), ['created_by_id'], unique=False)

    op.create_table('fact_candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deck_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('topic_key', sa.String(length=64), nullable=False),
    sa.Column('topic_title', sa.String(length=200), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('record', JSON, nullable=False),
    sa.Column('status', sa.String(length=10), server_default='pending', nullable=False),
    sa.Column('edited', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('fact_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('definition', 'number', 'list', 'statement')", name=op.f('ck_fact_candidate_kind')),
    sa.CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name=op.f('ck_fact_candidate_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_fact_candidate_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deck_id'], ['deck.id'], name=op.f('fk_fact_candidate_deck_id_deck'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['fact_id'], ['fact.id'], name=op.f('fk_fact_candidate_fact_id_fact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_fact_candidate_source_id_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fact_candidate')),
    sa.UniqueConstraint('source_id', 'position', name=op.f('uq_fact_candidate_source_id_position'))
    )
    with op.batch_alter_table('fact_candidate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fact_candidate_decided_by_id'), ['decided_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fact_candidate_deck_id'), ['deck_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fact_candidate_fact_id'), ['fact_id'], unique=False)

    with op.batch_alter_table('deck', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extras', JSON, server_default=sa.text("'{}'"), nullable=False))

    # A fact's full record (its question, cloze, list ... blocks) and a source's
    # document arrive with the next bank load; until then each record holds what
    # the columns know, so the fact pages and the stored deck can read it.
    with op.batch_alter_table('fact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record', JSON, server_default=sa.text("'{}'"), nullable=False))
        batch_op.add_column(sa.Column('origin', sa.String(length=10), server_default='bank', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('updated_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_fact_updated_by_id'), ['updated_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_fact_updated_by_id_user_account'), 'user_account', ['updated_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(op.f('ck_fact_version'), 'version >= 1')
        batch_op.create_check_constraint(op.f('ck_fact_origin'), ORIGIN)

    _fill_fact_records()

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_note', sa.Text(), nullable=True))
        batch_op.alter_column('source_id',
               existing_type=sa.INTEGER(),
               nullable=True)

    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('published', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('origin', sa.String(length=10), server_default='bank', nullable=False))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('updated_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_source_updated_by_id'), ['updated_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_source_updated_by_id_user_account'), 'user_account', ['updated_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(op.f('ck_source_version'), 'version >= 1')
        batch_op.create_check_constraint(op.f('ck_source_origin'), ORIGIN)



def _fill_fact_records():
    fact = sa.table('fact', sa.column('id', sa.Integer), sa.column('key', sa.String),
                    sa.column('topic_id', sa.Integer), sa.column('source_id', sa.Integer),
                    sa.column('statement', sa.Text), sa.column('quote', sa.Text),
                    sa.column('critical', sa.Boolean), sa.column('record', JSON))
    topic = sa.table('topic', sa.column('id', sa.Integer), sa.column('key', sa.String))
    source = sa.table('source', sa.column('id', sa.Integer), sa.column('key', sa.String))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(fact.c.id, fact.c.key, topic.c.key, source.c.key, fact.c.statement,
                  fact.c.quote, fact.c.critical)
        .join(topic, topic.c.id == fact.c.topic_id)
        .join(source, source.c.id == fact.c.source_id)
    ).all()
    for fact_id, key, topic_key, source_key, statement, quote, critical in rows:
        record = {'id': key, 'topic': topic_key, 'source': source_key, 'quote': quote,
                  'statement': statement}
        if critical:
            record['critical'] = True
        bind.execute(fact.update().where(fact.c.id == fact_id).values(record=record))


def downgrade():
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_source_origin'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_source_version'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_source_updated_by_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_source_updated_by_id'))
        batch_op.drop_column('updated_by_id')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('origin')
        batch_op.drop_column('version')
        batch_op.drop_column('text')
        batch_op.drop_column('published')
        batch_op.drop_column('address')

    # Items without facts have no source to go back to: they leave with the column's NULLs.
    op.execute('DELETE FROM item WHERE source_id IS NULL')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.alter_column('source_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('review_note')

    with op.batch_alter_table('fact', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_fact_origin'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_fact_version'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_fact_updated_by_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_fact_updated_by_id'))
        batch_op.drop_column('updated_by_id')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('retired_at')
        batch_op.drop_column('version')
        batch_op.drop_column('origin')
        batch_op.drop_column('record')

    with op.batch_alter_table('deck', schema=None) as batch_op:
        batch_op.drop_column('extras')

    with op.batch_alter_table('fact_candidate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fact_candidate_fact_id'))
        batch_op.drop_index(batch_op.f('ix_fact_candidate_deck_id'))
        batch_op.drop_index(batch_op.f('ix_fact_candidate_decided_by_id'))

    op.drop_table('fact_candidate')
    with op.batch_alter_table('source_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_version_created_by_id'))

    op.drop_table('source_version')
