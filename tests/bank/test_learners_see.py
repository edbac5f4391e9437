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
    """Every question a quiz of the deck may draw from: what the draw's rules (one
    question per fact, ...) then choose among, so an item missing here is never asked."""
    with app.app_context():
        rows = db.session.execute(quiz.candidates(learner.id, quiz.Settings(deck_id)))
        return {row.id for row in rows}


def asked_by_a_quiz(app: Flask, learner: User, deck_id: int, item_id: int) -> bool:
    """Whether some quiz on the item's topic asks it. A quiz asks one question per fact and
    the new item shares its fact with bank items, so each seed picks one of them."""
    with app.app_context():
        topic_id = db.session.scalar(select(Item.topic_id).where(Item.id == item_id))
        settings = quiz.Settings(deck_id, topic_ids=(topic_id,), length=quiz.MAX_LENGTH)
        return any(
            item_id in quiz.draw(learner.id, settings, random.Random(seed)) for seed in range(100)
        )


def test_only_published_items_reach_quizzes(
    app: Flask, bank, learner: User, instructor_client: FlaskClient
) -> None:
    deck_id = Quizzes(app).deck_id()
    item_id = make_item(app, instructor_client)
    assert item_id not in drawable(app, learner, deck_id)
    post_form(instructor_client, "/bank/status", {"status": "published", "items": [str(item_id)]})
    assert item_id in drawable(app, learner, deck_id)
    assert asked_by_a_quiz(app, learner, deck_id, item_id)
    post_form(instructor_client, "/bank/status", {"status": "retired", "items": [str(item_id)]})
    assert item_id not in drawable(app, learner, deck_id)


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
