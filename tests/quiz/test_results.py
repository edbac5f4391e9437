"""The results page, finishing early, resuming, and the history of attempts."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Topic, User
from tests.conftest import post_form, statements_for
from tests.quiz.conftest import Quizzes, question_url


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_results_show_score_topics_and_every_question(
    app: Flask, learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    symptoms = quizzes.items(ItemType.TRUEFALSE, 2, topic="symptoms")
    causes = quizzes.items(ItemType.SINGLE, 3, topic="causes")
    attempt_id = quizzes.start(learner, symptoms + causes)
    for position, right in enumerate([True, False, True, True, False], start=1):
        quizzes.answer(attempt_id, position, right)
    assert quizzes.attempt(attempt_id).finished_at is not None

    page = text_of(learner_client.get(f"/quiz/attempt/{attempt_id}/results"))
    assert "3 out of 5" in page and "(60%)" in page
    with app.app_context():
        titles = dict(db.session.execute(select(Topic.key, Topic.title)).all())
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td class=\"num\">([^<]+)</td><td class=\"num\">(\d+%)", page
    )
    # In the deck's topic order: causes come before symptoms.
    assert rows == [
        (titles["causes"], "2 out of 3", "67%"),
        (titles["symptoms"], "1 out of 2", "50%"),
    ]
    for position in range(1, 6):
        asked = quizzes.asked(attempt_id, position)
        assert f"<h3>Question {position}</h3>" in page
        assert asked.content["prompt"] in page
        assert asked.content["explanation"] in page
    assert page.count("Your answer</dt>") == 5
    assert page.count("Correct answer</dt>") == 5


def test_finishing_early_scores_unanswered_questions_as_wrong(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.FILLIN, 4))
    quizzes.answer(attempt_id, 1)
    response = post_form(
        learner_client, f"/quiz/attempt/{attempt_id}/finish", {"finish-confirmed": "yes"}
    )
    assert response.headers["Location"] == f"/quiz/attempt/{attempt_id}/results"
    page = text_of(learner_client.get(response.headers["Location"]))
    assert "1 out of 4" in page
    assert page.count("Not answered") == 3
    again = post_form(learner_client, f"/quiz/attempt/{attempt_id}/finish", {})
    assert again.status_code == 302
    assert quizzes.attempt(attempt_id).score == 1.0


def test_an_unfinished_attempt_resumes_at_its_first_open_question(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE, 4))
    quizzes.answer(attempt_id, 1)
    quizzes.answer(attempt_id, 2)
    quiz_page = text_of(learner_client.get("/quiz/"))
    assert "Your unfinished quiz" in quiz_page
    assert "2 of 4 questions answered" in quiz_page
    resume = learner_client.get(f"/quiz/attempt/{attempt_id}")
    assert resume.headers["Location"] == question_url(attempt_id, 3)
    results = learner_client.get(f"/quiz/attempt/{attempt_id}/results")
    assert results.headers["Location"] == question_url(attempt_id, 3)


def test_history_lists_attempts_newest_first_with_their_scores(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    done = quizzes.take(learner, quizzes.items(ItemType.TRUEFALSE, 4), right=True)
    open_ = quizzes.start(learner, quizzes.items(ItemType.SINGLE, 5))
    quizzes.answer(open_, 1)
    page = text_of(learner_client.get("/quiz/history"))
    assert page.index(f"/quiz/attempt/{open_}") < page.index(f"/quiz/attempt/{done}/results")
    assert "4 out of 4 (100%)" in page
    assert "Resume (1 of 5 answered)" in page


def test_history_pages(learner_client: FlaskClient, quizzes: Quizzes) -> None:
    assert "You have not taken a quiz yet." in text_of(learner_client.get("/quiz/history"))
    assert learner_client.get("/quiz/history?page=abc").status_code == 200
    past_the_end = learner_client.get("/quiz/history?page=2")  # issue 17: to the last page
    assert past_the_end.headers["Location"] == "/quiz/history?page=1"
    assert learner_client.get("/quiz/history?page=0").status_code == 404
    assert learner_client.get("/quiz/history?page=99999999999999999999").status_code == 404


def test_history_shows_only_the_learners_own_attempts(
    accounts, app: Flask, learner: User, quizzes: Quizzes
) -> None:
    quizzes.take(learner, quizzes.items(ItemType.SINGLE, 2), right=True)
    other = app.test_client()
    accounts.login(other, accounts.create("other@example.org").email)
    assert "You have not taken a quiz yet." in text_of(other.get("/quiz/history"))
    assert "Your unfinished quiz" not in text_of(other.get("/quiz/"))


def test_pages_run_no_query_per_question_or_attempt(
    app: Flask, learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    short = quizzes.take(learner, quizzes.items(ItemType.SINGLE, 5), right=True)
    pages = ["/quiz/history", f"/quiz/attempt/{short}/results", question_url(short, 1)]
    before = [len(statements_for(app, learner_client, url)) for url in pages]
    long = quizzes.take(learner, quizzes.items(ItemType.TRUEFALSE, 50), right=False)
    for _ in range(5):
        quizzes.take(learner, quizzes.items(ItemType.FILLIN, 5), right=True)
    pages = ["/quiz/history", f"/quiz/attempt/{long}/results", question_url(long, 1)]
    assert [len(statements_for(app, learner_client, url)) for url in pages] == before
