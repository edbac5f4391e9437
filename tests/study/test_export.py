"""A deck as an Anki package: a zip holding an Anki collection with every card."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from html import escape
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from quizapp import content
from quizapp.content import Kind, Status
from quizapp.extensions import db
from quizapp.models import Item
from quizapp.study.anki import stable_id
from quizapp.study.services import CARD_TYPES

FIELD_SEPARATOR = "\x1f"


def published_cards(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(Item)
            .where(Item.type.in_(CARD_TYPES), Item.status == Status.PUBLISHED)
        )


def leukopenia(bank: content.Bank) -> content.Deck:
    return next(deck for deck in bank.decks if deck.id == "leukopenia")


def bank_cards(bank: content.Bank) -> list[content.Item]:
    """The flashcards the bank files publish in the leukopenia deck, in study order (the
    deck's topics, then bank order): what an export holds. Read from the bank itself, so
    content edits do not break these tests."""
    topics = list(leukopenia(bank).topics)
    cards = [
        item
        for item in bank.items
        if item.deck == "leukopenia" and item.kind is Kind.CARD and item.status is Status.PUBLISHED
    ]
    return sorted(cards, key=lambda item: topics.index(item.topic))


def read_collection(package: bytes, tmp_path: Path) -> sqlite3.Connection:
    """Open the collection.anki2 inside an .apkg the way Anki would."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert "collection.anki2" in archive.namelist()
        (tmp_path / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    return sqlite3.connect(tmp_path / "collection.anki2")


def notes(collection: sqlite3.Connection) -> list[list[str]]:
    return [row[0].split(FIELD_SEPARATOR) for row in collection.execute("SELECT flds FROM notes")]


def test_a_learner_downloads_the_deck_for_anki(
    app: Flask, learner_client: FlaskClient, bank, tmp_path: Path
) -> None:
    response = learner_client.get("/study/decks/leukopenia/export.apkg")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=leukopenia.apkg"

    collection = read_collection(response.data, tmp_path)
    cards = notes(collection)
    expected = bank_cards(bank)
    assert len(cards) == published_cards(app) == len(expected)
    assert collection.execute("SELECT count(*) FROM cards").fetchone()[0] == len(cards)
    first = expected[0]
    front, back, explanation, source = cards[0]
    assert front == escape(first.prompt)
    assert f"<b>{escape(first.answer)}</b>" in back
    assert explanation == escape(first.explanation)
    assert source.startswith(escape(leukopenia(bank).sources[first.source].title))
    # Basic notes: Front, Back, Explanation, Source; cloze notes: Text, Back Extra, Source.
    assert all(len(card) in (3, 4) and all(card) for card in cards)
    clozes = [card for card in cards if len(card) == 3]
    assert len(clozes) == sum(item.type is content.ItemType.CLOZE for item in expected)
    assert all("{{c1::" in card[0] and "[…]" not in card[0] for card in clozes)

    decks = json.loads(collection.execute("SELECT decks FROM col").fetchone()[0])
    assert decks[str(stable_id("deck", "leukopenia"))]["name"] == "Leukopenia"


def test_exports_keep_the_same_ids_so_anki_updates_instead_of_duplicating(
    learner_client: FlaskClient, bank, tmp_path: Path
) -> None:
    first = read_collection(
        learner_client.get("/study/decks/leukopenia/export.apkg").data, tmp_path
    )
    guids = sorted(row[0] for row in first.execute("SELECT guid FROM notes"))
    first.close()
    again = read_collection(
        learner_client.get("/study/decks/leukopenia/export.apkg").data, tmp_path
    )
    assert sorted(row[0] for row in again.execute("SELECT guid FROM notes")) == guids
    assert len(set(guids)) == len(bank_cards(bank))


def test_an_operator_exports_a_deck_from_the_command_line(
    app: Flask, runner: FlaskCliRunner, bank, tmp_path: Path
) -> None:
    output = tmp_path / "leukopenia.apkg"
    result = runner.invoke(args=["export", "anki", "leukopenia", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {len(bank_cards(bank))} cards of Leukopenia to {output}.\n"
    assert len(notes(read_collection(output.read_bytes(), tmp_path))) == published_cards(app)


def test_exporting_an_unknown_deck_says_so(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["export", "anki", "no-such-deck", "--output", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "No deck 'no-such-deck'" in result.output
    assert not (tmp_path / "x").exists()
