"""Builders for tests of the stored decks: a deck with one source that has its text."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from quizapp.bank import decks, sources
from quizapp.extensions import db
from quizapp.models import Deck, Fact, Item, Source, User

LEAFLET = (
    "Low white cells\n"
    "A low white-cell count is called leukopenia.\n"
    "Wash your hands often with soap and water.\n"
    "Call your doctor if your temperature is 38 °C or higher.\n"
)


def bundled_deck() -> Deck:
    return db.session.scalars(select(Deck).where(Deck.slug == "leukopenia")).one()


def leaflet_deck(editor: User) -> tuple[Deck, Source]:
    """A new deck with one topic and one source whose text is stored (nothing committed)."""
    deck = decks.create_deck("leaflet", "Leaflet", None, editor)
    decks.add_topic(deck, "basics", "The basics")
    source = sources.add_source(deck, title="Patient leaflet", text=LEAFLET, editor=editor)
    return deck, source


def hands_fact(**changes: Any) -> dict[str, Any]:
    """A fact record quoting the leaflet, with a question and answer."""
    return {
        "id": "wash-hands",
        "topic": "basics",
        "source": "patient-leaflet",
        "quote": "Wash your hands often with soap and water.",
        "statement": "Washing your hands often with soap and water helps prevent infection.",
        "question": "What should you wash your hands with?",
        "answer": "Soap and water",
    } | changes


def fact(deck: Deck, key: str) -> Fact:
    return db.session.scalars(select(Fact).where(Fact.deck_id == deck.id, Fact.key == key)).one()


def items_of(deck: Deck, key: str) -> list[Item]:
    """The items generated from one fact (by their ids)."""
    return list(
        db.session.scalars(
            select(Item).where(Item.uid.startswith(f"{deck.slug}:{key}:")).order_by(Item.uid)
        )
    )
