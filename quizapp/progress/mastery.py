"""Mastery of a topic: what the learner dashboard and the class views both show.

One definition, counted in SQL for any set of learners at once:

* quiz accuracy — points earned over questions answered on the topic's items;
* flashcard recall — share of reviews of the topic's cards not rated Again;
* mastery — the mean of whichever of the two the learner has, else nothing.

Both look back ``WINDOW`` days, so mastery follows what a learner knows now.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    SQLColumnExpression,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Item, Response, ReviewLog

# Learner ids, or a query that selects them, used as ``IN (…)`` through ``among``.
Learners = Collection[int] | Select[int]
WINDOW = timedelta(days=90)
AGAIN = 1  # fsrs Rating.Again


def among(column: SQLColumnExpression[int], learners: Learners) -> ColumnElement[bool]:
    """``column IN (learners)``. Ids are written into the SQL as numbers: as
    bind parameters, 500 of them took psycopg 17 ms to parse, per statement."""
    if isinstance(learners, Select):
        return column.in_(learners)
    ids: BindParameter[int] = bindparam(
        "learner_ids", [int(i) for i in learners], expanding=True, literal_execute=True, unique=True
    )
    return column.in_(ids)


@dataclass(frozen=True)
class TopicMastery:
    learner_id: int
    topic_id: int
    quiz_points: float
    quiz_answers: int
    reviews: int
    recalled: int

    @property
    def quiz_accuracy(self) -> float | None:
        return self.quiz_points / self.quiz_answers if self.quiz_answers else None

    @property
    def recall(self) -> float | None:
        return self.recalled / self.reviews if self.reviews else None

    @cached_property  # read several times per cell of a class's grid
    def mastery(self) -> float | None:
        parts = [part for part in (self.quiz_accuracy, self.recall) if part is not None]
        return sum(parts) / len(parts) if parts else None


def mastery_query(learners: Learners, now: datetime) -> Select[int, int, float, int, int, int]:
    """Per (learner, topic): quiz points and answers, reviews and recalls, in one query."""
    since = now - WINDOW
    answers = (
        select(
            Attempt.learner_id.label("learner_id"),
            AttemptQuestion.topic_id.label("topic_id"),
            Response.score.label("points"),
            literal(1).label("answered"),
            literal(0).label("reviewed"),
            literal(0).label("recalled"),
        )
        .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
        .join(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(
            among(Attempt.learner_id, learners),
            # No answer is given after its attempt finished: this spares reading
            # the questions of every older attempt, so the cost follows the window.
            or_(Attempt.finished_at.is_(None), Attempt.finished_at >= since),
            Response.answered_at >= since,
        )
    )
    reviews = (
        select(
            ReviewLog.user_id,
            Item.topic_id,
            literal(0.0),
            literal(0),
            literal(1),
            case((ReviewLog.rating == AGAIN, 0), else_=1),
        )
        .join(Item, Item.id == ReviewLog.item_id)
        .where(among(ReviewLog.user_id, learners), ReviewLog.reviewed_at >= since)
    )
    events = union_all(answers, reviews).subquery()
    return (
        select(
            events.c.learner_id,
            events.c.topic_id,
            func.sum(events.c.points),
            func.sum(events.c.answered),
            func.sum(events.c.reviewed),
            func.sum(events.c.recalled),
        )
        .group_by(events.c.learner_id, events.c.topic_id)
        .order_by(events.c.learner_id, events.c.topic_id)
    )


def topic_mastery(learners: Learners, now: datetime) -> list[TopicMastery]:
    rows = db.session.execute(mastery_query(learners, now)).all()
    return [
        TopicMastery(int(a), int(b), float(c or 0), int(d or 0), int(e or 0), int(f or 0))
        for a, b, c, d, e, f in rows
    ]
