"""Rating a card and taking the last rating back, each recorded once however often it is sent."""

from __future__ import annotations

import enum
from datetime import datetime

from flask import current_app
from fsrs import Rating
from sqlalchemy import and_, delete, select, update
from sqlalchemy.exc import IntegrityError

from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import CardState, Item, ReviewLog
from quizapp.study import scheduling
from quizapp.study.services.queue import CARD_TYPES, latest_review_query
from quizapp.study.services.settings import settings_for


class NotACard(LookupError):
    """The item is not a published flashcard (a quiz question, retired, or missing)."""


class Outcome(enum.Enum):
    RECORDED = "recorded"
    ALREADY_RATED = "already rated"


def rate(
    user_id: int,
    item_id: int,
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
        NotACard: the item is not a published flashcard.
    """
    found = db.session.execute(
        select(Item.id, CardState)
        .outerjoin(CardState, and_(CardState.item_id == Item.id, CardState.user_id == user_id))
        .where(Item.id == item_id, Item.status == Status.PUBLISHED, Item.type.in_(CARD_TYPES))
    ).first()
    if found is None:
        raise NotACard(item_id)
    state = found.CardState
    if (state.version if state else 0) != token:
        return Outcome.ALREADY_RATED
    before = {name: getattr(state, name) for name in scheduling.CARD_FIELDS} if state else {}
    scheduler = scheduling.make_scheduler(
        settings_for(user_id).desired_retention, fuzzing=current_app.config["STUDY_FUZZING"]
    )
    reviewed = scheduling.review(scheduler, scheduling.to_card(item_id, state, now), rating, now)
    after = scheduling.fields(reviewed)
    log = ReviewLog(
        user_id=user_id,
        item_id=item_id,
        rating=int(rating),
        reviewed_at=now,
        duration_ms=duration_ms,
        **{f"{name}_before": value for name, value in before.items()},
    )
    if state is not None:
        changed = db.session.execute(
            update(CardState)
            .where(CardState.id == state.id, CardState.version == token)
            .values(version=token + 1, **after)
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            return Outcome.ALREADY_RATED
        db.session.add(log)
        return Outcome.RECORDED
    try:
        with db.session.begin_nested():
            db.session.add(CardState(user_id=user_id, item_id=item_id, version=1, **after))
            db.session.add(log)
    except IntegrityError:  # another request created the first state a moment ago
        return Outcome.ALREADY_RATED
    return Outcome.RECORDED


def last_review(user_id: int) -> ReviewLog | None:
    return db.session.scalar(latest_review_query(user_id))


def undo(user_id: int, review_id: int) -> int | None:
    """Take back the learner's last rating, restoring the card exactly as it was.

    Returns the card's item id, or None when ``review_id`` is no longer the last
    rating (already undone, or a newer one exists). The card's version is read
    before the check that the rating is the last one and is required unchanged
    when restoring, so a rating racing with the undo makes the undo fail.
    """
    log = db.session.scalar(
        select(ReviewLog).where(ReviewLog.id == review_id, ReviewLog.user_id == user_id)
    )
    if log is None:
        return None
    item_id = log.item_id
    before = {name: getattr(log, f"{name}_before") for name in scheduling.CARD_FIELDS}
    state = db.session.scalar(
        select(CardState).where(CardState.user_id == user_id, CardState.item_id == item_id)
    )
    latest = last_review(user_id)
    if state is None or latest is None or latest.id != review_id:
        return None
    version = state.version
    unchanged = (CardState.id == state.id, CardState.version == version)
    try:
        with db.session.begin_nested():  # both changes, or neither
            removed = db.session.execute(delete(ReviewLog).where(ReviewLog.id == review_id))
            if before["state"] is None:  # the card was new: it becomes new again
                restored = db.session.execute(delete(CardState).where(*unchanged))
            else:
                restored = db.session.execute(
                    update(CardState).where(*unchanged).values(version=version + 1, **before)
                )
            if removed.rowcount != 1 or restored.rowcount != 1:  # type: ignore[attr-defined]
                raise _Raced
    except _Raced:
        return None
    return item_id


class _Raced(Exception):
    """Another request changed the card between reading and restoring it."""
