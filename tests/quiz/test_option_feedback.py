"""Why each wrong option is wrong, shown after answering a choice question."""

from __future__ import annotations

import html

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import AttemptQuestion, FeedbackTiming, User
from tests.quiz.conftest import Quizzes, question_url, submit


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def with_feedback(
    app: Flask, attempt_id: int, position: int = 1, *, none: bool = False
) -> dict[str, str]:
    """Give the version the attempt asked a why for every wrong option (or none),
    as the bank stores it (``feedback`` in the version content); return the whys."""
    with app.app_context():
        version = db.session.scalar(
            select(AttemptQuestion).where(
                AttemptQuestion.attempt_id == attempt_id, AttemptQuestion.position == position
            )
        ).item_version
        content = version.content
        right = content["answer"] if isinstance(content["answer"], list) else [content["answer"]]
        whys = {
            option: f"{option} is a different thing altogether, so it is not the answer."
            for option in content["options"]
            if option not in right and not none
        }
        version.content = {**content, "feedback": whys}
        db.session.commit()
        return whys


def test_a_wrong_choice_shows_why_it_is_wrong_and_the_other_options_why(
    app: Flask, learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE, 2))
    whys = with_feedback(app, attempt_id)
    asked = quizzes.asked(attempt_id, 1)
    picked = asked.given(right=False)
    submit(learner_client, attempt_id, 1, asked.form(picked))
    page = text_of(learner_client.get(question_url(attempt_id, 1)))
    assert f"<dt>Why “{picked}” is wrong</dt><dd>{whys[picked]}</dd>" in page
    assert "<summary>Why the other options are wrong</summary>" in page
    for option, why in whys.items():
        if option != picked:
            assert f"<dt>{option}</dt><dd>{why}</dd>" in page
    assert page.count(whys[picked]) == 1  # not again among the other options


def test_a_right_choice_lists_why_the_other_options_are_wrong(
    app: Flask, learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE))
    whys = with_feedback(app, attempt_id)
    asked = quizzes.asked(attempt_id, 1)
    submit(learner_client, attempt_id, 1, asked.form(asked.given(right=True)))
    page = text_of(learner_client.get(question_url(attempt_id, 1)))
    assert "is wrong</dt>" not in page
    assert all(f"<dt>{option}</dt><dd>{why}</dd>" in page for option, why in whys.items())


def test_the_results_show_why_each_wrong_tick_is_wrong(
    app: Flask, learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.MULTIPLE), FeedbackTiming.END)
    whys = with_feedback(app, attempt_id)
    asked = quizzes.asked(attempt_id, 1)
    ticked = asked.given(right=False)
    answered = submit(learner_client, attempt_id, 1, asked.form(ticked))
    assert answered.headers["Location"] == f"/quiz/attempt/{attempt_id}/results"
    page = text_of(learner_client.get(answered.headers["Location"]))
    for option in ticked:
        assert f"<dt>Why “{option}” is wrong</dt><dd>{whys[option]}</dd>" in page


def test_the_feedback_waits_for_the_end_when_the_quiz_says_so(
    app: Flask, learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE, 2), FeedbackTiming.END)
    whys = with_feedback(app, attempt_id)
    asked = quizzes.asked(attempt_id, 1)
    submit(learner_client, attempt_id, 1, asked.form(asked.given(right=False)))
    page = text_of(learner_client.get(question_url(attempt_id, 1)))
    assert not any(why in page for why in whys.values())


def test_true_false_and_options_without_a_why_show_no_option_list(
    app: Flask, learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(
        learner, quizzes.items(ItemType.TRUEFALSE) + quizzes.items(ItemType.SINGLE)
    )
    with_feedback(app, attempt_id, position=2, none=True)
    for position in (1, 2):
        asked = quizzes.asked(attempt_id, position)
        submit(learner_client, attempt_id, position, asked.form(asked.given(right=False)))
        page = text_of(learner_client.get(question_url(attempt_id, position)))
        assert "Why the other options are wrong" not in page
        assert "is wrong</dt>" not in page


def test_the_bundled_banks_own_option_feedback_is_shown(
    learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE))
    asked = quizzes.asked(attempt_id, 1)
    picked = asked.given(right=False)
    why = asked.content["feedback"][picked]  # every wrong option of the bank explains itself
    submit(learner_client, attempt_id, 1, asked.form(picked))
    page = text_of(learner_client.get(question_url(attempt_id, 1)))
    assert f"<dt>Why “{picked}” is wrong</dt><dd>{why}</dd>" in page


def test_markup_in_an_option_feedback_is_shown_as_text(
    app: Flask, learner: User, learner_client: FlaskClient, quizzes: Quizzes
) -> None:
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE, 1))
    whys = with_feedback(app, attempt_id)
    with app.app_context():
        version = db.session.scalar(
            select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)
        ).item_version
        version.content = {
            **version.content,
            "feedback": {option: "<script>alert(1)</script>" for option in whys},
        }
        db.session.commit()
    asked = quizzes.asked(attempt_id, 1)
    submit(learner_client, attempt_id, 1, asked.form(asked.given(right=False)))
    raw = learner_client.get(question_url(attempt_id, 1)).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "<script>alert(1)</script>" not in raw
