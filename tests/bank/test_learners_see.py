"""What instructors do in the bank reaches learners only as it should:
published items only, and past attempts keep the version they answered."""

from __future__ import annotations

import random

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Item, User
from quizapp.quiz import services as quiz
from tests.bank.test_authoring import edit, make_item
from tests.conftest import post_form
from tests.quiz.conftest import Quizzes


def drawable(app: Flask, learner: User, deck_id: int) -> set[int]:
    """Every item a quiz could draw for the learner (a length larger than the bank)."""
    with app.app_context():
        settings = quiz.Settings(deck_id, length=quiz.MAX_LENGTH * 100)
        return set(quiz.draw(learner.id, settings, random.Random(1)))


def test_only_published_items_reach_quizzes(
    app: Flask, bank, learner: User, instructor_client: FlaskClient
) -> None:
    quizzes = Quizzes(app)
    item_id = make_item(app, instructor_client)
    assert item_id not in drawable(app, learner, quizzes.deck_id())
    post_form(instructor_client, "/bank/status", {"status": "published", "items": [str(item_id)]})
    assert item_id in drawable(app, learner, quizzes.deck_id())
    post_form(instructor_client, "/bank/status", {"status": "retired", "items": [str(item_id)]})
    assert item_id not in drawable(app, learner, quizzes.deck_id())


def test_an_edit_never_changes_a_past_score(
    app: Flask, bank, learner: User, learner_client: FlaskClient, instructor_client: FlaskClient
) -> None:
    quizzes = Quizzes(app)
    fillin = quizzes.items(ItemType.FILLIN, 1)
    attempt_id = quizzes.take(learner, fillin, right=True)
    before = learner_client.get(f"/quiz/attempt/{attempt_id}/results").get_data(as_text=True)
    assert "(100%)" in before

    with app.app_context():
        uid = db.session.get(Item, fillin[0]).uid
    response = edit(instructor_client, fillin[0], answer="A completely different answer", accept="")
    assert response.status_code == 302, uid
    with app.app_context():
        assert db.session.scalar(select(Item.version).where(Item.id == fillin[0])) == 2

    after = learner_client.get(f"/quiz/attempt/{attempt_id}/results").get_data(as_text=True)
    assert "A completely different answer" not in after
    assert "(100%)" in after
    assert quizzes.attempt(attempt_id).score == 1
