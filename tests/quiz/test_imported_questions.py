"""Questions as Moodle writes them, met by a learner: HTML and Markdown text shown
safely, partial credit from answer weights, and feedback on any answer."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import AttemptQuestion, User
from tests.quiz.conftest import Quizzes, question_url, submit

HOSTILE = (
    '<p>Which is <b>right</b>?<script>alert("x")</script>'
    '<img src=x onerror="alert(1)"><a href="javascript:alert(1)">more</a></p>'
)


def asked_as(app: Flask, attempt_id: int, **changes: Any) -> dict[str, Any]:
    """Give the version the attempt asked ``changes``, as an import would store them."""
    with app.app_context():
        version = db.session.scalar(
            select(AttemptQuestion).where(
                AttemptQuestion.attempt_id == attempt_id, AttemptQuestion.position == 1
            )
        ).item_version
        version.content = {**version.content, **changes}
        db.session.commit()
        return version.content


def test_markdown_shows_as_formatted_text(
    app: Flask, learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.FILLIN))
    asked_as(app, attempt_id, prompt="Who is buried in **Grant's tomb**?", format="markdown")
    page = learner_client.get(question_url(attempt_id, 1)).get_data(as_text=True)
    assert "<strong>Grant&#39;s tomb</strong>" in page or "<strong>Grant's tomb</strong>" in page
    assert "**" not in page


def test_a_markdown_list_in_a_question_is_a_list_above_the_answer(
    app: Flask, learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    """A legend holds no lists: the formatted question stands above the choices."""
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE))
    asked_as(
        app, attempt_id, prompt="Which is **most** common?\n\n- fever\n- chills", format="markdown"
    )
    page = learner_client.get(question_url(attempt_id, 1)).get_data(as_text=True)
    assert "<li>fever</li>" in page and "<li>chills</li>" in page
    assert '<div class="quiz-prompt rich-prompt">' in page
    assert "<legend>Your answer</legend>" in page


def test_html_never_brings_scripts_handlers_or_javascript_links(
    app: Flask, learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE))
    asked_as(app, attempt_id, prompt=HOSTILE, explanation=HOSTILE, format="html")
    pages = [learner_client.get(question_url(attempt_id, 1)).get_data(as_text=True)]
    submit(learner_client, attempt_id, 1, {"answer": "0"})
    pages.append(learner_client.get(question_url(attempt_id, 1)).get_data(as_text=True))
    for page in pages:
        assert "Which is <b>right</b>?" in page
        assert "<script>alert" not in page and "onerror" not in page
        assert "javascript:" not in page
        assert "&lt;p&gt;" not in page  # the markup is rendered, not shown as text


def test_a_weighted_option_earns_its_share_and_its_feedback_is_shown(
    app: Flask, learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE))
    asked = quizzes.asked(attempt_id, 1)
    partly = asked.given(right=False)
    right = asked.content["answer"]
    asked_as(
        app,
        attempt_id,
        weights={partly: 0.5},
        feedback={partly: "Close: half a point.", right: "Yes, the patient page says so."},
    )
    submit(learner_client, attempt_id, 1, asked.form(partly))
    page = learner_client.get(question_url(attempt_id, 1)).get_data(as_text=True)
    assert "Partly right: 0.5 of 1 point" in page
    assert "Close: half a point." in page


def test_feedback_on_a_right_answer_is_shown_too(
    app: Flask, learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.FILLIN))
    asked = quizzes.asked(attempt_id, 1)
    key = asked.content["answer"]
    asked_as(app, attempt_id, feedback={key: "Well remembered."})
    submit(learner_client, attempt_id, 1, asked.form(key))
    page = learner_client.get(question_url(attempt_id, 1)).get_data(as_text=True)
    assert "Well remembered." in page and "is wrong</dt>" not in page
