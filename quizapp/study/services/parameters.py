"""FSRS parameters fitted to the review log, stored, and chosen for a learner's cards.

A learner's card is scheduled with the learner's own fit in its deck, else the
deck's fit over all learners, else the ``fsrs`` defaults; a fit is used only when
it predicts held-out reviews better than what it would replace. Fits are made by
``quizapp study optimize`` (the fitting itself is :mod:`quizapp.study.optimizer`);
the command commits.

Only ratings made on the study page are fitted on: a quiz answer that rates a
card (:mod:`quizapp.study.services.quiz_link`) shows whether the learner picked
or typed an answer to a question of the fact, not whether they recalled the card,
so it is not evidence of the card's forgetting curve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fsrs.scheduler import DEFAULT_PARAMETERS
from sqlalchemy import ColumnElement, ScalarSelect, delete, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, aliased

from quizapp.extensions import db
from quizapp.models import Deck, FsrsParameters, Item, ReviewLog, User
from quizapp.models.study import STUDY_ORIGIN
from quizapp.study import optimizer

# ``--if-grown`` refits a scope whose review log grew by this share since its fit.
REFIT_GROWTH = 0.2


@dataclass(frozen=True)
class Report:
    """What one fit did, for the command to print."""

    deck: Deck
    learner: User | None  # None: the deck's fit over all learners
    log_rows: int
    fit: optimizer.Fit | None  # None: too few usable ratings
    in_use: bool  # False: too few, or a fit no better than what schedules the cards now


def weights_column(
    user_id: ColumnElement[int] | int,
    deck_id: ColumnElement[int] | InstrumentedAttribute[int] | int,
) -> ScalarSelect[list[float]]:
    """SQL: the fit that schedules the learner's cards of the deck (the learner's own,
    else the deck's; NULL: the defaults), read by the statement that reads the card,
    not by a query of its own."""
    return (
        select(FsrsParameters.parameters)
        .where(
            FsrsParameters.deck_id == deck_id,
            FsrsParameters.in_use,
            or_(FsrsParameters.user_id == user_id, FsrsParameters.user_id.is_(None)),
        )
        .order_by(FsrsParameters.user_id.is_(None))  # the learner's own first
        .limit(1)
        .scalar_subquery()
    )


def as_weights(found: list[float] | None) -> tuple[float, ...]:
    """The 21 numbers of :func:`weights_column`'s value: the fit, or the defaults."""
    return tuple(found) if found else DEFAULT_PARAMETERS


def schedules(user_id: int) -> list[tuple[Deck, FsrsParameters | None]]:
    """Every deck with the fit that schedules the learner's cards in it (None: defaults)."""
    own = aliased(FsrsParameters)
    shared = aliased(FsrsParameters)
    rows = db.session.execute(
        select(Deck, own, shared)
        .outerjoin(own, (own.deck_id == Deck.id) & (own.user_id == user_id) & own.in_use)
        .outerjoin(shared, (shared.deck_id == Deck.id) & shared.user_id.is_(None) & shared.in_use)
        .order_by(Deck.title)
    ).all()
    return [(deck, mine or deck_fit) for deck, mine, deck_fit in rows]


def _scope(deck_id: int, user_id: int | None) -> list[ColumnElement[bool]]:
    where = [Item.deck_id == deck_id, ReviewLog.origin == STUDY_ORIGIN]
    if user_id is not None:
        where.append(ReviewLog.user_id == user_id)
    return where


def _log_rows(deck_id: int, user_id: int | None) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(ReviewLog)
            .join(Item, Item.id == ReviewLog.item_id)
            .where(*_scope(deck_id, user_id))
        )
        or 0
    )


def _stored(deck_id: int, user_id: int | None) -> FsrsParameters | None:
    learner = (
        FsrsParameters.user_id.is_(None) if user_id is None else FsrsParameters.user_id == user_id
    )
    return db.session.scalar(
        select(FsrsParameters).where(FsrsParameters.deck_id == deck_id, learner)
    )


def grown(deck_id: int, user_id: int | None) -> bool:
    """Whether the scope gained enough ratings since its last fit to refit (one COUNT)."""
    rows = _log_rows(deck_id, user_id)
    stored = _stored(deck_id, user_id)
    if stored is None:
        return rows >= optimizer.MIN_INITIAL
    return rows >= stored.log_rows * (1 + REFIT_GROWTH)


def learners_of(deck_id: int) -> list[User]:
    """Learners who studied cards of the deck, by email."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.id.in_(
                    select(ReviewLog.user_id)
                    .join(Item, Item.id == ReviewLog.item_id)
                    .where(*_scope(deck_id, None))
                )
            )
            .order_by(User.email)
        )
    )


def optimize(deck: Deck, learner: User | None, now: datetime) -> Report:
    """Fit the deck's parameters (``learner`` None) or a learner's own in the deck, and
    store the fit in place of the previous one. A learner's fit starts from the deck's."""
    user_id = learner.id if learner else None
    rows = db.session.execute(
        select(
            ReviewLog.user_id,
            ReviewLog.item_id,
            ReviewLog.reviewed_at,
            ReviewLog.rating,
            ReviewLog.state_before.is_(None),
        )
        .join(Item, Item.id == ReviewLog.item_id)
        .where(*_scope(deck.id, user_id))
    ).all()
    base: tuple[float, ...] = DEFAULT_PARAMETERS
    if learner is not None:
        deck_fit = _stored(deck.id, None)
        base = tuple(deck_fit.parameters) if deck_fit and deck_fit.in_use else DEFAULT_PARAMETERS
    fit = optimizer.fit(optimizer.samples(optimizer.Rated(*row) for row in rows), base)
    # A fit must beat what would schedule the cards without it (the deck's for a
    # learner, else the defaults) on held-out reviews: with few or unusual reviews
    # fsrs-rs may return parameters that predict them worse.
    in_use = fit is not None and fit.improves
    if fit is not None:
        _store(deck.id, user_id, fit, len(rows), now, in_use)
    return Report(deck, learner, len(rows), fit, in_use)


def _store(
    deck_id: int, user_id: int | None, fit: optimizer.Fit, rows: int, now: datetime, in_use: bool
) -> None:
    previous = _stored(deck_id, user_id)
    if previous is not None:
        db.session.execute(delete(FsrsParameters).where(FsrsParameters.id == previous.id))
    default, fitted = fit.default, fit.fitted
    db.session.add(
        FsrsParameters(
            deck_id=deck_id,
            user_id=user_id,
            parameters=list(fit.parameters),
            extent=fit.extent.value,
            fitted_at=now,
            log_rows=rows,
            reviews=fit.reviews,
            held_out=fit.held_out,
            in_use=in_use,
            log_loss_default=default.log_loss if default else None,
            log_loss_fitted=fitted.log_loss if fitted else None,
            rmse_default=default.rmse if default else None,
            rmse_fitted=fitted.rmse if fitted else None,
        )
    )
    db.session.flush()
