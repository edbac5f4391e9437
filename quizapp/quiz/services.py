"""Quiz rules the views call: drawing an attempt, answering, finishing and flagging.

Questions are chosen in SQL, with a constant number of queries however long
a learner's history grows. The request commits (see :mod:`quizapp.database`).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Insert, Row, Select, bindparam, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager, joinedload

from quizapp import clock
from quizapp.content import Status
from quizapp.database import conflict_insert, dialect
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    FeedbackTiming,
    Flag,
    Item,
    ItemVersion,
    QuizMode,
    Response,
    Topic,
    item_fact,
)
from quizapp.progress import activity
from quizapp.quiz import grading, selection
from quizapp.quiz.grading import Given, Question
from quizapp.study.services import quiz_link

MIN_LENGTH, MAX_LENGTH, DEFAULT_LENGTH = 5, 50, 10


class QuizError(Exception):
    """A request the quiz rules refuse; the message is shown to the learner."""


class NothingToDraw(QuizError):
    """No published question fits the learner's choices."""


class StaleStart(QuizError):
    """A start button's token that already started a different quiz (a crafted or
    reused form): never hand back that other quiz as if it were this one."""

    def __init__(self) -> None:
        super().__init__("This start button was already used: open the page again to start.")


class AlreadyAnswered(QuizError):
    def __init__(self) -> None:
        super().__init__("You had already answered this question; your first answer counts.")


class AttemptFinished(QuizError):
    def __init__(self) -> None:
        super().__init__("This quiz is finished, so its answers can no longer change.")


class AlreadyFlagged(QuizError):
    def __init__(self) -> None:
        super().__init__("You have already reported this question. Thank you.")


@dataclass(frozen=True)
class Settings:
    """What the learner chose on the start page; no topics means every topic."""

    deck_id: int
    topic_ids: tuple[int, ...] = ()
    length: int = DEFAULT_LENGTH
    mode: QuizMode = QuizMode.ALL
    feedback: FeedbackTiming = FeedbackTiming.EACH


# Drawing ---------------------------------------------------------------------------


def _responses_of(learner_id: int, *columns: Any) -> Select[Any]:
    """``columns`` over every response the learner has given, joined to its question."""
    return (
        select(*columns)
        .select_from(Response)
        .join(Response.question)
        .join(AttemptQuestion.attempt)
        .where(Attempt.learner_id == learner_id)
    )


def _missed_items(learner_id: int) -> Select[Any]:
    """Items whose latest answer by the learner was not fully right."""
    recency = func.row_number().over(
        partition_by=AttemptQuestion.item_id,
        order_by=(Response.answered_at.desc(), Response.id.desc()),
    )
    latest = _responses_of(
        learner_id, AttemptQuestion.item_id, Response.correct, recency.label("recency")
    ).subquery()
    return select(latest.c.item_id).where(latest.c.recency == 1, latest.c.correct.is_(False))


def candidates(learner_id: int, settings: Settings) -> Select[Any]:
    """The published questions the settings allow, in a stable order: one row per
    question and fact (id, topic id, type, prompt, answer, fact id), and in the
    weakest-topics mode the learner's accuracy on the question's topic.

    That accuracy is smoothed towards one half (Laplace's rule: one point more
    than scored, out of two more answers than given), so a topic never answered
    sits between the weak and the strong ones, and one lucky answer does not
    make a topic strong.
    """
    query = (
        select(Item.id, Item.topic_id, Item.type, Item.prompt, Item.answer, item_fact.c.fact_id)
        .outerjoin(item_fact, item_fact.c.item_id == Item.id)
        .where(
            Item.deck_id == settings.deck_id,
            Item.status == Status.PUBLISHED,
            Item.type.in_(grading.QUESTION_TYPES),
        )
        .order_by(Item.id, item_fact.c.fact_id)
    )
    if settings.topic_ids:
        query = query.where(Item.topic_id.in_(settings.topic_ids))
    if settings.mode is QuizMode.NEW:
        query = query.where(Item.id.not_in(_responses_of(learner_id, AttemptQuestion.item_id)))
    elif settings.mode is QuizMode.WRONG:
        query = query.where(Item.id.in_(_missed_items(learner_id)))
    elif settings.mode is QuizMode.WEAKEST:
        smoothed = (func.sum(Response.score) + 1) / (func.count(Response.id) + 2)
        accuracy = (
            _responses_of(learner_id, AttemptQuestion.topic_id, smoothed.label("accuracy"))
            .group_by(AttemptQuestion.topic_id)
            .subquery()
        )
        query = query.add_columns(
            func.coalesce(accuracy.c.accuracy, 0.5).label("accuracy")
        ).outerjoin(accuracy, accuracy.c.topic_id == Item.topic_id)
    return query


def draw(learner_id: int, settings: Settings, rng: random.Random) -> list[int]:
    """Up to ``settings.length`` item ids in the order they will be asked.

    SQL filters (two queries, however long the learner's history); the seeded
    ``rng`` then picks by the rules of :mod:`quizapp.quiz.selection` (one
    question per fact, no giveaways, core topics first, topics weighted by
    importance, weakest topics first in that mode), because no database offers
    a seeded random order that SQLite and PostgreSQL share.
    """
    rows: dict[int, Row[Any]] = {}
    facts: dict[int, set[int]] = {}
    for row in db.session.execute(candidates(learner_id, settings)):
        rows.setdefault(row.id, row)
        if row.fact_id is not None:  # an item written in the app may cite no fact
            facts.setdefault(row.id, set()).add(row.fact_id)
    weakest = settings.mode is QuizMode.WEAKEST
    found = [
        selection.Candidate.of(
            row.id,
            row.topic_id,
            facts.get(row.id, ()),
            row.type,
            row.prompt,
            row.answer,
            rank=row.accuracy if weakest else 0.0,
        )
        for row in rows.values()
    ]
    topics = {
        topic_id: selection.TopicWeight(importance, core)
        for topic_id, importance, core in db.session.execute(
            select(Topic.id, Topic.importance, Topic.core)
            .where(Topic.deck_id == settings.deck_id)
            .order_by(Topic.position)
        )
    }
    return selection.choose(found, settings.length, rng, topics)


def _nothing_to_draw(settings: Settings) -> NothingToDraw:
    where = "on these topics" if settings.topic_ids else "in this deck"
    if settings.mode is QuizMode.NEW:
        return NothingToDraw(
            f"You have answered every question {where}. "
            "Choose “All questions” or “Ones I got wrong” instead."
        )
    if settings.mode is QuizMode.WRONG:
        return NothingToDraw(
            f"Nothing to retry: you have no wrong answers {where}. "
            "Choose “All questions” or “New to me” instead."
        )
    return NothingToDraw(f"There are no published questions {where} yet.")


def start_attempt(
    learner_id: int,
    settings: Settings,
    token: str,
    *,
    seed: int | None = None,
    item_ids: Sequence[int] | None = None,
    assignment_id: int | None = None,
) -> Attempt:
    """Draw questions for a new attempt, shuffle each one's options, and store it all.

    A second start with the same ``token`` (a double click, a resent form)
    returns the attempt the first one made. ``item_ids`` skips the draw and
    asks exactly those items in that order. ``assignment_id`` marks the attempt
    as work for a class assignment (:mod:`quizapp.assignments.services` checks
    its window and allowance first).

    Raises:
        NothingToDraw: when no published question fits the settings.
    """
    seed = secrets.randbits(63) if seed is None else seed
    rng = random.Random(seed)
    if item_ids is None:
        item_ids = draw(learner_id, settings, rng)
    if not item_ids:
        raise _nothing_to_draw(settings)
    current = {
        item_id: (topic_id, version)
        for item_id, topic_id, version in db.session.execute(
            select(Item.id, Item.topic_id, ItemVersion)
            .join(
                ItemVersion,
                (ItemVersion.item_id == Item.id) & (ItemVersion.version == Item.version),
            )
            .where(Item.id.in_(item_ids))
        )
    }
    attempt = Attempt(
        learner_id=learner_id,
        deck_id=settings.deck_id,
        start_token=token,
        assignment_id=assignment_id,
        mode=settings.mode,
        feedback=settings.feedback,
        length=len(item_ids),
        seed=seed,
        topics=list(
            db.session.scalars(
                select(Topic).where(
                    Topic.deck_id == settings.deck_id, Topic.id.in_(settings.topic_ids)
                )
            )
        ),
        questions=[
            _ask(position, *current[item_id], rng)
            for position, item_id in enumerate(item_ids, start=1)
        ],
    )
    try:
        with db.session.begin_nested():  # a double submit: keep the first attempt
            db.session.add(attempt)
    except IntegrityError:
        existing = db.session.scalar(
            select(Attempt).where(Attempt.learner_id == learner_id, Attempt.start_token == token)
        )
        if existing is None:
            raise
        if existing.assignment_id != assignment_id:
            raise StaleStart from None
        return existing
    return attempt


def _ask(position: int, topic_id: int, version: ItemVersion, rng: random.Random) -> AttemptQuestion:
    """A drawn item as the attempt's question ``position``, its options in a stored order."""
    count = len(Question.from_content(version.content).options)
    return AttemptQuestion(
        position=position,
        item_id=version.item_id,
        item_version=version,
        topic_id=topic_id,
        option_order=rng.sample(range(count), count) if count else None,
    )


# Answering ---------------------------------------------------------------------------


@cache
def _attempt_statement(lock: bool) -> Select[Attempt]:
    """Built once per kind: every question page and answer runs it."""
    query = select(Attempt).where(
        Attempt.id == bindparam("attempt_id"), Attempt.learner_id == bindparam("learner_id")
    )
    return query.with_for_update() if lock else query


def attempt_of(learner_id: int, attempt_id: int, *, lock: bool = False) -> Attempt | None:
    """The attempt, only when it is the learner's. ``lock`` holds its row (on
    PostgreSQL) until commit, so answers and finishing in two tabs take turns."""
    return db.session.scalar(
        _attempt_statement(lock), {"attempt_id": attempt_id, "learner_id": learner_id}
    )


@cache
def _own_question_statement(lock: bool) -> Select[AttemptQuestion, int, int | None]:
    """The learner's question at a position, with its attempt, version and response,
    and the attempt's progress: one statement for every question page and answer.
    ``lock`` holds the attempt's row (see :func:`attempt_of`)."""
    other = aliased(AttemptQuestion)
    of_attempt = other.attempt_id == Attempt.id
    answered = (
        select(func.count(Response.id))
        .join(other, other.id == Response.attempt_question_id)
        .where(of_attempt)
        .scalar_subquery()
    )
    first_open = (
        select(func.min(other.position))
        .outerjoin(Response, Response.attempt_question_id == other.id)
        .where(of_attempt, Response.id.is_(None))
        .scalar_subquery()
    )
    query = (
        select(AttemptQuestion, answered, first_open)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(
            Attempt.id == bindparam("attempt_id"),
            Attempt.learner_id == bindparam("learner_id"),
            AttemptQuestion.position == bindparam("position"),
        )
        .options(
            contains_eager(AttemptQuestion.attempt),
            joinedload(AttemptQuestion.item_version),
            joinedload(AttemptQuestion.response),
        )
    )
    return query.with_for_update(of=Attempt) if lock else query


def own_question(
    learner_id: int, attempt_id: int, position: int, *, lock: bool = False
) -> tuple[AttemptQuestion, Progress] | None:
    """The question at ``position`` of the learner's attempt (its ``attempt`` loaded)
    and how far the attempt has got; None for another learner's attempt or a
    position it does not have."""
    values = {"attempt_id": attempt_id, "learner_id": learner_id, "position": position}
    found = db.session.execute(_own_question_statement(lock), values).first()
    if found is None:
        return None
    attempt_question, answered, next_position = found
    return attempt_question, Progress(answered, next_position)


def question_of(attempt_question: AttemptQuestion) -> Question:
    return Question.from_content(attempt_question.item_version.content)


def ensure_answerable(attempt_question: AttemptQuestion) -> None:
    """Refuse a second answer, and any answer once the attempt is finished.

    A repeat (double click, back button, second tab) is told it already
    counts, even after the attempt finished, rather than shown an error.

    Raises:
        AlreadyAnswered: the question has its response.
        AttemptFinished: the attempt is closed and the question was left unanswered.
    """
    if attempt_question.response is not None:
        raise AlreadyAnswered
    if attempt_question.attempt.is_finished:
        # The attempt's row lock may have waited for the answer that finished it;
        # the response read beside the lock predates that answer, so look again.
        if _stored_response(attempt_question.id):
            raise AlreadyAnswered
        raise AttemptFinished


def _stored_response(attempt_question_id: int) -> bool:
    query = select(Response.id).where(Response.attempt_question_id == attempt_question_id)
    return db.session.scalar(query) is not None


def answer(attempt_question: AttemptQuestion, given: Given) -> Response:
    """Grade and store the answer, let it rate the flashcards of its facts
    (:mod:`quizapp.study.services.quiz_link`); the last answer of an attempt
    finishes it.

    The unique response per question decides between two simultaneous
    answers: the loser's insert fails, and it is told the question was
    already answered.

    Raises:
        AlreadyAnswered, AttemptFinished: see :func:`ensure_answerable`.
    """
    ensure_answerable(attempt_question)
    result = grading.grade(question_of(attempt_question), given)
    values = {
        "attempt_question_id": attempt_question.id,
        "answer": given,
        "score": result.score,
        "correct": result.correct,
    }
    response: Response | None = db.session.scalars(_response_insert(dialect()), [values]).first()
    if response is None:
        raise AlreadyAnswered
    attempt = attempt_question.attempt
    activity.count_answer(attempt.learner_id, response.answered_at)
    # Only the one request that stored the answer gets here: its cards are rated once.
    quiz_link.feed_schedule(
        attempt.learner_id, attempt_question.item_id, response, response.answered_at
    )
    if progress(attempt).answered == attempt.length:
        finish(attempt)
    return response


@cache
def _response_insert(dialect_name: str) -> Insert:
    """Store a response unless the question has one: ``ON CONFLICT DO NOTHING`` on
    its unique question returns no row to the second of two answers, with no
    savepoint to set and release around the insert."""
    return (
        conflict_insert(dialect_name, Response)
        .on_conflict_do_nothing(index_elements=[Response.attempt_question_id])
        .returning(Response)
    )


def finish(attempt: Attempt) -> None:
    """Close the attempt and cache its score; unanswered questions score nothing.

    One conditional UPDATE, so finishing twice (or racing the last answer)
    keeps the first finish and its score.
    """
    points = (
        select(func.coalesce(func.sum(Response.score), 0.0))
        .join(Response.question)
        .where(AttemptQuestion.attempt_id == attempt.id)
        .scalar_subquery()
    )
    db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.finished_at.is_(None))
        .values(finished_at=clock.now(), score=points),
        execution_options={"synchronize_session": False},
    )
    db.session.refresh(attempt)


@dataclass(frozen=True)
class Progress:
    answered: int
    next_position: int | None  # the first question still unanswered


def progress(attempt: Attempt) -> Progress:
    answered, next_position = db.session.execute(
        select(
            func.count(Response.id),
            func.min(case((Response.id.is_(None), AttemptQuestion.position))),
        )
        .select_from(AttemptQuestion)
        .outerjoin(AttemptQuestion.response)
        .where(AttemptQuestion.attempt_id == attempt.id)
    ).one()
    return Progress(answered, next_position)


def flag(attempt_question: AttemptQuestion, learner_id: int, comment: str) -> Flag:
    """Record that the learner thinks the question, as they saw it, is wrong.

    Raises:
        AlreadyFlagged: the learner already reported this version.
    """
    report = Flag(
        item_id=attempt_question.item_id,
        item_version_id=attempt_question.item_version_id,
        learner_id=learner_id,
        comment=comment,
    )
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except IntegrityError:
        raise AlreadyFlagged from None
    return report
