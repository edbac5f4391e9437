"""Which card comes next, and the counts: learning before reviews before new cards,
the daily new-card limit, and the day boundary in the learner's own time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask
from fsrs import Rating
from sqlalchemy import update

from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import Item
from quizapp.study.services import Counts
from tests.study.conftest import CARDS, START, TOPIC_CARDS, Learner


def test_learning_then_reviews_then_new_cards_then_learning_ahead(
    student: Learner, hand_hygiene: list[int]
) -> None:
    a, b, c, n1, n2, *_ = hand_hygiene
    student.configure(new_per_day=3)
    student.rate(a, Rating.Easy, START - timedelta(days=10))  # a review, due 2 days ago
    student.rate(b, Rating.Again, START - timedelta(minutes=5))  # learning, due 4 min ago
    student.rate(c, Rating.Good, START - timedelta(minutes=1))  # learning, due in 9 min
    assert student.queue(START).counts == Counts(new=1, learning=2, review=1)

    seen = []
    while (card := student.next_card(START)) is not None:
        seen.append(card)
        student.rate(card, Rating.Good, START)
    # b and n1 graduated to review at their second Good; c after its first.
    assert seen == [b, a, n1, c, b, n1]
    assert n2 not in seen  # today's limit of new cards (b, c, n1) is used up
    assert student.queue(START).counts == Counts(new=0, learning=0, review=0)


def test_a_learning_card_waits_while_new_cards_remain(
    student: Learner, hand_hygiene: list[int]
) -> None:
    first, second, *_ = hand_hygiene
    student.rate(first, Rating.Again, START)  # due again in one minute
    assert student.next_card(START + timedelta(seconds=30)) == second
    assert student.next_card(START + timedelta(minutes=1)) == first


def test_new_cards_stop_at_the_daily_limit(student: Learner, hand_hygiene: list[int]) -> None:
    student.configure(new_per_day=2)
    assert student.queue(START).counts.new == 2
    for _ in range(2):
        card = student.queue(START).card
        assert card is not None and card.stage == "New card"
        student.rate(card.item.id, Rating.Easy, START)
    queue = student.queue(START)
    assert queue.counts == Counts(new=0, learning=0, review=0)
    assert queue.card is None
    assert queue.tally.unseen == CARDS - 2
    assert queue.next_due == START + timedelta(days=8)


def test_a_review_is_due_at_the_exact_time_fsrs_gives(
    student: Learner, hand_hygiene: list[int]
) -> None:
    student.configure(new_per_day=0)
    student.rate(hand_hygiene[0], Rating.Easy, START)
    due = student.state(hand_hygiene[0])["due"]
    assert due == START + timedelta(days=8)
    assert student.queue(due - timedelta(minutes=1)).counts.review == 0
    assert student.queue(due).counts.review == 1
    assert student.next_card(due) == hand_hygiene[0]


def test_the_day_boundary_follows_each_learners_time_zone(
    make_learner: Callable[[str], Learner], hand_hygiene: list[int]
) -> None:
    """At 10:00 UTC on 2 March it is 23:00 in Auckland and 02:00 in Los Angeles."""
    auckland, los_angeles = make_learner("kiri@example.org"), make_learner("lou@example.org")
    evening = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    for learner, zone in ((auckland, "Pacific/Auckland"), (los_angeles, "America/Los_Angeles")):
        learner.configure(new_per_day=1, time_zone=zone)
        learner.rate(hand_hygiene[0], Rating.Easy, evening)
        assert learner.queue(evening).counts.new == 0

    auckland_midnight = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    assert auckland.queue(auckland_midnight - timedelta(seconds=1)).counts.new == 0
    assert auckland.queue(auckland_midnight).counts.new == 1
    assert los_angeles.queue(auckland_midnight).counts.new == 0

    los_angeles_midnight = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    assert los_angeles.queue(los_angeles_midnight - timedelta(seconds=1)).counts.new == 0
    assert los_angeles.queue(los_angeles_midnight).counts.new == 1


def test_a_topic_studies_only_its_own_cards(student: Learner, hand_hygiene: list[int]) -> None:
    topic = student.queue(START, topic="technique")
    assert topic.counts.new == topic.tally.cards == TOPIC_CARDS["technique"]
    seen = []
    while (card := student.queue(START, topic="technique").card) is not None:
        seen.append(card.item.id)
        student.rate(card.item.id, Rating.Easy, START)
    basics = TOPIC_CARDS["basics"]  # the deck's first topic, then technique
    assert seen == hand_hygiene[basics : basics + TOPIC_CARDS["technique"]]
    assert student.queue(START).counts.new == CARDS - TOPIC_CARDS["technique"]


def test_retired_cards_leave_the_queue_but_keep_their_history(
    app: Flask, student: Learner, hand_hygiene: list[int]
) -> None:
    student.rate(hand_hygiene[0], Rating.Again, START)
    with app.app_context():
        db.session.execute(
            update(Item).where(Item.id == hand_hygiene[0]).values(status=Status.RETIRED)
        )
        db.session.commit()
    queue = student.queue(START + timedelta(minutes=5))
    assert queue.tally.cards == CARDS - 1
    assert queue.counts == Counts(new=CARDS - 1, learning=0, review=0)
    assert student.state(hand_hygiene[0]) is not None
    assert len(student.reviews()) == 1


def test_one_learners_progress_is_not_anothers(
    make_learner: Callable[[str], Learner], hand_hygiene: list[int]
) -> None:
    ann, ben = make_learner("ann@example.org"), make_learner("ben@example.org")
    for card in hand_hygiene[:3]:
        ann.rate(card, Rating.Good, START)
    assert ann.queue(START).counts == Counts(new=CARDS - 3, learning=3, review=0)
    assert ben.queue(START).counts == Counts(new=CARDS, learning=0, review=0)
    assert ben.next_card(START) == hand_hygiene[0]
