"""Pinned FSRS schedules: exact due times for a card's reviews, written out by hand.

Other study tests compare what the app stores with the ``fsrs`` library itself, so
a new ``fsrs`` release that schedules differently would pass them silently. These
literal values (fsrs 6 defaults, retention 0.9, fuzzing off) fail instead: when
they do, read the release notes and decide before updating them.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest
from fsrs import Rating, State

from quizapp.study import scheduling

# (rating, reviewed at, due after it, state after it, stability, difficulty)
REVIEWS = [
    (Rating.Good, "2026-03-02T12:00Z", "2026-03-02T12:10Z", State.Learning, 2.3065, 2.118104),
    (Rating.Good, "2026-03-02T12:10Z", "2026-03-04T12:10Z", State.Review, 2.3065, 2.111214),
    (Rating.Good, "2026-03-04T12:10Z", "2026-03-15T12:10Z", State.Review, 10.97105, 2.104331),
    # Five days late, and forgotten.
    (Rating.Again, "2026-03-20T09:00Z", "2026-03-20T09:10Z", State.Relearning, 1.597698, 7.389976),
    (Rating.Good, "2026-03-20T09:10Z", "2026-03-22T09:10Z", State.Review, 1.627766, 7.377814),
    (Rating.Hard, "2026-03-23T18:30Z", "2026-03-27T18:30Z", State.Review, 4.269176, 8.244499),
    (Rating.Easy, "2026-04-02T07:45Z", "2026-04-21T07:45Z", State.Review, 19.41579, 7.643121),
]


def test_a_review_sequence_gets_these_exact_due_times() -> None:
    """Each review goes through the app's own path: the stored fields become a card,
    the card is reviewed, and the result is stored again as fields."""
    scheduler = scheduling.make_scheduler(0.9, fuzzing=False)
    stored = None
    for rating, at, due, state, stability, difficulty in REVIEWS:
        now = datetime.fromisoformat(at)
        card = scheduling.review(scheduler, scheduling.to_card(7, stored, now), rating, now)
        assert (rating, card.due, card.state) == (rating, datetime.fromisoformat(due), state)
        assert (card.stability, card.difficulty) == pytest.approx((stability, difficulty))
        stored = SimpleNamespace(**scheduling.fields(card))
