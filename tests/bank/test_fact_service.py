"""Facts written in the app: checked as the bank files are, quoted verbatim, versioned."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from quizapp import content
from quizapp.bank import decks, facts, services
from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import Deck, Fact, Item, User
from tests._requirements import postgres_only
from tests.conftest import at_the_same_moment

from .stored import bundled_deck, fact, hands_fact, items_of, leaflet_deck


def refused(
    deck: Deck, record: dict[str, Any], editor: User, stored: Fact | None = None
) -> dict[str, list[str]]:
    with pytest.raises(facts.FactProblems) as refusal:
        version = stored.version if stored else None
        facts.save_fact(deck, stored, record, editor, base_version=version)
    return refusal.value.problems


def test_a_quote_not_in_the_source_text_is_refused(app: Flask, instructor: User) -> None:
    with app.app_context():
        deck, _ = leaflet_deck(instructor)
        problems = refused(deck, hands_fact(quote="Wash your hands with soap."), instructor)
        assert problems == {"quote": [facts.NOT_VERBATIM]}
        assert db.session.scalar(select(Fact.id).where(Fact.deck_id == deck.id)) is None


def test_a_new_quote_of_a_source_without_stored_text_is_refused(
    app: Flask, bank: content.Bank, instructor: User
) -> None:
    with app.app_context():
        deck = bundled_deck()
        record = hands_fact(id="new-fact", topic="prevention", source="patient-page")
        assert refused(deck, record, instructor)["source"] == [facts.NO_TEXT]


def test_each_problem_is_under_the_field_it_is_about(app: Flask, instructor: User) -> None:
    with app.app_context():
        deck, _ = leaflet_deck(instructor)
        record = hands_fact(
            topic="nowhere",
            number={"question": "How hot?", "value": "hot"},
            accept=[],
            colour="red",
        )
        del record["answer"], record["quote"]
        problems = refused(deck, record, instructor)
    assert problems["quote"] == ["Fact is missing required field 'quote'."]
    assert "number.value" in problems and "must be a number" in problems["number.value"][0]
    assert problems["topic"] == ["Choose one of the deck's topics."]
    assert "question" in problems  # a question needs its answer
    assert "accept" in problems
    assert "Unknown field 'colour'" in problems["record"][0]


def test_a_whole_deck_problem_names_the_field(app: Flask, instructor: User) -> None:
    """A distractor that is a correct answer is found only with the deck's truth."""
    with app.app_context():
        deck, _ = leaflet_deck(instructor)
        record = hands_fact(distractors=["soap and water", "Hot air", "Cold water"])
        problems = refused(deck, record, instructor)
    assert list(problems) == ["distractors"]
    assert "is a correct answer" in problems["distractors"][0]


def test_a_fact_id_is_unique_and_never_changes(app: Flask, instructor: User) -> None:
    with app.app_context():
        deck, _ = leaflet_deck(instructor)
        stored = facts.save_fact(deck, None, hands_fact(), instructor)
        assert "already has a fact" in refused(deck, hands_fact(), instructor)["id"][0]
        renamed = hands_fact(id="hand-washing")
        assert "cannot change" in refused(deck, renamed, instructor, stored)["id"][0]


def test_an_edit_from_an_old_version_is_a_conflict(app: Flask, instructor: User) -> None:
    with app.app_context():
        deck, _ = leaflet_deck(instructor)
        stored = facts.save_fact(deck, None, hands_fact(), instructor)
        facts.save_fact(deck, stored, hands_fact(answer="Soap"), instructor, base_version=1)
        with pytest.raises(services.EditConflict):
            facts.save_fact(deck, stored, hands_fact(answer="Water"), instructor, base_version=1)
        assert stored.record["answer"] == "Soap" and stored.version == 2


def test_retiring_a_fact_retires_its_items_and_flags_hand_written_ones(
    app: Flask, bank: content.Bank, instructor: User
) -> None:
    with app.app_context():
        deck = bundled_deck()
        retired = fact(deck, "wbc-count-threshold")
        report = facts.retire_fact(retired, instructor)
        assert retired.retired_at is not None
        assert report.retired == len(items_of(deck, retired.key)) > 0
        assert {item.status for item in items_of(deck, retired.key)} == {Status.RETIRED}
        scenario = db.session.scalars(
            select(Item).where(Item.uid == "leukopenia:scenario-count-3-2")
        ).one()
        assert scenario.review_note == (
            "The fact 'wbc-count-threshold' was retired: check that this item still agrees with it."
        )
        assert "wbc-count-threshold" not in decks.stored_deck(deck).decks[0].facts
        services.store(bank)  # the bundled files still have it: the app's decision stays
        assert fact(deck, "wbc-count-threshold").retired_at is not None
        assert {item.status for item in items_of(deck, retired.key)} == {Status.RETIRED}


def test_a_fact_other_facts_refer_to_cannot_be_retired(
    app: Flask, bank: content.Bank, instructor: User
) -> None:
    with app.app_context():
        deck = bundled_deck()
        needed = next(key for f in bank.decks[0].facts.values() for key in f.see_also)
        with pytest.raises(facts.FactProblems) as refusal:
            facts.retire_fact(fact(deck, needed), instructor)
        assert f"unknown fact '{needed}'" in " ".join(refusal.value.problems["record"])
        assert fact(deck, needed).retired_at is None


def test_a_bank_load_keeps_a_fact_edited_in_the_app(
    app: Flask, bank: content.Bank, instructor: User
) -> None:
    with app.app_context():
        deck = bundled_deck()
        edited = fact(deck, "wbc-count-threshold")
        record = edited.record | {"statement": "A count under 4.0 × 10⁹/L is leukopenia."}
        facts.save_fact(deck, edited, record, instructor, base_version=edited.version)
        changed = {item.uid: item.content_hash for item in items_of(deck, edited.key)}

        report = services.store(bank)

        assert report.facts["kept as edited in the app"] == 1
        assert fact(deck, edited.key).statement == record["statement"]
        assert {i.uid: i.content_hash for i in items_of(deck, edited.key)} == changed


@pytest.mark.postgres
def test_two_edits_at_the_same_moment_store_one(
    app: Flask, bank: content.Bank, instructor: User
) -> None:
    postgres_only()
    editor_id = instructor.id

    def edit(answer: str) -> str:
        with app.app_context():
            deck = bundled_deck()
            stored = fact(deck, "wbc-count-threshold")
            record = stored.record | {"statement": f"{stored.statement} ({answer})"}
            editor = db.session.get_one(User, editor_id)  # this thread's session's own
            try:
                facts.save_fact(deck, stored, record, editor, base_version=1)
            except services.EditConflict:
                return "conflict"
            db.session.commit()
            return "saved"

    results = at_the_same_moment(lambda: edit("one"), lambda: edit("two"))
    assert sorted(results) == ["conflict", "saved"]
    with app.app_context():
        assert fact(bundled_deck(), "wbc-count-threshold").version == 2
