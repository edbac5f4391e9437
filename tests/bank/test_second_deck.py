"""A deck made in the app reaches learners: its published items are in the quiz and
study deck lists beside the bundled deck, and a quiz and a study session draw them."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Fact, Item, Topic, User
from tests.bank.stored import hands_fact, leaflet_deck
from tests.conftest import post_form

CARD = "What should you wash your hands with?"
QUESTION = "Wash your hands often with soap and ____."
TOKEN = re.compile(r'name="token" (?:type="hidden" )?value="([^"]+)"')


def second_deck(app: Flask, instructor: User) -> None:
    """The leaflet deck, with one fact quoting its source (nothing generated from it)."""
    with app.app_context():
        deck, source = leaflet_deck(db.session.get(User, instructor.id))
        record = hands_fact()
        topic = db.session.scalars(select(Topic).where(Topic.deck_id == deck.id)).one()
        db.session.add(
            Fact(
                deck_id=deck.id,
                key=record["id"],
                topic=topic,
                source=source,
                statement=record["statement"],
                quote=record["quote"],
                record=record,
                origin="web",
            )
        )
        db.session.commit()


def write_and_publish(client: FlaskClient, item_type: str, fields: dict[str, str]) -> int:
    data = {"topic": "basics", "facts": ["wash-hands"], "explanation": "", "save": "Save"}
    response = post_form(client, f"/bank/new/{item_type}?deck=leaflet", data | fields)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    item_id = int(response.headers["Location"].rsplit("/", 1)[1])
    post_form(client, "/bank/status", {"status": "published", "items": [str(item_id)]})
    return item_id


def test_a_learner_reaches_the_published_items_of_a_deck_made_in_the_app(
    app: Flask,
    bank,
    instructor: User,
    instructor_client: FlaskClient,
    learner_client: FlaskClient,
) -> None:
    second_deck(app, instructor)
    card = write_and_publish(instructor_client, "qa", {"prompt": CARD, "answer": "Soap and water"})
    question = write_and_publish(
        instructor_client, "fillin", {"prompt": QUESTION, "answer": "water"}
    )
    with app.app_context():
        assert {db.session.get(Item, i).status.value for i in (card, question)} == {"published"}

    quizzes = learner_client.get("/quiz/").get_data(as_text=True)
    assert "<h2>Leaflet</h2>" in quizzes and "<h2>Leukopenia</h2>" in quizzes
    assert 'href="/quiz/leaflet/start"' in quizzes
    assert learner_client.get("/quiz/leaflet/start").status_code == 200
    token = TOKEN.search(quizzes)
    assert token
    started = post_form(learner_client, "/quiz/leaflet/quick", {"token": token.group(1)})
    assert started.status_code == 302
    asked = learner_client.get(started.headers["Location"]).get_data(as_text=True)
    assert "Question 1 of 1" in asked and "soap and ____" in asked

    decks = learner_client.get("/study/").get_data(as_text=True)
    assert "/study/decks/leaflet" in decks and "/study/decks/leukopenia" in decks
    session = learner_client.get("/study/decks/leaflet").get_data(as_text=True)
    assert CARD in session
    # The bundled deck is still the one every earlier link leads to.
    assert CARD not in learner_client.get("/study/decks/leukopenia").get_data(as_text=True)
