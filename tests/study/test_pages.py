"""The study pages as a learner sees them, with plain forms (no JavaScript)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from quizapp.models import User
from tests.conftest import Accounts
from tests.study.conftest import CARDS, TOPIC_CARDS, Clock
from tests.study.pages import StudyPage

DECK = "/study/decks/hand-hygiene"


def test_the_deck_list_shows_each_deck_and_topic_with_counts(
    study: StudyPage, hand_hygiene: list[int]
) -> None:
    page = study.open("/study/")
    assert page.status == 200
    assert "Hand hygiene" in page.text
    assert "20 new cards a day (20 left today)" in page.text
    assert "your day starts at midnight, UTC time" in page.text
    # Topic, new, learning, due; then the deck's totals.
    assert f"What hand hygiene is {TOPIC_CARDS['basics']} 0 0" in page.text
    assert f"How and how long {TOPIC_CARDS['technique']} 0 0" in page.text
    assert f"All topics {CARDS} 0 0" in page.text
    assert f'href="{DECK}"' in page.html
    assert f'href="{DECK}/topics/technique"' in page.html
    assert f'href="{DECK}/export.apkg"' in page.html

    study.open(DECK)
    study.rate("Good")
    assert f"All topics {CARDS - 1} 1 0" in study.open("/study/").text


def test_the_front_first_then_the_back_with_explanation_source_and_intervals(
    study: StudyPage, hand_hygiene: list[int]
) -> None:
    page = study.open(DECK)
    assert page.counts() == (CARDS, 0, 0)
    assert "New card · What hand hygiene is" in page.text
    front = page.text
    assert "[…]" in front and "Show answer" in front
    assert "Again" not in front and "Source:" not in front

    page = study.show_answer()
    assert page.status == 200
    answer = re.search(r"<mark>(.+?)</mark>", page.html)  # a cloze: the answer in its sentence
    assert answer and answer.group(1) not in front and answer.group(1) in page.text
    assert re.search(
        r"Source: (Clean hands save lives|Hand hygiene, questions patients ask)", page.text
    )
    assert "Show answer" not in page.text
    buttons = page.visible_form("study-rate").buttons
    assert list(buttons) == ["Again 1 min", "Hard 6 min", "Good 10 min", "Easy 8 d"]


def test_rating_moves_the_counts_and_shows_the_next_card(
    study: StudyPage, hand_hygiene: list[int]
) -> None:
    study.open(DECK)
    page = study.rate("Good")
    assert page.status == 200
    assert page.counts() == (CARDS - 1, 1, 0)
    page = study.rate("Easy")
    assert page.counts() == (CARDS - 2, 1, 0)
    page = study.rate("Again")
    assert page.counts() == (CARDS - 3, 2, 0)


def test_a_learner_comes_back_tomorrow_and_the_day_after(
    study: StudyPage,
    hand_hygiene: list[int],
    clock: Clock,
    accounts: Accounts,
    learner: User,
    learner_client: FlaskClient,
) -> None:
    """Good twice graduates a new card with a 2-day interval; Easy gives 8 days. A
    session not kept ends after hours unused, so the learner signs in each day."""
    page = study.open(DECK)
    while "Show answer" in page.text:
        page = study.rate("Easy" if page.counts() == (CARDS, 0, 0) else "Good")
    assert "Nothing more to study here for now" in page.text
    assert "The next card is due on Wed 4 Mar 2026 at 12:00 (in 2 d), UTC time." in page.text

    clock.advance(days=1)
    accounts.login(learner_client, learner.email)
    page = study.open(DECK)
    assert page.counts() == (0, 0, 0)
    assert "The next card is due tomorrow at 12:00 (in 1 d), UTC time." in page.text

    clock.advance(days=1)
    accounts.login(learner_client, learner.email)
    page = study.open(DECK)
    assert page.counts() == (0, 0, CARDS - 1)  # all but the Easy one
    assert "Review · " in page.text
    assert list(study.show_answer().visible_form("study-rate").buttons)[0] == "Again 10 min"


def test_the_daily_limit_is_explained_when_it_stops_new_cards(
    study: StudyPage, learner_client: FlaskClient, hand_hygiene: list[int]
) -> None:
    from tests.conftest import csrf_token

    settings = {"desired_retention": "0.9", "new_per_day": "1", "time_zone": "UTC"}
    token = csrf_token(learner_client, "/study/settings")
    learner_client.post("/study/settings", data={**settings, "csrf_token": token})
    study.open(DECK)
    page = study.rate("Easy")
    assert page.counts() == (0, 0, 0)
    assert "You have reached today's limit of 1 new cards." in page.text
    assert "The next card is due on Tue 10 Mar 2026 at 12:00 (in 8 d), UTC time." in page.text


def test_undo_shows_the_card_again_as_it_was(study: StudyPage, hand_hygiene: list[int]) -> None:
    first = study.open(DECK)
    study.rate("Good")
    page = study.undo()
    assert "Your last rating was undone." in page.text
    assert page.counts() == (CARDS, 0, 0)
    assert page.forms["study-rate"].fields["item_id"] == first.forms["study-rate"].fields["item_id"]
    assert page.forms["study-rate"].fields["token"] == "0"
    assert "study-undo" not in page.forms  # nothing left to undo


def test_a_topic_page_studies_that_topic(study: StudyPage, hand_hygiene: list[int]) -> None:
    page = study.open(f"{DECK}/topics/technique")
    assert page.status == 200
    assert "Hand hygiene: How and how long" in page.text
    technique = TOPIC_CARDS["technique"]
    assert page.counts() == (technique, 0, 0)
    assert "New card · How and how long" in page.text
    page = study.rate("Good")
    assert page.counts() == (technique - 1, 1, 0)


def test_unknown_decks_and_topics_are_not_found(study: StudyPage, hand_hygiene: list[int]) -> None:
    assert study.open("/study/decks/no-such-deck").status == 404
    assert study.open(f"{DECK}/topics/no-such-topic").status == 404
    assert study.open("/study/decks/no-such-deck/export.apkg").status == 404


def test_a_deck_without_cards_says_so(study: StudyPage, hand_hygiene: list[int], app) -> None:
    from sqlalchemy import update

    from quizapp.content import Status
    from quizapp.extensions import db
    from quizapp.models import Item

    with app.app_context():
        db.session.execute(update(Item).values(status=Status.DRAFT))
        db.session.commit()
    page = study.open(DECK)
    assert "No cards here yet" in page.text
    assert "Hand hygiene" not in study.open("/study/").text


def test_keyboard_shortcuts_come_from_a_script_file(
    study: StudyPage, hand_hygiene: list[int]
) -> None:
    response = study.client.get(DECK)
    html = response.get_data(as_text=True)
    assert '<script src="/static/js/study.js" defer></script>' in html
    assert "onclick" not in html and "<script>" not in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    with study.client.get("/static/js/study.js") as script:
        assert script.status_code == 200
