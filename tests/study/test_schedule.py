"""What is stored is what the fsrs scheduler itself computes, and the log can rebuild it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fsrs import Card, Rating, ReviewLog, Scheduler

from quizapp.study.scheduling import CARD_FIELDS
from quizapp.study.services import Outcome
from tests.study.conftest import START, Learner

# A card's life: learnt, reviewed, forgotten, relearnt, reviewed late and early.
SEQUENCE = [
    (Rating.Good, timedelta(0)),
    (Rating.Good, timedelta(minutes=10)),
    (Rating.Good, timedelta(days=3)),
    (Rating.Again, timedelta(days=15)),
    (Rating.Good, timedelta(days=15, minutes=10)),
    (Rating.Hard, timedelta(days=40)),
    (Rating.Easy, timedelta(days=80)),
    (Rating.Good, timedelta(days=80, hours=2)),
]


def fields(card: Card) -> dict[str, object]:
    return {name: getattr(card, name) for name in CARD_FIELDS}


@pytest.mark.parametrize("retention", [0.9, 0.8])
def test_each_stored_state_equals_the_fsrs_scheduler(
    student: Learner, hand_hygiene: list[int], retention: float
) -> None:
    student.configure(desired_retention=retention)
    item_id = hand_hygiene[0]
    scheduler = Scheduler(desired_retention=retention, enable_fuzzing=False)
    expected = Card(card_id=item_id, due=START)
    for number, (rating, offset) in enumerate(SEQUENCE, start=1):
        assert student.rate(item_id, rating, START + offset) is Outcome.RECORDED
        expected, _ = scheduler.review_card(expected, rating, START + offset)
        stored = student.state(item_id)
        assert stored == {**fields(expected), "state": int(expected.state), "version": number}


def test_the_review_log_holds_each_rating_and_the_card_before_it(
    student: Learner, hand_hygiene: list[int]
) -> None:
    item_id = hand_hygiene[0]
    scheduler = Scheduler(enable_fuzzing=False)
    card = Card(card_id=item_id, due=START)
    befores = []
    for rating, offset in SEQUENCE:
        befores.append(None if not befores else fields(card))
        student.rate(item_id, rating, START + offset)
        card, _ = scheduler.review_card(card, rating, START + offset)

    logs = student.reviews()
    assert [(log.rating, log.reviewed_at) for log in logs] == [
        (int(rating), START + offset) for rating, offset in SEQUENCE
    ]
    for log, before in zip(logs, befores, strict=True):
        stored_before = {name: getattr(log, f"{name}_before") for name in CARD_FIELDS}
        if before is None:
            assert set(stored_before.values()) == {None}
        else:
            assert stored_before == {**before, "state": int(before["state"])}

    # The log alone recomputes the schedule (as after a change of parameters).
    rebuilt = scheduler.reschedule_card(
        Card(card_id=item_id, due=START),
        [ReviewLog(item_id, Rating(log.rating), log.reviewed_at, log.duration_ms) for log in logs],
    )
    assert fields(rebuilt) == fields(card)
