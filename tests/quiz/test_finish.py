"""Finishing a quiz early: with questions unanswered the learner is told how many and
asked first, on a plain page (no script needed); with all answered it finishes at once."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient

from quizapp.content import ItemType
from quizapp.models import FeedbackTiming, User
from tests.conftest import CSRF_INPUT, post_form
from tests.quiz.conftest import Quizzes, question_url


def text_of(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def finish_link(page: str) -> str | None:
    found = re.search(r'<a class="quiz-finish" href="([^"]+)"', page)
    return found.group(1) if found else None


def test_finishing_with_unanswered_questions_asks_first_saying_how_many(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.FILLIN, 5))
    quizzes.answer(attempt_id, 1)
    quizzes.answer(attempt_id, 2)

    page = learner_client.get(question_url(attempt_id, 3)).get_data(as_text=True)
    url = finish_link(page)
    assert url == f"/quiz/attempt/{attempt_id}/finish"
    confirm = learner_client.get(url)

    assert confirm.status_code == 200
    assert "3 of 5 questions are not answered yet." in text_of(confirm)
    assert "they count as wrong" in text_of(confirm)
    assert quizzes.attempt(attempt_id).finished_at is None
    # Back to the quiz goes to the first open question.
    assert f'href="{question_url(attempt_id, 3)}"' in confirm.get_data(as_text=True)

    token = CSRF_INPUT.search(confirm.get_data(as_text=True))
    assert token
    finished = learner_client.post(
        url, data={"finish-csrf_token": token.group(1), "finish-confirmed": "yes"}
    )
    assert finished.headers["Location"] == f"/quiz/attempt/{attempt_id}/results"
    assert quizzes.attempt(attempt_id).score == 2.0


def test_a_finish_not_confirmed_shows_the_question_instead_of_finishing(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    """A stale page (or another tab) that posts straight to finish still gets asked."""
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.FILLIN, 3))
    quizzes.answer(attempt_id, 1)

    response = post_form(learner_client, f"/quiz/attempt/{attempt_id}/finish", {})

    assert response.status_code == 200
    assert "2 of 3 questions are not answered yet." in text_of(response)
    assert quizzes.attempt(attempt_id).finished_at is None


def test_one_unanswered_question_is_said_in_the_singular(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.FILLIN, 2))
    quizzes.answer(attempt_id, 1)
    page = text_of(learner_client.get(f"/quiz/attempt/{attempt_id}/finish"))
    assert "1 of 2 questions is not answered yet." in page and "it counts as wrong" in page


def test_the_last_answer_finishes_the_quiz_without_asking(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.FILLIN, 2), FeedbackTiming.END)
    quizzes.answer(attempt_id, 1)
    quizzes.answer(attempt_id, 2)

    assert quizzes.attempt(attempt_id).finished_at is not None
    page = learner_client.get(question_url(attempt_id, 2)).get_data(as_text=True)
    assert finish_link(page) is None
    response = learner_client.get(f"/quiz/attempt/{attempt_id}/finish")
    assert response.headers["Location"] == f"/quiz/attempt/{attempt_id}/results"
