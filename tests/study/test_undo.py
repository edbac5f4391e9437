"""Undo takes back the last rating exactly: the card's schedule, the log, today's count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fsrs import Rating

from quizapp.study.services import Counts
from tests.study.conftest import START, Learner


def test_undo_restores_the_exact_previous_state_and_removes_the_log(
    student: Learner, hand_hygiene: list[int]
) -> None:
    card = hand_hygiene[0]
    student.rate(card, Rating.Good, START)
    student.rate(card, Rating.Good, START + timedelta(minutes=10))
    before = student.state(card)
    student.rate(card, Rating.Again, START + timedelta(days=2))
    assert student.state(card)["state"] == 3  # relearning

    assert student.undo() == card
    after = student.state(card)
    assert {**after, "version": None} == {**before, "version": None}
    assert after["version"] > before["version"]  # forms shown before the undo are stale
    assert [log.rating for log in student.reviews()] == [Rating.Good, Rating.Good]


def test_undoing_a_first_rating_makes_the_card_new_again(
    student: Learner, hand_hygiene: list[int]
) -> None:
    student.configure(new_per_day=1)
    student.rate(hand_hygiene[0], Rating.Easy, START)
    assert student.queue(START).counts == Counts(new=0, learning=0, review=0)

    student.undo()
    assert student.state(hand_hygiene[0]) is None
    assert student.reviews() == []
    assert student.queue(START).counts == Counts(new=1, learning=0, review=0)
    assert student.next_card(START) == hand_hygiene[0]


def test_undo_goes_back_one_rating_at_a_time(student: Learner, hand_hygiene: list[int]) -> None:
    first, second = hand_hygiene[:2]
    student.rate(first, Rating.Good, START)
    student.rate(second, Rating.Hard, START)
    student.rate(first, Rating.Good, START + timedelta(minutes=10))
    assert student.undo() == first
    assert student.undo() == second
    assert student.undo() == first
    assert student.reviews() == []
    assert student.state(first) is None and student.state(second) is None


def test_a_stale_undo_is_refused_and_changes_nothing(
    student: Learner, hand_hygiene: list[int]
) -> None:
    student.rate(hand_hygiene[0], Rating.Good, START)
    older = student.reviews()[0].id
    student.rate(hand_hygiene[1], Rating.Good, START)
    state = student.state(hand_hygiene[0])

    assert student.undo(older) is None  # not the last rating any more
    latest = student.reviews()[-1].id
    assert student.undo(latest) == hand_hygiene[1]
    assert student.undo(latest) is None  # the same undo twice (a double click)
    assert student.state(hand_hygiene[0]) == state
    assert len(student.reviews()) == 1


def test_nobody_can_undo_another_learners_rating(
    make_learner: Callable[[str], Learner], hand_hygiene: list[int]
) -> None:
    ann, ben = make_learner("ann@example.org"), make_learner("ben@example.org")
    ann.rate(hand_hygiene[0], Rating.Good, START)
    assert ben.undo(ann.reviews()[0].id) is None
    assert len(ann.reviews()) == 1
