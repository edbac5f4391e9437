"""Keeping :class:`~quizapp.models.DailyActivity`: a learner's ratings and quiz
answers per local day, counted as they are written.

The dashboard's streak and reviews-per-day chart read these rows (one a day at
most), so a view costs the same for 100 ratings or 100,000. Every writer of a
rating or an answer calls in here, in the same transaction as its own write:

* a rating (study page or quiz answer): :func:`count_review`;
* an undone rating: :func:`uncount_review`;
* a quiz answer: :func:`count_answer`;
* a deleted account's quizzes passing to the placeholder account:
  :func:`hand_over_answers`;
* the account's time zone changing (every day moves): :func:`rebuild`.

A deleted account's rows go with it (ON DELETE CASCADE). Additions are one
``INSERT … ON CONFLICT DO UPDATE`` adding to the counts, so two requests of one
learner on the same day add up rather than overwrite each other (PostgreSQL
holds the row for the second until the first commits). Days are the account's,
as everywhere on the dashboard.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Insert, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, DailyActivity, Response, ReviewLog, User
from quizapp.models.study import STUDY_ORIGIN

COUNTS = ("reviews", "study_reviews", "answers")


def zone_of(user_id: int) -> ZoneInfo:
    """The account's zone. (``quizapp.auth.services.time_zone`` says the same; it
    is not imported here because changing the zone calls :func:`rebuild`.)"""
    user = db.session.get(User, user_id)
    return ZoneInfo(user.time_zone if user is not None else "UTC")


def day_of(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def count_review(user_id: int, at: datetime, origin: str) -> None:
    """One rating recorded at ``at``."""
    study = int(origin == STUDY_ORIGIN)
    _add(user_id, day_of(at, zone_of(user_id)), reviews=1, study_reviews=study, answers=0)


def uncount_review(user_id: int, at: datetime, origin: str) -> None:
    """One rating taken back (its row exists: the rating counted it)."""
    study = int(origin == STUDY_ORIGIN)
    db.session.execute(
        update(DailyActivity)
        .where(
            DailyActivity.user_id == user_id,
            DailyActivity.day == day_of(at, zone_of(user_id)),
        )
        .values(
            reviews=DailyActivity.reviews - 1,
            study_reviews=DailyActivity.study_reviews - study,
        )
    )


def count_answer(learner_id: int, at: datetime) -> None:
    """One quiz answer given at ``at``."""
    _add(learner_id, day_of(at, zone_of(learner_id)), reviews=0, study_reviews=0, answers=1)


def hand_over_answers(from_id: int, to_id: int) -> None:
    """Count ``from_id``'s quiz answers as ``to_id``'s (their attempts are about
    to pass to ``to_id``): added to ``to_id``'s days, in ``to_id``'s zone."""
    zone = zone_of(to_id)
    days = Counter(day_of(at, zone) for at in _answer_times(from_id))
    _upsert(
        [
            {"user_id": to_id, "day": day, "reviews": 0, "study_reviews": 0, "answers": count}
            for day, count in sorted(days.items())
        ],
        add=True,
    )


def _add(user_id: int, day: date, **counts: int) -> None:
    _upsert([{"user_id": user_id, "day": day, **counts}], add=True)


def _upsert(rows: list[dict[str, Any]], *, add: bool) -> None:
    """Insert the rows; where the (learner, day) exists, add to its counts
    (``add``) or replace them."""
    if rows:
        db.session.execute(_upsert_statement(db.session.get_bind().dialect.name, add), rows)


@functools.cache
def _upsert_statement(dialect: str, add: bool) -> Insert:
    """Built once per kind: the rows come as parameters, so the compiled SQL is
    reused (a rating's upsert built afresh cost a third of the rating request)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(DailyActivity)
    new = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[DailyActivity.user_id, DailyActivity.day],
        set_={
            name: (getattr(DailyActivity, name) + new[name]) if add else new[name]
            for name in COUNTS
        },
    )


def recount(user_id: int, zone: ZoneInfo) -> dict[date, tuple[int, int, int]]:
    """The learner's days counted afresh from the review log and their answers:
    day -> (reviews, study reviews, answers). What the rows must always equal."""
    days: dict[date, Counter[str]] = {}
    ratings = db.session.execute(
        select(ReviewLog.reviewed_at, ReviewLog.origin).where(ReviewLog.user_id == user_id)
    )
    for at, origin in ratings:
        day = days.setdefault(day_of(at, zone), Counter())
        day["reviews"] += 1
        day["study_reviews"] += origin == STUDY_ORIGIN
    for at in _answer_times(user_id):
        days.setdefault(day_of(at, zone), Counter())["answers"] += 1
    return {day: tuple(found[name] for name in COUNTS) for day, found in days.items()}  # type: ignore[misc]


def _answer_times(learner_id: int) -> Iterable[datetime]:
    return db.session.scalars(
        select(Response.answered_at)
        .join(AttemptQuestion, AttemptQuestion.id == Response.attempt_question_id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(Attempt.learner_id == learner_id)
    )


def rebuild(user_id: int, zone: ZoneInfo | None = None) -> None:
    """Count the learner's days afresh, in ``zone`` (default: the account's)."""
    found = recount(user_id, zone or zone_of(user_id))
    db.session.execute(delete(DailyActivity).where(DailyActivity.user_id == user_id))
    _upsert(
        [
            {"user_id": user_id, "day": day, **dict(zip(COUNTS, counts, strict=True))}
            for day, counts in sorted(found.items())
        ],
        add=False,
    )
