"""Answering questions through the pages: controls, feedback, integrity."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import FeedbackTiming, Flag, User
from quizapp.quiz import grading
from tests.conftest import Accounts, post_form
from tests.quiz.conftest import Quizzes, question_url, submit

CONTROLS = {
    ItemType.SINGLE: 'type="radio"',
    ItemType.MULTIPLE: 'type="checkbox"',
    ItemType.TRUEFALSE: 'type="radio"',
    ItemType.FILLIN: 'type="text"',
    ItemType.NUMERIC: 'inputmode="decimal"',
}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def shown_options(page: str) -> list[str]:
    return re.findall(r'<label for="answer-\d+">([^<]*)</label>', page)


@pytest.mark.parametrize("type_", grading.QUESTION_TYPES)
def test_each_type_gets_its_control_and_the_page_holds_no_answer(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes, type_: ItemType
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(type_))
    asked = quizzes.asked(attempt_id, 1)
    page = text_of(learner_client.get(question_url(attempt_id, 1)))
    assert "Question 1 of 1" in page
    assert asked.content["prompt"] in page
    assert CONTROLS[type_] in page
    assert asked.content["explanation"] not in page
    assert "Correct answer" not in page
    assert "What the source says" not in page
    if type_ is ItemType.FILLIN:
        for accepted in [asked.content["answer"], *asked.content["accept"]]:
            assert accepted.casefold() not in page.casefold()
    if type_ is ItemType.NUMERIC:
        assert f"Unit: {asked.content['answer']['unit']}" in page


def test_options_keep_their_stored_order_on_reload(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.MULTIPLE))
    first = shown_options(text_of(learner_client.get(question_url(attempt_id, 1))))
    again = shown_options(text_of(learner_client.get(question_url(attempt_id, 1))))
    assert first == again == quizzes.asked(attempt_id, 1).shown
    assert sorted(first) == sorted(quizzes.asked(attempt_id, 1).content["options"])


def test_a_right_answer_gets_feedback_with_explanation_and_source(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE, 2))
    asked = quizzes.asked(attempt_id, 1)
    response = submit(learner_client, attempt_id, 1, asked.form(asked.given(right=True)))
    assert response.headers["Location"] == question_url(attempt_id, 1)
    page = text_of(learner_client.get(response.headers["Location"]))
    assert '<p class="quiz-verdict">' in page and "Right" in page
    assert f"<dd>{asked.content['answer']}</dd>" in page
    assert asked.content["explanation"] in page
    assert "Source: <cite>" in page
    assert "<summary>What the source says</summary>" in page
    assert "<blockquote>" in page
    assert f'href="/quiz/attempt/{attempt_id}/2"' in page  # Next question


def test_a_wrong_answer_shows_the_correct_one(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.NUMERIC, 2))
    asked = quizzes.asked(attempt_id, 1)
    submit(learner_client, attempt_id, 1, asked.form(asked.given(right=False)))
    page = text_of(learner_client.get(question_url(attempt_id, 1)))
    assert "Wrong" in page
    assert grading.correct_text(grading.Question.from_content(asked.content)) in page


def test_partial_credit_is_shown(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.MULTIPLE, 2))
    asked = quizzes.asked(attempt_id, 1)
    one_right = asked.given(right=True)[:1]
    submit(learner_client, attempt_id, 1, asked.form(one_right))
    page = text_of(learner_client.get(question_url(attempt_id, 1)))
    right_count = len(asked.content["answer"])
    assert f"Partly right: {1 / right_count:.2g} of 1 point" in page


def test_an_answer_sent_twice_counts_once(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.TRUEFALSE, 2))
    asked = quizzes.asked(attempt_id, 1)
    first = submit(learner_client, attempt_id, 1, asked.form(asked.given(right=True)))
    second = submit(learner_client, attempt_id, 1, asked.form(asked.given(right=False)))
    assert first.status_code == second.status_code == 302
    assert quizzes.responses(attempt_id) == 1
    page = text_of(learner_client.get(second.headers["Location"]))
    assert "You had already answered this question; your first answer counts." in page
    assert "Right" in page


@pytest.mark.parametrize(
    ("type_", "data", "message"),
    [
        (ItemType.SINGLE, {}, "Choose an answer."),
        (ItemType.SINGLE, {"answer": "17"}, "Choose one of the answers shown."),
        (ItemType.MULTIPLE, {}, "Tick at least one answer."),
        (ItemType.MULTIPLE, {"answer": ["0", "x"]}, "Choose among the answers shown."),
        (ItemType.TRUEFALSE, {"answer": "maybe"}, "Choose True or False."),
        (ItemType.FILLIN, {"answer": "   "}, "Type an answer."),
        (ItemType.FILLIN, {"answer": "x" * 201}, "Field cannot be longer than 200 characters."),
        (ItemType.NUMERIC, {"answer": "four"}, "Type a number, such as 4 or 4.5."),
        (ItemType.NUMERIC, {"answer": "4 bananas"}, "is already given."),
    ],
)
def test_garbage_gets_a_message_at_the_field_and_stores_nothing(
    learner: User,
    learner_client: FlaskClient,
    quizzes: Quizzes,
    type_: ItemType,
    data: dict,
    message: str,
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(type_))
    response = submit(learner_client, attempt_id, 1, data)
    assert response.status_code == 400
    page = text_of(response)
    assert re.search(r'<p class="error" id="answer-error">[^<]*' + re.escape(message), page)
    assert quizzes.responses(attempt_id) == 0


def test_another_learners_attempt_is_not_found(
    learner: User, accounts: Accounts, app: Flask, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE, 2))
    other = app.test_client()
    accounts.login(other, accounts.create("other@example.org").email)
    asked = quizzes.asked(attempt_id, 1)
    for url in [
        f"/quiz/attempt/{attempt_id}",
        question_url(attempt_id, 1),
        f"/quiz/attempt/{attempt_id}/results",
    ]:
        assert other.get(url).status_code == 404
    for url, data in [
        (question_url(attempt_id, 1), asked.form(asked.given())),
        (question_url(attempt_id, 1) + "/flag", {"flag-comment": "mine now"}),
        (f"/quiz/attempt/{attempt_id}/finish", {}),
    ]:
        assert post_form(other, url, data).status_code == 404
    assert quizzes.responses(attempt_id) == 0
    assert quizzes.attempt(attempt_id).finished_at is None


def test_a_question_past_the_end_is_not_found(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE, 2))
    assert learner_client.get(question_url(attempt_id, 3)).status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/quiz/attempt/99999999999999999999"),
        ("GET", "/quiz/attempt/1/3000000000"),
        ("POST", "/quiz/attempt/3000000000/1/flag"),
    ],
)
def test_a_number_past_any_id_is_not_found(
    learner_client: FlaskClient, method: str, url: str
) -> None:
    assert learner_client.open(url, method=method).status_code == 404


def test_a_finished_attempt_cannot_change(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE, 3))
    quizzes.answer(attempt_id, 1)
    post_form(learner_client, f"/quiz/attempt/{attempt_id}/finish", {"finish-confirmed": "yes"})
    asked = quizzes.asked(attempt_id, 2)
    response = submit(learner_client, attempt_id, 2, asked.form(asked.given()))
    assert response.status_code == 409
    assert "This quiz is finished, so its answers can no longer change." in text_of(response)
    assert quizzes.responses(attempt_id) == 1
    assert quizzes.attempt(attempt_id).score == 1.0


def test_a_double_click_on_the_last_answer_is_not_an_error(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE, 1))
    asked = quizzes.asked(attempt_id, 1)
    submit(learner_client, attempt_id, 1, asked.form(asked.given()))
    again = submit(learner_client, attempt_id, 1, asked.form(asked.given()))
    assert again.status_code == 302
    page = text_of(learner_client.get(again.headers["Location"]))
    assert "your first answer counts" in page
    assert "See your results" in page


def test_feedback_at_the_end_waits_for_the_results(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(
        learner, quizzes.items(ItemType.FILLIN, 2), feedback=FeedbackTiming.END
    )
    first = quizzes.asked(attempt_id, 1)
    response = submit(learner_client, attempt_id, 1, first.form(first.given(right=False)))
    assert response.headers["Location"] == question_url(attempt_id, 2)
    back = text_of(learner_client.get(question_url(attempt_id, 1)))
    assert "Your answer is saved" in back
    assert first.content["explanation"] not in back
    assert first.content["answer"] not in back
    second = quizzes.asked(attempt_id, 2)
    response = submit(learner_client, attempt_id, 2, second.form(second.given()))
    assert response.headers["Location"] == f"/quiz/attempt/{attempt_id}/results"
    results = text_of(learner_client.get(response.headers["Location"]))
    assert first.content["explanation"] in results
    assert "1 out of 2" in results


def test_flagging_a_question_stores_it_once_for_the_instructors(
    app: Flask, learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE, 2))
    url = question_url(attempt_id, 1) + "/flag"
    empty = post_form(learner_client, url, {"flag-comment": "  "})
    assert empty.status_code == 400
    assert "Say briefly what looks wrong." in text_of(empty)
    sent = post_form(learner_client, url, {"flag-comment": "Two options mean the same."})
    assert sent.status_code == 302
    assert "Thank you. An instructor will look" in text_of(
        learner_client.get(sent.headers["Location"])
    )
    again = post_form(learner_client, url, {"flag-comment": "Still wrong."})
    assert "already reported" in text_of(learner_client.get(again.headers["Location"]))
    with app.app_context():
        (flag,) = db.session.scalars(select(Flag))
        assert flag.comment == "Two options mean the same."
        assert flag.learner_id == learner.id
        assert flag.item_version.version == 1
        assert flag.resolved_at is None
        assert db.session.scalar(select(func.count(Flag.id))) == 1
