"""Two tabs answering the same question at once: the answer counts once."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Response, User
from quizapp.quiz import services
from tests._requirements import postgres_only
from tests.conftest import CSRF_INPUT, Accounts, at_the_same_moment
from tests.quiz.conftest import Quizzes, question_url


def test_the_database_refuses_an_answer_stored_meanwhile_by_another_tab(
    app: Flask, learner: User, quizzes: Quizzes
) -> None:
    """The race, step by step: this request has checked that the question is open
    when another tab's answer is committed; its own insert is then refused."""
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE, 2))
    asked = quizzes.asked(attempt_id, 1)
    with app.app_context():
        question = services.own_question(learner.id, attempt_id, 1)[0]
        services.ensure_answerable(question)
        with Session(db.engine) as other_tab:
            other_tab.add(
                Response(
                    attempt_question_id=question.id, answer=asked.given(), score=1.0, correct=True
                )
            )
            other_tab.commit()
        with pytest.raises(services.AlreadyAnswered):
            services.answer(question, asked.given(right=False))
    assert quizzes.responses(attempt_id) == 1


@pytest.mark.postgres
def test_two_tabs_submitting_at_the_same_moment_store_one_response(
    app: Flask, accounts: Accounts, learner: User, quizzes: Quizzes
) -> None:
    postgres_only()
    attempt_id = quizzes.start(learner, quizzes.items(ItemType.SINGLE, 2))
    asked = quizzes.asked(attempt_id, 1)
    url = question_url(attempt_id, 1)
    tabs = []
    for right in (True, False):
        client = app.test_client()
        accounts.login(client, learner.email)
        token = CSRF_INPUT.search(client.get(url).get_data(as_text=True)).group(1)
        tabs.append((client, {"csrf_token": token, **asked.form(asked.given(right))}))

    statuses = at_the_same_moment(
        *(
            lambda client=client, data=data: client.post(url, data=data).status_code
            for client, data in tabs
        )
    )
    assert statuses == [302, 302]
    assert quizzes.responses(attempt_id) == 1
