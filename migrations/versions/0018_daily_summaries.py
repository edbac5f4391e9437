"""each learner's ratings and quiz answers per local day, for the dashboard

Revision ID: 0018_daily_summaries
Revises: 0017_instructor_content
Create Date: 2026-12-01 08:00:00.000000

"""
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_daily_summaries'
down_revision = '0017_instructor_content'
branch_labels = None
depends_on = None

# Day of a moment in the account's zone, on PostgreSQL (which knows the zones).
PG_BACKFILL = """
INSERT INTO daily_activity (user_id, day, reviews, study_reviews, answers)
SELECT events.user_id, (events.at AT TIME ZONE u.time_zone)::date AS day,
       count(*) FILTER (WHERE events.kind <> 'answer'),
       count(*) FILTER (WHERE events.kind = 'study'),
       count(*) FILTER (WHERE events.kind = 'answer')
FROM (
    SELECT user_id, reviewed_at AS at, origin AS kind FROM review_log
    UNION ALL
    SELECT attempt.learner_id, response.answered_at, 'answer'
    FROM response
    JOIN attempt_question ON attempt_question.id = response.attempt_question_id
    JOIN attempt ON attempt.id = attempt_question.attempt_id
) AS events
JOIN user_account AS u ON u.id = events.user_id
GROUP BY events.user_id, day
"""

EVENTS = """
SELECT review_log.user_id, review_log.reviewed_at, review_log.origin, u.time_zone
FROM review_log JOIN user_account AS u ON u.id = review_log.user_id
UNION ALL
SELECT attempt.learner_id, response.answered_at, 'answer', u.time_zone
FROM response
JOIN attempt_question ON attempt_question.id = response.attempt_question_id
JOIN attempt ON attempt.id = attempt_question.attempt_id
JOIN user_account AS u ON u.id = attempt.learner_id
"""


def upgrade():
    op.create_table(
        'daily_activity',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('reviews', sa.Integer(), server_default='0', nullable=False),
        sa.Column('study_reviews', sa.Integer(), server_default='0', nullable=False),
        sa.Column('answers', sa.Integer(), server_default='0', nullable=False),
        sa.CheckConstraint('answers >= 0', name=op.f('ck_daily_activity_answers')),
        sa.CheckConstraint('reviews >= 0', name=op.f('ck_daily_activity_reviews')),
        sa.CheckConstraint(
            'study_reviews BETWEEN 0 AND reviews', name=op.f('ck_daily_activity_study_reviews')
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'],
            name=op.f('fk_daily_activity_user_id_user_account'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('user_id', 'day', name=op.f('pk_daily_activity')),
    )
    connection = op.get_bind()
    if connection.dialect.name == 'postgresql':
        connection.execute(sa.text(PG_BACKFILL))
    else:
        _backfill_in_python(connection)


def _backfill_in_python(connection):
    """SQLite has no time zones: each rating and answer is put on its day here."""
    days = {}
    for user_id, at, kind, zone in connection.execute(sa.text(EVENTS)):
        moment = datetime.fromisoformat(at) if isinstance(at, str) else at
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo('UTC'))
        day = moment.astimezone(ZoneInfo(zone or 'UTC')).date()
        counts = days.setdefault((user_id, day), Counter())
        counts['answers' if kind == 'answer' else 'reviews'] += 1
        counts['study_reviews'] += kind == 'study'
    table = sa.table(
        'daily_activity',
        sa.column('user_id'), sa.column('day', sa.Date()),
        sa.column('reviews'), sa.column('study_reviews'), sa.column('answers'),
    )
    rows = [
        {
            'user_id': user_id, 'day': day, 'reviews': counts['reviews'],
            'study_reviews': counts['study_reviews'], 'answers': counts['answers'],
        }
        for (user_id, day), counts in sorted(days.items())
    ]
    if rows:
        op.bulk_insert(table, rows)


def downgrade():
    op.drop_table('daily_activity')
