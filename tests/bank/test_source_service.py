"""Sources stored in the app: versioned, and never without the passages their facts quote."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from quizapp.bank import facts, services, sources
from quizapp.extensions import db
from quizapp.models import SourceVersion, User

from .stored import LEAFLET, hands_fact, leaflet_deck


def versions(source_id: int) -> list[tuple[int, dict]]:
    rows = db.session.scalars(
        select(SourceVersion)
        .where(SourceVersion.source_id == source_id)
        .order_by(SourceVersion.version)
    )
    return [(row.version, row.content) for row in rows]


def test_a_new_source_gets_a_key_from_its_title_and_version_1(app: Flask, instructor: User) -> None:
    with app.app_context():
        deck, source = leaflet_deck(instructor)
        again = sources.add_source(
            deck,
            title="Patient leaflet!",
            text="Line one\r\nLine two",
            publisher="City Hospital",
            published=date(2024, 9, 2),
            editor=instructor,
        )
        assert (source.key, again.key) == ("patient-leaflet", "patient-leaflet-2")
        assert again.text == "Line one\nLine two" and again.origin == "web"
        assert again.citation == "Patient leaflet! (City Hospital)"
        [(number, kept)] = versions(again.id)
        assert number == 1 and kept["published"] == "2024-09-02" and kept["text"] == again.text


def test_a_source_needs_a_title_and_some_text(app: Flask, instructor: User) -> None:
    with app.app_context():
        deck, _ = leaflet_deck(instructor)
        with pytest.raises(sources.SourceProblems) as refused:
            sources.add_source(deck, title=" ", text="\n", editor=instructor)
        assert set(refused.value.problems) == {"title", "text"}


def test_an_edit_is_kept_as_a_new_version(app: Flask, instructor: User) -> None:
    with app.app_context():
        _, source = leaflet_deck(instructor)
        edited = sources.edit_source(
            source,
            title="Patient leaflet",
            text=LEAFLET + "Eat well.\n",
            author="Dr Lee",
            base_version=1,
            editor=instructor,
        )
        assert edited.version == 2 and edited.author == "Dr Lee"
        assert [number for number, _ in versions(source.id)] == [1, 2]
        assert versions(source.id)[1][1]["text"].endswith("Eat well.\n")
        with pytest.raises(services.EditConflict):
            sources.edit_source(
                source, title="Old tab", text=LEAFLET, base_version=1, editor=instructor
            )


def test_an_edit_that_drops_a_quoted_passage_is_refused(app: Flask, instructor: User) -> None:
    with app.app_context():
        deck, source = leaflet_deck(instructor)
        facts.save_fact(deck, None, hands_fact(), instructor)
        shorter = LEAFLET.replace("Wash your hands often with soap and water.\n", "")
        with pytest.raises(sources.SourceProblems) as refused:
            sources.edit_source(
                source, title="Patient leaflet", text=shorter, base_version=1, editor=instructor
            )
        assert "The fact 'wash-hands' quotes" in refused.value.problems["text"][0]
        assert source.text == LEAFLET and source.version == 1


def test_quote_spans_mark_each_quoted_passage_once(app: Flask, instructor: User) -> None:
    with app.app_context():
        deck, source = leaflet_deck(instructor)
        facts.save_fact(deck, None, hands_fact(), instructor)
        facts.save_fact(
            deck,
            None,
            hands_fact(
                id="soap",
                quote="soap and water",
                statement="Soap and water clean the hands.",
                question=None,
                answer=None,
            )
            | {"truefalse": False},
            instructor,
        )
        spans = sources.quote_spans(source)
    quote = "Wash your hands often with soap and water."
    start = LEAFLET.index(quote)
    inner = LEAFLET.index("soap and water")
    assert [(s.start, s.end, [f.key for f in s.facts]) for s in spans] == [
        (start, inner, ["wash-hands"]),
        (inner, inner + len("soap and water"), ["soap", "wash-hands"]),
        (inner + len("soap and water"), start + len(quote), ["wash-hands"]),
    ]
