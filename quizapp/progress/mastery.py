"""Mastery of a topic: what a learner is likely to recall today, and how sure that is.

One definition, for the learner dashboard, the class views and the CSV alike,
counted for any set of learners at once in two SQL statements (the fitted FSRS
parameters, then the evidence):

* **flashcards** — each card of the topic the learner has learned (in FSRS's
  review state) contributes its *retrievability* now: the probability of
  recall that the ``fsrs`` scheduler itself computes from the card's stability
  and the whole days since its last review
  (``Scheduler.get_card_retrievability``, with the parameters that schedule
  the card: the learner's fit in the deck, else the deck's, else the
  defaults). A card relearning after a lapse (Again on the study page, or a
  wrong quiz answer) contributes 0 until it is relearned: the model would
  call it fresh (R = 1 on the day of the lapse),
  but the learner has just failed it. Cards never studied, or still in their
  first learning steps, contribute nothing. One row per card, so the work is
  bounded by the deck's size, not by the history.
* **quiz answers** — each answer to a question of the topic in the last
  ``WINDOW`` days contributes its score, weighted by recency: an answer of
  today weighs 1, one ``n`` whole days old ``(90 - n) / 90``; older ones
  nothing (SQL sums the weights and the weighted scores).
* **mastery** — the weighted mean of both: (Σ retrievability + Σ weight × score)
  / (cards counted + Σ weight), so a learned card counts as much as a quiz
  answer given today.
* **how sure** — the ratings behind the counted cards' states plus the answers
  counted; below ``MIN_EVIDENCE`` mastery is "not enough evidence yet"
  (``None``) rather than 100 % from one right answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any, NamedTuple
from typing import cast as cast_type

from fsrs import Card, Scheduler, State
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Float,
    Integer,
    Select,
    SQLColumnExpression,
    bindparam,
    cast,
    extract,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from quizapp import database
from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    CardState,
    Item,
    Response,
    UTCDateTime,
)
from quizapp.models.parameters import FsrsParameters
from quizapp.progress.days import Days, numbering
from quizapp.study import scheduling
from quizapp.study.services.queue import CARD_TYPES

# Learner ids, or a query that selects them, used as ``IN (…)`` through ``among``.
Learners = Collection[int] | Select[int]
LearnerColumn = SQLColumnExpression[int] | SQLColumnExpression[int | None]
# Which learners a statement reads, as a condition on a learner id column.
Whose = Callable[[LearnerColumn], ColumnElement[bool]]
WINDOW_DAYS = 90
WINDOW = timedelta(days=WINDOW_DAYS)
RECENCY = "recency"  # the name of the window's bounds in the SQL (see days.numbering)
MIN_EVIDENCE = 3  # reviews and answers together, before mastery is shown
AGAIN = 1  # fsrs Rating.Again
# The kinds of row the mastery query returns: a card in one of fsrs's states, or answers.
LEARNING, REVIEW, RELEARNING = (int(state) for state in State)
QUIZ = 0
# The one learner of the dashboard's statements; the window's start and end (now).
LEARNER: BindParameter[int] = bindparam("learner_id")
SINCE: BindParameter[datetime] = bindparam("since", type_=UTCDateTime())
NOW: BindParameter[datetime] = bindparam("now", type_=UTCDateTime())
DAY_SECONDS = 86400

# Retrievability depends only on the card's stability, its elapsed days and the
# forgetting curve's shape (the parameters), not on the retention asked for.
_RETENTION = 0.9
_DEFAULT_MODEL = scheduling.make_scheduler(_RETENTION, fuzzing=False)


def among(
    column: SQLColumnExpression[int] | SQLColumnExpression[int | None], learners: Learners
) -> ColumnElement[bool]:
    """``column IN (learners)``. Ids are written into the SQL as numbers: as
    bind parameters, 500 of them took psycopg 17 ms to parse, per statement."""
    if isinstance(learners, Select):
        return column.in_(learners)
    ids: BindParameter[int] = bindparam(
        "learner_ids", [int(i) for i in learners], expanding=True, literal_execute=True, unique=True
    )
    return column.in_(ids)


class _Memory(NamedTuple):
    """The two fields of an ``fsrs.Card`` that retrievability reads (building a
    whole ``Card`` per row was a third of a class page's time)."""

    stability: float
    last_review: datetime


def retrievability(
    stability: float, last_review: datetime, now: datetime, model: Scheduler = _DEFAULT_MODEL
) -> float:
    """The probability of recalling a card now, as the ``fsrs`` scheduler computes it."""
    memory = cast_type(Card, _Memory(stability, last_review))
    return float(model.get_card_retrievability(memory, now))


@dataclass(frozen=True)
class TopicMastery:
    """One learner's evidence on one topic (or a deck: the topics added up)."""

    learner_id: int
    topic_id: int
    cards: int = 0  # cards learned or relearning
    recall_sum: float = 0.0  # their retrievability now, added up
    reviews: int = 0  # ratings behind those cards' states
    quiz_answers: int = 0  # answers in the window
    quiz_weight: float = 0.0  # their recency weights, added up
    quiz_points: float = 0.0  # their scores times their weights, added up

    @property
    def recall(self) -> float | None:
        """Mean retrievability of the studied cards."""
        return self.recall_sum / self.cards if self.cards else None

    @property
    def quiz_accuracy(self) -> float | None:
        """Recency-weighted mean score of the answers."""
        return self.quiz_points / self.quiz_weight if self.quiz_weight else None

    @property
    def evidence(self) -> int:
        return self.reviews + self.quiz_answers

    @property
    def enough(self) -> bool:
        return self.evidence >= MIN_EVIDENCE

    @cached_property  # read several times per cell of a class's grid
    def mastery(self) -> float | None:
        """Likely recall today, or None: not enough evidence yet."""
        weight = self.cards + self.quiz_weight
        if not self.enough or not weight:
            return None
        return (self.recall_sum + self.quiz_points) / weight

    def __add__(self, other: TopicMastery) -> TopicMastery:
        """Evidence put together; of two topics, the deck's (topic id 0 stands for it)."""
        return TopicMastery(
            self.learner_id,
            self.topic_id if self.topic_id == other.topic_id else 0,
            self.cards + other.cards,
            self.recall_sum + other.recall_sum,
            self.reviews + other.reviews,
            self.quiz_answers + other.quiz_answers,
            self.quiz_weight + other.quiz_weight,
            self.quiz_points + other.quiz_points,
        )


def recency_days(now: datetime) -> Days:
    """The window as ``WINDOW_DAYS`` periods of 24 hours ending at ``now``: an
    answer in period ``n`` (0 the oldest) is ``WINDOW_DAYS - 1 - n`` whole days old."""
    return Days(
        date.min,  # unused: the periods are numbered, never named
        tuple(now - timedelta(days=WINDOW_DAYS - n) for n in range(WINDOW_DAYS + 1)),
    )


def _period(dialect: str) -> ColumnElement[int]:
    """SQL: the period of :func:`recency_days` an answer of the window falls in.

    On PostgreSQL, from the answer's age: ``EXTRACT`` gives its seconds as an
    exact numeric, so ``floor`` finds the same period as the bounds would, and
    the statement has two parameters rather than 91 (psycopg parses a statement
    of over 50 parameters afresh on every run: half the query's cost). SQLite
    counts dates in floating point days, so there the bounds are compared.
    """
    if dialect != "postgresql":
        return numbering(Response.answered_at, WINDOW_DAYS, RECENCY)
    age = extract("epoch", NOW - Response.answered_at) / DAY_SECONDS
    # The answers of the last 24 hours (and any stamped later than now) are the last period's.
    return cast(func.least(WINDOW_DAYS - 1, func.floor(WINDOW_DAYS - age)), Integer)


def parameters(now: datetime, dialect: str) -> dict[str, datetime]:
    """The values of :func:`mastery_query`'s window at ``now``."""
    if dialect != "postgresql":
        return {"since": now - WINDOW, **recency_days(now).parameters(RECENCY)}
    return {"since": now - WINDOW, "now": now}


def mastery_query(whose: Whose, dialect: str) -> Select[tuple[object, ...]]:
    """Per learner: a row per card learned or relearning (kind: its state;
    stability, last review, ratings) and a row per topic answered (kind ``QUIZ``: answers, Σ weight,
    Σ weight × score), in one statement, to run with :func:`parameters`."""
    cards = (
        select(
            CardState.user_id.label("learner_id"),
            Item.topic_id.label("topic_id"),
            Item.deck_id.label("deck_id"),
            CardState.state.label("kind"),
            CardState.stability.label("stability"),
            CardState.last_review.label("last_review"),
            CardState.reviews.label("tally"),
            cast(literal(0.0), Float).label("weight"),
            cast(literal(0.0), Float).label("points"),
        )
        .join(Item, Item.id == CardState.item_id)
        .where(
            whose(CardState.user_id),
            CardState.state != LEARNING,
            Item.status == Status.PUBLISHED,
            Item.type.in_(CARD_TYPES),
        )
    )
    weight = (_period(dialect) + 1) * (1.0 / WINDOW_DAYS)
    answers = (
        select(
            Attempt.learner_id,
            AttemptQuestion.topic_id,
            cast(null(), Integer),
            literal(QUIZ).label("kind"),
            cast(null(), Float),
            cast(null(), UTCDateTime()),
            cast(func.count(), Integer),
            cast(func.sum(weight), Float),
            cast(func.sum(weight * Response.score), Float),
        )
        .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
        .join(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(
            whose(Attempt.learner_id),
            # No answer is given after its attempt finished: this spares reading
            # the questions of every older attempt, so the cost follows the window.
            or_(Attempt.finished_at.is_(None), Attempt.finished_at >= SINCE),
            Response.answered_at >= SINCE,
        )
        .group_by(Attempt.learner_id, AttemptQuestion.topic_id)
    )
    return union_all(cards, answers).subquery().select()


def models_query(whose: Whose) -> Select[int, int | None, list[float]]:
    """The fits that schedule the learners' cards (see :func:`_models`)."""
    return select(FsrsParameters.deck_id, FsrsParameters.user_id, FsrsParameters.parameters).where(
        FsrsParameters.in_use,
        or_(FsrsParameters.user_id.is_(None), whose(FsrsParameters.user_id)),
    )


def topic_mastery(learners: Learners, now: datetime) -> list[TopicMastery]:
    """Every (learner, topic) with any evidence, ordered by learner and topic."""
    dialect = database.dialect()

    def whose(column: LearnerColumn) -> ColumnElement[bool]:
        return among(column, learners)

    return _cells(mastery_query(whose, dialect), models_query(whose), {}, now, dialect)


def learner_mastery(learner_id: int, now: datetime) -> list[TopicMastery]:
    """``topic_mastery([learner_id], now)``, for the dashboard: its statements are
    built once per process with the learner as a bind parameter. Building and
    hashing them cost more than running them, and their SQL is then the same for
    every learner, so the driver prepares them once per connection rather than
    PostgreSQL planning them anew on each view."""
    dialect = database.dialect()
    query, fits = _learner_statements(dialect)
    return _cells(query, fits, {"learner_id": learner_id}, now, dialect)


def _the_learner(column: LearnerColumn) -> ColumnElement[bool]:
    return column == LEARNER


@functools.cache
def _learner_statements(
    dialect: str,
) -> tuple[Select[tuple[object, ...]], Select[int, int | None, list[float]]]:
    return mastery_query(_the_learner, dialect), models_query(_the_learner)


def _cells(
    query: Select[tuple[object, ...]],
    fits: Select[int, int | None, list[float]],
    values: Mapping[str, object],
    now: datetime,
    dialect: str,
) -> list[TopicMastery]:
    """Run the statements; add up the rows (one per card studied: thousands for a
    class) in plain lists, one ``TopicMastery`` per cell at the end."""
    sums: dict[tuple[int, int], list[Any]] = {}
    models = _models(db.session.execute(fits, values))
    rows: Iterable[tuple[Any, ...]] = db.session.execute(
        query, {**values, **parameters(now, dialect)}
    )
    for learner_id, topic_id, deck_id, kind, stability, last_review, tally, weight, points in rows:
        cell = sums.get((learner_id, topic_id))
        if cell is None:
            cell = sums[learner_id, topic_id] = [0, 0.0, 0, 0, 0.0, 0.0]
        if kind == QUIZ:
            cell[3] += tally
            cell[4] += weight
            cell[5] += points
            continue
        cell[0] += 1
        cell[2] += tally
        if kind == REVIEW:
            model = models.get((deck_id, learner_id)) or models.get((deck_id, None), _DEFAULT_MODEL)
            cell[1] += retrievability(stability, last_review, now, model)
    return [TopicMastery(*key, *cell) for key, cell in sorted(sums.items())]


def _models(
    fits: Iterable[tuple[int, int | None, list[float]]],
) -> dict[tuple[int, int | None], Scheduler]:
    """The schedulers of the learners' cards by (deck, learner), as
    :mod:`quizapp.study.services.parameters` chooses their parameters: the
    learner's own fit in the deck, else the deck's (learner None), else the
    defaults (not in the dict). Fits are few."""
    return {
        (deck_id, user_id): scheduling.make_scheduler(
            _RETENTION, fuzzing=False, parameters=tuple(fit)
        )
        for deck_id, user_id, fit in fits
    }
