"""Rating a card and taking the last rating back, each recorded once however often it is sent."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from flask import current_app
from fsrs import Rating
from sqlalchemy import ColumnElement, Label, Select, and_, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import CardState, Deck, Item, ReviewLog, Topic
from quizapp.models.study import STUDY_ORIGIN
from quizapp.progress import activity
from quizapp.study import scheduling
from quizapp.study.services.parameters import as_weights, weights_column
from quizapp.study.services.queue import (
    CARD_TYPES,
    ITEM,
    USER,
    desired_retention_for,
    is_critical,
    latest_review_query,
)
from quizapp.study.services.settings import settings_columns


class NotACard(LookupError):
    """The item is not a published flashcard (a quiz question, retired, or missing)."""


@dataclass(frozen=True)
class CardPlace:
    """A card as a rating form names it: its id, and the deck (and topic) of the page."""

    item_id: int
    deck: str
    topic: str | None = None


class Outcome(enum.Enum):
    RECORDED = "recorded"
    ALREADY_RATED = "already rated"


@dataclass(frozen=True)
class Schedule:
    """What schedules one learner's card: the retention it is held to and the weights."""

    retention: float
    weights: tuple[float, ...]


def schedule_columns(
    user_id: ColumnElement[int] | int,
) -> tuple[Label[bool], Label[float], Label[list[float]]]:
    """SQL over ``Item``: whether the card is critical, the learner's desired retention
    and the weights of the card's deck, read with the card; see :func:`schedule_of`."""
    retention, _per_day = settings_columns(user_id)
    return (
        is_critical(Item.id).label("critical"),
        retention.label("retention"),
        weights_column(user_id, Item.deck_id).label("weights"),
    )


def schedule_of(row: Any) -> Schedule:
    """The :class:`Schedule` of a row read with :func:`schedule_columns`."""
    return Schedule(
        desired_retention_for(row.retention, bool(row.critical)), as_weights(row.weights)
    )


@cache
def _card_statement(topic: bool) -> Select[int, CardState, bool, float, list[float]]:
    """The card to rate (of the deck named ``slug``, and of its topic ``topic_key``),
    the learner's state of it and its schedule; built once, as every rating runs it."""
    deck = select(Deck.id).where(Deck.slug == bindparam("slug")).scalar_subquery()
    where = [Item.deck_id == deck]
    if topic:
        key = Topic.key == bindparam("topic_key")
        where.append(
            Item.topic_id == select(Topic.id).where(Topic.deck_id == deck, key).scalar_subquery()
        )
    return (
        select(Item.id, CardState, *schedule_columns(USER))
        .outerjoin(CardState, and_(CardState.item_id == Item.id, CardState.user_id == USER))
        .where(Item.id == ITEM, Item.status == Status.PUBLISHED, Item.type.in_(CARD_TYPES), *where)
    )


def rate(
    user_id: int,
    where: CardPlace,
    token: int,
    rating: Rating,
    now: datetime,
    duration_ms: int | None = None,
) -> Outcome:
    """Record a rating of the card as it was shown (its version ``token``).

    A stale token (a double click, a second tab) records nothing. Two requests
    racing past the check still record once: an existing state is updated only
    ``WHERE version = token``, and a first state is guarded by UNIQUE(user, item).

    Raises:
        NotACard: the item is not a published flashcard of the deck (and topic).
    """
    item_id = where.item_id
    values = {"user_id": user_id, "item_id": item_id, "slug": where.deck, "topic_key": where.topic}
    found = db.session.execute(_card_statement(where.topic is not None), values).first()
    if found is None:
        raise NotACard(item_id)
    state = found.CardState
    if (state.version if state else 0) != token:
        return Outcome.ALREADY_RATED
    log = ReviewLog(user_id=user_id, item_id=item_id, duration_ms=duration_ms, origin=STUDY_ORIGIN)
    return record(log, state, rating, now, schedule_of(found))


def record(
    log: ReviewLog, state: CardState | None, rating: Rating, now: datetime, schedule: Schedule
) -> Outcome:
    """Apply ``rating`` to the card ``state`` (None: new) and keep ``log`` of it.

    ``log`` names the learner, the card and the rating's origin; the rating,
    its time and the card as it was are filled in here. The card changes only
    if nobody changed it since ``state`` was read (its version), so a rating
    is recorded once.
    """
    user_id, item_id = log.user_id, log.item_id
    before = {name: getattr(state, name) for name in scheduling.CARD_FIELDS} if state else {}
    scheduler = scheduling.make_scheduler(
        schedule.retention,
        fuzzing=current_app.config["STUDY_FUZZING"],
        parameters=schedule.weights,
    )
    reviewed = scheduling.review(scheduler, scheduling.to_card(item_id, state, now), rating, now)
    after = scheduling.fields(reviewed)
    log.rating, log.reviewed_at = int(rating), now
    for name, value in before.items():
        setattr(log, f"{name}_before", value)
    if state is not None:
        changed = db.session.execute(
            update(CardState)
            .where(CardState.id == state.id, CardState.version == state.version)
            .values(version=state.version + 1, reviews=CardState.reviews + 1, **after)
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            return Outcome.ALREADY_RATED
        db.session.add(log)
    else:
        try:
            with db.session.begin_nested():
                db.session.add(
                    CardState(user_id=user_id, item_id=item_id, version=1, reviews=1, **after)
                )
                db.session.add(log)
        except IntegrityError:  # another request created the first state a moment ago
            return Outcome.ALREADY_RATED
    activity.count_review(user_id, now, log.origin)
    return Outcome.RECORDED


def last_review(user_id: int) -> ReviewLog | None:
    return db.session.scalar(latest_review_query(user_id))


def undo(user_id: int, review_id: int) -> int | None:
    """Take back the learner's last rating, restoring the card exactly as it was.

    When the last rating came from a quiz answer (see
    :mod:`quizapp.study.services.quiz_link`), undo takes back every rating that
    answer made, together; the study page's button says so, so a quiz's
    ratings are never taken back unseen. The quiz answer itself still counts.

    Returns the (first) card's item id, or None when ``review_id`` is no longer
    the last rating (already undone, or a newer one exists). Each card's version
    is read before the check that the rating is the last one and is required
    unchanged when restoring, so a rating racing with the undo makes it fail.
    """
    log = db.session.scalar(
        select(ReviewLog).where(ReviewLog.id == review_id, ReviewLog.user_id == user_id)
    )
    if log is None:
        return None
    logs = [log]
    if log.origin != STUDY_ORIGIN and log.response_id is not None:
        logs = list(
            db.session.scalars(
                select(ReviewLog)
                .where(ReviewLog.user_id == user_id, ReviewLog.response_id == log.response_id)
                .order_by(ReviewLog.id)
            )
        )
    states = [_state_of(each) for each in logs]
    latest = last_review(user_id)
    if latest is None or latest.id != review_id:
        return None
    try:
        with db.session.begin_nested():  # every card of the group, or none
            for each, state in zip(logs, states, strict=True):
                _restore(each, state)
    except _Raced:
        return None
    return logs[0].item_id


def _state_of(log: ReviewLog) -> CardState | None:
    return db.session.scalar(
        select(CardState).where(CardState.user_id == log.user_id, CardState.item_id == log.item_id)
    )


def _restore(log: ReviewLog, state: CardState | None) -> None:
    """Delete ``log`` and put its card back as it was before it.

    Raises:
        _Raced: the card changed since ``state`` was read (or is gone).
    """
    if state is None:
        raise _Raced
    before = {name: getattr(log, f"{name}_before") for name in scheduling.CARD_FIELDS}
    unchanged = (CardState.id == state.id, CardState.version == state.version)
    removed = db.session.execute(delete(ReviewLog).where(ReviewLog.id == log.id))
    if before["state"] is None:  # the card was new: it becomes new again
        restored = db.session.execute(delete(CardState).where(*unchanged))
    else:
        restored = db.session.execute(
            update(CardState)
            .where(*unchanged)
            .values(version=state.version + 1, reviews=CardState.reviews - 1, **before)
        )
    if removed.rowcount != 1 or restored.rowcount != 1:  # type: ignore[attr-defined]
        raise _Raced
    activity.uncount_review(log.user_id, log.reviewed_at, log.origin)


class _Raced(Exception):
    """Another request changed the card between reading and restoring it."""
