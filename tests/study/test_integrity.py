"""A rating is recorded once: double clicks, stale tabs and simultaneous requests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from flask import Flask
from fsrs import Rating
from sqlalchemy import text

from quizapp.extensions import db
from quizapp.study import services
from quizapp.study.services import Outcome
from tests._requirements import postgres_only
from tests.study.conftest import CARDS, START, Learner
from tests.study.pages import StudyPage

DECK = "/study/decks/hand-hygiene"
ALREADY_RATED = "You had already rated that card"


def test_a_double_click_records_one_rating_and_says_so(
    study: StudyPage, student: Learner, hand_hygiene: list[int]
) -> None:
    study.open(DECK)
    form = study.show_answer().visible_form("study-rate")
    assert ALREADY_RATED not in study.submit(form, "Good").text
    page = study.submit(form, "Good")
    assert ALREADY_RATED in page.text
    assert page.counts() == (CARDS - 1, 1, 0)
    assert len(student.reviews()) == 1


def test_a_stale_tab_cannot_rate_a_card_again(
    study: StudyPage, learner_client, student: Learner, hand_hygiene: list[int]
) -> None:
    study.open(DECK)
    old_tab = study.show_answer().visible_form("study-rate")
    other_tab = StudyPage(learner_client)
    other_tab.open(DECK)
    other_tab.rate("Easy")  # the same card, rated in another tab

    page = study.submit(old_tab, "Again")
    assert ALREADY_RATED in page.text
    assert [log.rating for log in student.reviews()] == [Rating.Easy]
    assert page.counts() == (CARDS - 1, 0, 0)


def test_an_undo_button_pressed_twice_undoes_once(
    study: StudyPage, student: Learner, hand_hygiene: list[int]
) -> None:
    study.open(DECK)
    study.rate("Good")
    study.rate("Good")
    undo = study.page.visible_form("study-undo")
    assert "Your last rating was undone." in study.submit(undo, "Undo").text
    assert "There was nothing to undo" in study.submit(undo, "Undo").text
    assert len(student.reviews()) == 1


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"rating": "5"}, 400),
        ({"rating": "good"}, 400),
        ({"token": "-1"}, 400),
        ({"item_id": "99999999999999999999"}, 400),
        ({"item_id": "999999"}, 404),
        ({"csrf_token": "forged"}, 400),
    ],
)
def test_bad_ratings_are_refused_without_changing_anything(
    study: StudyPage, student: Learner, hand_hygiene: list[int], change: dict, status: int
) -> None:
    study.open(DECK)
    form = study.show_answer().visible_form("study-rate")
    response = study.client.post(form.action, data={**form.fields, "rating": "3", **change})
    assert response.status_code == status
    assert student.reviews() == []


@pytest.mark.parametrize(
    "page",
    [
        "/study/decks/no-such-deck",
        f"{DECK}/topics/no-such-topic",
        f"{DECK}/topics/when",  # the first card is of "basics"
    ],
)
def test_a_rating_sent_from_another_deck_or_topic_page_is_refused(
    study: StudyPage, student: Learner, hand_hygiene: list[int], page: str
) -> None:
    study.open(DECK)
    form = study.show_answer().visible_form("study-rate")
    response = study.client.post(f"{page}/review", data={**form.fields, "rating": "3"})
    assert response.status_code == 404
    assert student.reviews() == []
    rated = study.client.post(form.action, data={**form.fields, "rating": "3"})
    assert rated.status_code == 303 and len(student.reviews()) == 1


def test_quiz_questions_are_not_flashcards(
    app: Flask, study: StudyPage, student: Learner, hand_hygiene: list[int]
) -> None:
    from sqlalchemy import select

    from quizapp.content import ItemType
    from quizapp.models import Item

    with app.app_context():
        question = db.session.scalar(select(Item.id).where(Item.type == ItemType.SINGLE))
    study.open(DECK)
    form = study.show_answer().visible_form("study-rate")
    data = {**form.fields, "item_id": str(question), "rating": "3"}
    assert study.client.post(form.action, data=data).status_code == 404
    assert study.open(f"{DECK}?card={question}&answer=1").forms["study-rate"].fields[
        "item_id"
    ] != str(question)


# --- two requests at the same moment, on PostgreSQL ---------------------------------------


def _wait_until_blocked(app: Flask, pid: int, thread: threading.Thread) -> None:
    """Return once backend ``pid`` waits for a lock the first request holds."""
    deadline = time.monotonic() + 10
    with app.app_context(), db.engine.connect() as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                text("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :pid"),
                {"pid": pid},
            ).scalar()
            if waiting:
                return
            assert thread.is_alive(), "the second request finished without waiting for the first"
            thread.join(0.01)
    pytest.fail("the second request never waited for the first one's lock")


def _at_once(app: Flask, first: Callable[[], object], second: Callable[[], object]) -> list:
    """Run ``first`` in a transaction, run ``second`` in another thread until it blocks
    on that transaction, then commit the first: the tightest race two workers can have."""
    results: list = []
    pids: list[int] = []
    ready = threading.Event()

    def other() -> None:
        with app.app_context():
            pids.append(db.session.execute(text("SELECT pg_backend_pid()")).scalar())
            ready.set()
            results.append(second())
            db.session.commit()

    with app.app_context():
        results.append(first())
        thread = threading.Thread(target=other)
        thread.start()
        assert ready.wait(10)
        _wait_until_blocked(app, pids[0], thread)
        db.session.commit()
    thread.join(10)
    assert not thread.is_alive()
    return results


@pytest.fixture
def postgres() -> None:
    postgres_only()


@pytest.mark.postgres
@pytest.mark.parametrize("earlier_ratings", [0, 1], ids=["new card", "scheduled card"])
def test_two_ratings_at_the_same_moment_record_one(
    postgres: None, app: Flask, student: Learner, hand_hygiene: list[int], earlier_ratings: int
) -> None:
    card = hand_hygiene[0]
    for _ in range(earlier_ratings):
        student.rate(card, Rating.Good, START)
    token = earlier_ratings

    def rate(rating: Rating) -> Callable[[], Outcome]:
        place = services.CardPlace(card, "hand-hygiene")
        return lambda: services.rate(student.id, place, token, rating, START)

    assert _at_once(app, rate(Rating.Good), rate(Rating.Easy)) == [
        Outcome.RECORDED,
        Outcome.ALREADY_RATED,
    ]
    assert [log.rating for log in student.reviews()][earlier_ratings:] == [Rating.Good]
    assert student.state(card)["version"] == earlier_ratings + 1


@pytest.mark.postgres
def test_two_undos_at_the_same_moment_undo_once(
    postgres: None, app: Flask, student: Learner, hand_hygiene: list[int]
) -> None:
    student.rate(hand_hygiene[0], Rating.Good, START)
    student.rate(hand_hygiene[1], Rating.Good, START)
    last = student.reviews()[-1].id

    def undo() -> int | None:
        return services.undo(student.id, last)

    assert _at_once(app, undo, undo) == [hand_hygiene[1], None]
    assert len(student.reviews()) == 1
    assert student.state(hand_hygiene[1]) is None
