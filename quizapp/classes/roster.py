"""A class's roster: every member's quiz and flashcard numbers, one line each.

Every number is counted in SQL over the whole class at once (GROUP BY and window
functions), so a page costs the same few statements for 3 learners or 500.

* **quiz score** of an attempt — points over questions asked (unanswered count 0);
  the roster's average, best and last use finished attempts only.
* **retention** — share of a learner's flashcard reviews not rated Again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Float, Select, case, cast, func, select, union_all
from sqlalchemy.sql.selectable import Subquery

from quizapp.classes.selection import class_learners
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Enrolment, Response, ReviewLog, User
from quizapp.models.study import STUDY_ORIGIN
from quizapp.progress.mastery import AGAIN, Learners, among


class Member(NamedTuple):
    """A learner of the class as the roster names them: the first fields of
    :class:`LearnerStats`, in the same order."""

    id: int
    name: str
    email: str
    joined_at: datetime


@dataclass(frozen=True)
class LearnerStats:
    """One learner's line of the roster; fractions run from 0 to 1."""

    id: int
    name: str
    email: str
    joined_at: datetime
    attempts: int
    average: float | None
    best: float | None
    last: float | None
    reviews: int
    retention: float | None
    cards: int
    last_active: datetime | None


ROSTER_COLUMNS = {
    "name": "Learner",
    "joined": "Joined",
    "attempts": "Quizzes",
    "average": "Average",
    "best": "Best",
    "last": "Last",
    "retention": "Retention",
    "reviews": "Reviews",
    "cards": "Cards reviewed",
    "active": "Last active",
}


def _timestamp(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


# What each roster column but the name sorts by (a number, or None: missing).
SORT_VALUES: dict[str, Callable[[LearnerStats], float | None]] = {
    "joined": lambda row: row.joined_at.timestamp(),
    "attempts": lambda row: row.attempts,
    "average": lambda row: row.average,
    "best": lambda row: row.best,
    "last": lambda row: row.last,
    "retention": lambda row: row.retention,
    "reviews": lambda row: row.reviews,
    "cards": lambda row: row.cards,
    "active": lambda row: _timestamp(row.last_active),
}


def _quiz_stats(learners: Learners) -> Subquery:
    """Per learner over finished attempts: count, mean, best and latest score."""
    fraction = (Attempt.score / Attempt.length).label("fraction")
    recency = func.row_number().over(
        partition_by=Attempt.learner_id,
        order_by=(Attempt.finished_at.desc(), Attempt.id.desc()),
    )
    finished = (
        select(Attempt.learner_id, fraction, recency.label("recency"))
        .where(among(Attempt.learner_id, learners), Attempt.finished_at.is_not(None))
        .subquery()
    )
    return (
        select(
            finished.c.learner_id,
            func.count().label("attempts"),
            func.avg(finished.c.fraction).label("average"),
            func.max(finished.c.fraction).label("best"),
            func.max(case((finished.c.recency == 1, finished.c.fraction))).label("last"),
        )
        .group_by(finished.c.learner_id)
        .subquery("quiz")
    )


def _review_stats(learners: Learners) -> Subquery:
    recalled = case((ReviewLog.rating == AGAIN, 0.0), else_=1.0)
    return (
        select(
            ReviewLog.user_id.label("learner_id"),
            func.count().label("reviews"),
            cast(func.avg(recalled), Float).label("retention"),
            func.count(ReviewLog.item_id.distinct()).label("cards"),
        )
        # The study page's ratings: a quiz answer's are counted with the quizzes.
        .where(among(ReviewLog.user_id, learners), ReviewLog.origin == STUDY_ORIGIN)
        .group_by(ReviewLog.user_id)
        .subquery("recall")
    )


def _last_activity(learners: Learners) -> Subquery:
    """Per learner, the latest quiz start or finish, answer, or flashcard review.

    Answers count only from unfinished attempts: a finished attempt's answers
    all came before its finish, which is counted already. A learner's latest
    rating is one probe of the (user, time) index, not a scan of their history.
    """
    events = union_all(
        select(
            Attempt.learner_id.label("learner_id"),
            func.coalesce(Attempt.finished_at, Attempt.started_at).label("at"),
        ).where(among(Attempt.learner_id, learners)),
        select(Attempt.learner_id, Response.answered_at)
        .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
        .join(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(among(Attempt.learner_id, learners), Attempt.finished_at.is_(None)),
        select(
            User.id,
            select(func.max(ReviewLog.reviewed_at))
            .where(ReviewLog.user_id == User.id)
            .scalar_subquery(),
        ).where(among(User.id, learners)),
    ).subquery()
    return (
        select(events.c.learner_id, func.max(events.c.at).label("last_active"))
        .group_by(events.c.learner_id)
        .subquery("activity")
    )


def members_query(classroom_id: int) -> Select[int, str, str, datetime]:
    """The class's members (id, name, e-mail, joined), by name: the roster's
    first columns, and all the class page reads live on each view."""
    return (
        select(User.id, User.display_name, User.email, Enrolment.joined_at)
        .select_from(Enrolment)
        .join(User, User.id == Enrolment.learner_id)
        .where(Enrolment.classroom_id == classroom_id)
        .order_by(func.lower(User.display_name), User.id)
    )


def members(classroom_id: int) -> list[Member]:
    return [Member(*row) for row in db.session.execute(members_query(classroom_id))]


def roster_query(
    classroom_id: int, learners: Learners, learner_id: int | None = None
) -> Select[Any]:
    """The roster with the numbers of ``learners`` (the class's, or just
    ``learner_id``), in one statement, by name."""
    quiz, recall, activity = (
        _quiz_stats(learners),
        _review_stats(learners),
        _last_activity(learners),
    )
    query = (
        members_query(classroom_id)
        .add_columns(
            func.coalesce(quiz.c.attempts, 0),
            quiz.c.average,
            quiz.c.best,
            quiz.c.last,
            func.coalesce(recall.c.reviews, 0),
            recall.c.retention,
            func.coalesce(recall.c.cards, 0),
            activity.c.last_active,
        )
        .outerjoin(quiz, quiz.c.learner_id == User.id)
        .outerjoin(recall, recall.c.learner_id == User.id)
        .outerjoin(activity, activity.c.learner_id == User.id)
    )
    if learner_id is not None:
        query = query.where(Enrolment.learner_id == learner_id)
    return query


def roster(classroom_id: int, learners: Learners | None = None) -> list[LearnerStats]:
    """Every member's roster line, by name; pass ``learners`` when they are read already."""
    if learners is None:
        learners = class_learners(classroom_id)
    return [LearnerStats(*row) for row in db.session.execute(roster_query(classroom_id, learners))]


def learner_stats(classroom_id: int, learner_id: int) -> LearnerStats | None:
    """One member's roster line; None when they are not in the class."""
    row = db.session.execute(
        roster_query(classroom_id, [learner_id], learner_id=learner_id)
    ).first()
    return LearnerStats(*row) if row else None
