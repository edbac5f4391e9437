"""The stored deck read back through the content pipeline, and its items regenerated."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from flask import Flask
from sqlalchemy import select

from quizapp import content
from quizapp.bank import decks, facts, services
from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import Deck, Item, ItemVersion, Source, Topic, User

from .stored import bundled_deck, fact, hands_fact, items_of, leaflet_deck


def test_the_bundled_deck_reads_back_from_the_database_unchanged(
    app: Flask, bank: content.Bank
) -> None:
    with app.app_context():
        deck = bundled_deck()
        stored = decks.stored_deck(deck)
        assert {item.id for item in stored.items} == {item.id for item in bank.items}
        keys = set(stored.decks[0].facts)
        report = decks.regenerate(deck, keys, None)
        assert (report.added, report.changed, report.retired) == (0, 0, 0)


def test_the_deck_files_hold_its_hand_written_items_and_no_generated_ones(
    app: Flask, bank: content.Bank
) -> None:
    with app.app_context():
        files = decks.deck_files_of(bundled_deck())
    assert "leukopenia:scenario-count-3-2" in files["items.yaml"]
    assert ":wbc-count-threshold:" not in files["items.yaml"]
    assert {"deck.yaml", "sources.yaml", "pools.yaml", "decisions.yaml"} <= set(files)


def test_add_topic_is_idempotent_and_a_taken_deck_name_is_refused(
    app: Flask, instructor: User
) -> None:
    with app.app_context():
        deck, _ = leaflet_deck(instructor)
        again = decks.add_topic(deck, "basics", "Another title")
        assert again.title == "The basics"
        assert decks.add_topic(deck, "care", "Care").position == 1
        with pytest.raises(decks.DeckProblems) as refused:
            decks.create_deck("leaflet", "Again", None, instructor)
        assert "already exists" in refused.value.problems["slug"][0]


def test_a_new_fact_makes_draft_items_written_in_the_app(app: Flask, instructor: User) -> None:
    with app.app_context():
        deck, source = leaflet_deck(instructor)
        stored = facts.save_fact(deck, None, hands_fact(), instructor)
        items = items_of(deck, "wash-hands")
        assert stored.version == 1 and stored.origin == "web"
        assert items and {item.status for item in items} == {Status.DRAFT}
        assert {item.origin for item in items} == {"web"}
        assert {item.source_id for item in items} == {source.id}
        assert all(item.review_note is None for item in items)


def test_editing_a_fact_sends_its_changed_items_back_to_review(
    app: Flask, bank: content.Bank, instructor: User
) -> None:
    with app.app_context():
        deck = bundled_deck()
        edited = fact(deck, "wbc-count-threshold")
        before = {item.uid: (item.version, item.status) for item in items_of(deck, edited.key)}
        others = {item.uid: item.version for item in items_of(deck, "wbc-abbreviation")}
        record = edited.record | {"statement": edited.record["statement"] + " Ask what yours is."}

        facts.save_fact(deck, edited, record, instructor, base_version=edited.version)

        assert edited.version == 2 and edited.origin == "web"
        for item in items_of(deck, edited.key):
            assert item.version == before[item.uid][0] + 1
            assert item.status is Status.DRAFT
            assert item.review_note == (
                "The fact 'wbc-count-threshold' was edited, which changed this item: "
                "check it before publishing it again."
            )
            versions = db.session.scalars(
                select(ItemVersion.version).where(ItemVersion.item_id == item.id)
            )
            assert sorted(versions) == list(range(1, item.version + 1))
        assert {i.uid: i.version for i in items_of(deck, "wbc-abbreviation")} == others
        scenario = db.session.scalars(
            select(Item).where(Item.uid == "leukopenia:scenario-count-3-2")
        ).one()
        assert scenario.status is Status.PUBLISHED
        assert "wbc-count-threshold" in (scenario.review_note or "")


def test_an_unchanged_save_touches_no_item(
    app: Flask, bank: content.Bank, instructor: User
) -> None:
    with app.app_context():
        deck = bundled_deck()
        same = fact(deck, "wbc-count-threshold")
        facts.save_fact(deck, same, dict(same.record), instructor, base_version=same.version)
        items = items_of(deck, same.key)
        assert {item.status for item in items} == {Status.PUBLISHED}
        assert {item.review_note for item in items} == {None}


def test_an_item_no_longer_generated_is_retired(app: Flask, instructor: User) -> None:
    with app.app_context():
        deck, _ = leaflet_deck(instructor)
        stored = facts.save_fact(deck, None, hands_fact(), instructor)
        cloze = hands_fact(cloze="Wash your hands often with {{soap and water}}.")
        facts.save_fact(deck, stored, cloze, instructor, base_version=1)
        cloze_items = [i for i in items_of(deck, "wash-hands") if ":cloze:" in i.uid]
        assert cloze_items and cloze_items[0].status is Status.DRAFT

        facts.save_fact(deck, stored, hands_fact(), instructor, base_version=2)

        assert cloze_items[0].status is Status.RETIRED
        topics = db.session.scalars(select(Topic.key).where(Topic.deck_id == deck.id))
        assert list(topics) == ["basics"]


TWO_FACTS = """facts:
  - id: soap-cleans
    topic: basics
    source: leaflet
    quote: "Soap cleans hands."
    statement: Soap and water clean the hands.
    question: What cleans the hands well?
    answer: Soap and water
    truefalse: false
  - id: dry-hands
    topic: basics
    source: leaflet
    quote: "Dry them well."
    statement: Dry your hands well after washing them.
    cloze: "{{Dry}} your hands well after washing them."
"""


def write_deck(folder: Path, facts_yaml: str) -> Path:
    files = {
        "deck.yaml": "id: tiny\ntitle: Tiny\ntopics:\n  basics: Basics\n"
        "glossary:\n  soap: what cleans\n",
        "sources.yaml": "sources:\n  - id: leaflet\n    title: A leaflet\n"
        "    document: leaflet.txt\n    address: https://example.org/leaflet\n"
        "    date: 2024-09-02\n",
        "documents/leaflet.txt": "Soap cleans hands. Dry them well.\n",
        "facts/basics.yaml": facts_yaml,
    }
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_load_stores_records_documents_and_retires_facts_that_left(
    app: Flask, tmp_path: Path
) -> None:
    folder = write_deck(tmp_path / "tiny", TWO_FACTS)
    with app.app_context():
        services.store(content.read_bank(folder))
        deck = db.session.scalars(select(Deck).where(Deck.slug == "tiny")).one()
        source = db.session.scalars(select(Source).where(Source.deck_id == deck.id)).one()
        assert source.text == "Soap cleans hands. Dry them well.\n"
        assert (source.address, source.published) == (
            "https://example.org/leaflet",
            date(2024, 9, 2),
        )
        assert deck.extras == {"glossary": {"soap": "what cleans"}}
        assert fact(deck, "dry-hands").record == yaml.safe_load(TWO_FACTS)["facts"][1]

        write_deck(folder, TWO_FACTS.split("  - id: dry-hands")[0])
        report = services.store(content.read_bank(folder))

        assert report.facts["retired"] == 1 and "1 retired" in str(report)
        assert fact(deck, "dry-hands").retired_at is not None
        assert {i.status for i in items_of(deck, "dry-hands")} == {Status.RETIRED}
        assert fact(deck, "soap-cleans").retired_at is None
