"""Choosing and starting a quiz, as a learner does it from the quiz page."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Attempt, FeedbackTiming, QuizMode, Topic
from tests.conftest import post_form

TOKEN = re.compile(r'name="token" (?:type="hidden" )?value="([^"]+)"')

pytestmark = pytest.mark.usefixtures("bank")


def start_token(client: FlaskClient, page: str) -> str:
    match = TOKEN.search(client.get(page).get_data(as_text=True))
    assert match, f"no start button on {page}"
    return match.group(1)


def attempts(app: Flask) -> list[Attempt]:
    with app.app_context():
        found = list(db.session.scalars(select(Attempt).order_by(Attempt.id)))
        for attempt in found:
            db.session.expunge(attempt)
        return found


def test_quiz_page_offers_a_quick_quiz_and_a_choice(learner_client: FlaskClient) -> None:
    page = learner_client.get("/quiz/").get_data(as_text=True)
    assert "<h2>Leukopenia</h2>" in page
    assert "Quick quiz" in page
    assert 'href="/quiz/leukopenia/start"' in page
    assert 'href="/quiz/history"' in page


def test_quick_quiz_starts_ten_questions_in_one_click(
    app: Flask, learner_client: FlaskClient
) -> None:
    token = start_token(learner_client, "/quiz/")
    response = post_form(learner_client, "/quiz/leukopenia/quick", {"token": token})
    assert response.status_code == 302
    page = learner_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Question 1 of 10" in page
    (attempt,) = attempts(app)
    assert (attempt.length, attempt.mode, attempt.feedback) == (
        10,
        QuizMode.ALL,
        FeedbackTiming.EACH,
    )


def test_a_double_click_on_start_makes_one_attempt(app: Flask, learner_client: FlaskClient) -> None:
    token = start_token(learner_client, "/quiz/")
    first = post_form(learner_client, "/quiz/leukopenia/quick", {"token": token})
    second = post_form(learner_client, "/quiz/leukopenia/quick", {"token": token})
    assert first.headers["Location"] == second.headers["Location"]
    assert len(attempts(app)) == 1


def test_start_page_defaults_to_every_topic_ten_questions_and_feedback_after_each(
    learner_client: FlaskClient,
) -> None:
    page = learner_client.get("/quiz/leukopenia/start").get_data(as_text=True)
    assert "Symptoms (" in page  # each topic with its number of questions
    assert "checked" not in page.split('name="length"')[0].split("Topics")[1]
    assert re.search(r'name="length"[^>]*value="10"', page)
    assert re.search(r'checked[^>]*value="all"|value="all"[^>]*checked', page)
    assert re.search(r'checked[^>]*value="each"|value="each"[^>]*checked', page)


def test_start_with_chosen_topics_length_mode_and_feedback(
    app: Flask, learner_client: FlaskClient
) -> None:
    with app.app_context():
        topic_ids = [
            str(id_)
            for id_ in db.session.scalars(
                select(Topic.id).where(Topic.key.in_(["causes", "treatment"]))
            )
        ]
    response = post_form(
        learner_client,
        "/quiz/leukopenia/start",
        {
            "token": start_token(learner_client, "/quiz/leukopenia/start"),
            "topics": topic_ids,
            "length": "5",
            "mode": "new",
            "feedback": "end",
        },
        follow_redirects=True,
    )
    assert "Question 1 of 5" in response.get_data(as_text=True)
    (attempt,) = attempts(app)
    assert (attempt.mode, attempt.feedback, attempt.length) == (QuizMode.NEW, FeedbackTiming.END, 5)
    with app.app_context():
        stored = db.session.get(Attempt, attempt.id)
        assert sorted(t.key for t in stored.topics) == ["causes", "treatment"]


def test_too_few_questions_says_so_and_takes_what_exists(
    app: Flask, learner_client: FlaskClient
) -> None:
    with app.app_context():
        symptoms = db.session.scalar(select(Topic.id).where(Topic.key == "symptoms"))
    response = post_form(
        learner_client,
        "/quiz/leukopenia/start",
        {
            "token": start_token(learner_client, "/quiz/leukopenia/start"),
            "topics": str(symptoms),
            "length": "50",
            "mode": "all",
            "feedback": "each",
        },
        follow_redirects=True,
    )
    (attempt,) = attempts(app)
    page = response.get_data(as_text=True)
    assert f"Only {attempt.length} questions match your choices" in page
    assert f"Question 1 of {attempt.length}" in page


def test_nothing_to_draw_is_explained_on_the_form(app: Flask, learner_client: FlaskClient) -> None:
    response = post_form(
        learner_client,
        "/quiz/leukopenia/start",
        {
            "token": start_token(learner_client, "/quiz/leukopenia/start"),
            "length": "10",
            "mode": "wrong",
            "feedback": "each",
        },
    )
    assert response.status_code == 400
    assert "Nothing to retry: you have no wrong answers in this deck." in response.get_data(
        as_text=True
    )
    assert attempts(app) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("length", "3", "Choose from 5 to 50 questions."),
        ("length", "51", "Choose from 5 to 50 questions."),
        ("length", "ten", "Choose from 5 to 50 questions."),
        ("mode", "everything", "Choose one of the options listed."),
        ("feedback", "never", "Choose one of the options listed."),
        ("topics", "999999", "Choose among the topics listed."),
        ("topics", "causes", "Choose among the topics listed."),
        ("token", "<script>", "This form has expired."),
    ],
)
def test_bad_choices_get_a_message_at_the_field(
    app: Flask, learner_client: FlaskClient, field: str, value: str, message: str
) -> None:
    data = {
        "token": start_token(learner_client, "/quiz/leukopenia/start"),
        "length": "10",
        "mode": "all",
        "feedback": "each",
        field: value,
    }
    response = post_form(learner_client, "/quiz/leukopenia/start", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert attempts(app) == []


def test_quiz_pages_are_not_cached(learner_client: FlaskClient) -> None:
    """Back and reload fetch anew, so a start button never reuses an old token."""
    assert learner_client.get("/quiz/").headers["Cache-Control"] == "no-store"


def test_an_unknown_deck_is_not_found(learner_client: FlaskClient) -> None:
    assert learner_client.get("/quiz/no-such-deck/start").status_code == 404


def test_starting_counts_one_attempt_per_start(app: Flask, learner_client: FlaskClient) -> None:
    for _ in range(2):
        post_form(
            learner_client,
            "/quiz/leukopenia/quick",
            {"token": start_token(learner_client, "/quiz/")},
        )
    with app.app_context():
        assert db.session.scalar(select(func.count(Attempt.id))) == 2
