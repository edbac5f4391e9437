"""FSRS parameters fitted to review histories with ``fsrs-rs-python``, and scored on
reviews held out from the fit.

No Flask and no database: ratings come in as :class:`Rated` rows. The engine is
fsrs-rs, the Rust optimizer Anki itself runs (no PyTorch); its parameter vector is
FSRS-6's 21 numbers, the same vector, in the same order, as the ``fsrs`` package's
``Scheduler`` that schedules the cards.

What the fit learns from: every rating of a card on a later day than its previous
rating, with the card's history before it (an fsrs-rs "item"). Days are counted as
the scheduler counts them, in whole 24-hour periods since the previous rating, so
same-day ratings (learning steps) feed the short-term part of the model.

How much a fit changes (as Anki does, the initial stabilities first):

* fewer than :data:`MIN_INITIAL` usable ratings: no fit;
* from :data:`MIN_INITIAL`: only w0-w3, the stability after the first rating of a
  card (Again, Hard, Good, Easy); the other 17 numbers stay the base's (the deck's
  fit for a learner, else the defaults);
* from :data:`MIN_FULL`: all 21.

Held-out figures: each learner's latest :data:`HELD_OUT` share of usable ratings
(by time) is kept out of a first fit, and the defaults (and the base, when it is
not the defaults) and that fit are scored on them (log loss, and fsrs-rs's binned
RMSE); the stored parameters are then fitted on every rating.
"""

from __future__ import annotations

import enum
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from fsrs.scheduler import (
    DEFAULT_PARAMETERS,
    LOWER_BOUNDS_PARAMETERS,
    UPPER_BOUNDS_PARAMETERS,
)
from fsrs_rs_python import FSRS, FSRSItem, FSRSReview

MIN_INITIAL = 50
MIN_FULL = 400
HELD_OUT = 0.2
INITIAL_STABILITIES = 4  # w0-w3


class Extent(enum.StrEnum):
    """Which of the parameters a fit changed."""

    INITIAL = "initial"  # w0-w3 only
    FULL = "full"


class Rated(NamedTuple):
    """One row of the review log, as the fit needs it."""

    learner: int
    card: int
    at: datetime
    rating: int
    first: bool  # the card was new: this rating starts its history


class Sample(NamedTuple):
    """A rating to predict, with the card's history before it (the last review of ``item``)."""

    learner: int
    at: datetime
    item: FSRSItem


class Score(NamedTuple):
    log_loss: float
    rmse: float


@dataclass(frozen=True)
class Fit:
    """Fitted parameters, how many ratings they come from, and how they score held out."""

    parameters: tuple[float, ...]
    extent: Extent
    reviews: int  # usable ratings the stored parameters were fitted on
    held_out: int  # of which the held-out check kept out of its fit
    default: Score | None  # the defaults on the held-out ratings (None: none held out)
    fitted: Score | None  # a fit without them, on them
    base: Score | None = None  # the base on them, when it is not the defaults

    @property
    def improves(self) -> bool:
        """Whether the fit predicts the held-out ratings better than its base (the
        parameters that would schedule the cards without it); True when none were held out."""
        before = self.base or self.default
        return before is None or self.fitted is None or self.fitted.log_loss < before.log_loss


def samples(rows: Iterable[Rated]) -> list[Sample]:
    """Every usable rating, oldest first. A card's history starts at its latest rating
    as a new card; ratings of a card with no such rating are left out."""
    histories: dict[tuple[int, int], list[Rated]] = defaultdict(list)
    for row in rows:
        histories[row.learner, row.card].append(row)
    found: list[Sample] = []
    for history in histories.values():
        history.sort(key=lambda row: row.at)
        starts = [index for index, row in enumerate(history) if row.first]
        if not starts:
            continue
        history = history[starts[-1] :]
        reviews: list[FSRSReview] = []
        for previous, row in zip([None, *history], history, strict=False):
            days = (row.at - previous.at).days if previous else 0
            reviews.append(FSRSReview(row.rating, days))
            if days > 0:
                found.append(Sample(row.learner, row.at, FSRSItem(list(reviews))))
    found.sort(key=lambda sample: sample.at)
    return found


def split(found: Sequence[Sample]) -> tuple[list[Sample], list[Sample]]:
    """Each learner's earlier ratings to fit on, and their latest ``HELD_OUT`` share to
    score on: the fit never sees the future it is scored on."""
    per_learner: dict[int, list[Sample]] = defaultdict(list)
    for sample in found:
        per_learner[sample.learner].append(sample)
    train: list[Sample] = []
    test: list[Sample] = []
    for own in per_learner.values():
        cut = len(own) - math.floor(len(own) * HELD_OUT)
        train += own[:cut]
        test += own[cut:]
    train.sort(key=lambda sample: sample.at)
    return train, test


def extent_for(count: int) -> Extent | None:
    if count >= MIN_FULL:
        return Extent.FULL
    if count >= MIN_INITIAL:
        return Extent.INITIAL
    return None


def fit(found: Sequence[Sample], base: Sequence[float] = DEFAULT_PARAMETERS) -> Fit | None:
    """Parameters fitted on ``found`` over ``base``, or None with too few ratings."""
    extent = extent_for(len(found))
    if extent is None:
        return None
    train, test = split(found)
    default = fitted = base_score = None
    if test:
        default = score(DEFAULT_PARAMETERS, test)
        fitted = score(_fit(train, extent, base), test)
        if tuple(base) != tuple(DEFAULT_PARAMETERS):
            base_score = score(base, test)
    return Fit(
        _fit(found, extent, base), extent, len(found), len(test), default, fitted, base_score
    )


def score(parameters: Sequence[float], test: Sequence[Sample]) -> Score:
    """How well ``parameters`` predict the ratings of ``test`` (lower is better)."""
    evaluation = FSRS(list(parameters)).evaluate([sample.item for sample in test])
    return Score(evaluation.log_loss, evaluation.rmse_bins)


def _fit(found: Sequence[Sample], extent: Extent, base: Sequence[float]) -> tuple[float, ...]:
    """fsrs-rs weighs later items more (recency), so they go in oldest first."""
    computed = FSRS(list(base)).compute_parameters([sample.item for sample in found])
    if extent is Extent.INITIAL:
        computed = [*computed[:INITIAL_STABILITIES], *base[INITIAL_STABILITIES:]]
    return clamp(computed)


def clamp(parameters: Sequence[float]) -> tuple[float, ...]:
    """Within the ranges the ``fsrs`` scheduler accepts (it refuses others), as floats
    with no single-precision noise."""
    return tuple(
        round(min(max(value, low), high), 4)
        for value, low, high in zip(
            parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
        )
    )
