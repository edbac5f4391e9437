"""Regenerating a deck's items after a fact changes: every item the change
alters is rewritten (a list fact's members are its siblings' wrong answers),
while items an instructor retired or edited by hand are left as they are."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, select

from quizapp.bank import authoring, decks, facts, services, sources
from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import Deck, Fact, Item, ItemVersion, Source, User
from quizapp.models.content import item_fact
from quizapp.models.user import Role
from tests._requirements import postgres_only
from tests.conftest import at_the_same_moment

from .stored import LEAFLET, fact, hands_fact, items_of, leaflet_deck

SIGNS = "Signs of infection are fever, chills and a sore throat.\n"
SAFE = "Keep away from crowds, sick people and raw meat.\n"


def list_fact(key: str, relation: str, quote: str, members: list[str]) -> dict[str, Any]:
    return {
        "id": key,
        "topic": "basics",
        "source": "patient-leaflet",
        "quote": quote,
        "statement": f"{quote} ({key})",
        "list": {
            "relation": relation,
            "member_type": "thing",
            "question": f"Which is one of the {relation}?",
            "claim": "{member} is one of them.",
            "members": members,
            "distractors": [
                {"text": "Blue eyes", "why": "Eye colour has nothing to do with it."},
                {"text": "Tall height", "why": "Height has nothing to do with it."},
            ],
        },
    }


def list_deck(editor: User) -> Deck:
    """A deck with two list facts whose members are of one kind ("thing")."""
    deck, source = leaflet_deck(editor)
    text = LEAFLET + SIGNS + SAFE
    sources.edit_source(
        source, title=source.title, text=text, base_version=source.version, editor=editor
    )
    for relation in ("signs", "risks"):
        decks.declare_list(deck, relation, "thing", {"label": relation})
    facts.save_fact(deck, None, list_fact("signs", "signs", SIGNS.strip(), SIGN_MEMBERS), editor)
    facts.save_fact(deck, None, list_fact("risks", "risks", SAFE.strip(), RISK_MEMBERS), editor)
    return deck


SIGN_MEMBERS = ["Fever", "Chills", "Sore throat"]
RISK_MEMBERS = ["Crowds", "Sick people", "Raw meat"]


def offered(deck: Deck, key: str) -> set[str]:
    """Every option the fact's items offer."""
    return {str(option) for item in items_of(deck, key) for option in item.options or ()}


def test_editing_a_list_fact_rewrites_its_siblings_wrong_answers(
    app: Flask, instructor: User
) -> None:
    with app.app_context():
        deck = list_deck(instructor)
        assert "Sick people" in offered(deck, "signs")
        for item in items_of(deck, "signs"):
            item.status = Status.PUBLISHED
        risks = fact(deck, "risks")
        record = list_fact("risks", "risks", SAFE.strip(), ["Crowds", "Raw meat"])

        facts.save_fact(deck, risks, record, instructor, base_version=risks.version)

        assert "Sick people" not in offered(deck, "signs")
        changed = [i for i in items_of(deck, "signs") if i.status is Status.DRAFT]
        assert changed
        assert {item.review_note for item in changed} == {decks.edited_note("risks")}


def test_items_retired_or_edited_by_hand_are_not_overwritten(app: Flask, instructor: User) -> None:
    with app.app_context():
        deck = list_deck(instructor)
        hit = [item for item in items_of(deck, "signs") if "Sick people" in (item.options or ())]
        assert len(hit) >= 2
        retired, edited = hit[:2]
        retired.status = Status.RETIRED
        written = db.session.scalars(
            select(ItemVersion.content).where(
                ItemVersion.item_id == edited.id, ItemVersion.version == edited.version
            )
        ).one()
        authoring.restore(edited, written | {"prompt": "My own question?"}, instructor)
        hand_version = edited.version
        retired_before = (retired.version, retired.review_note)
        risks = fact(deck, "risks")
        record = list_fact("risks", "risks", SAFE.strip(), ["Crowds", "Raw meat"])

        report = facts.save_fact(deck, risks, record, instructor, base_version=risks.version)

        assert report is risks
        assert retired.status is Status.RETIRED
        assert (retired.version, retired.review_note) == retired_before
        assert (edited.prompt, edited.version) == ("My own question?", hand_version)
        assert "Sick people" in (edited.options or ())
        assert edited.review_note == decks.linked_note("risks", "edited")


def committed_leaflet(app: Flask) -> None:
    """The leaflet deck with one fact, committed, its items not made yet."""
    with app.app_context():
        deck, _ = leaflet_deck(editor())
        facts.save_fact(deck, None, hands_fact(), editor())
        made = select(Item.id).where(Item.deck_id == deck.id)
        db.session.execute(delete(item_fact).where(item_fact.c.item_id.in_(made)))
        db.session.execute(delete(ItemVersion).where(ItemVersion.item_id.in_(made)))
        db.session.execute(delete(Item).where(Item.deck_id == deck.id))
        db.session.commit()


def leaflet() -> Deck:
    return db.session.scalars(select(Deck).where(Deck.slug == "leaflet")).one()


def editor() -> User:
    """The instructor, in this thread's session."""
    return db.session.scalars(select(User).where(User.role == Role.INSTRUCTOR)).one()


@pytest.mark.postgres
def test_two_generations_at_the_same_moment_add_each_item_once(
    app: Flask, instructor: User
) -> None:
    """A double click on "Make draft items": both requests end well, no item twice."""
    postgres_only()
    committed_leaflet(app)

    def generate() -> int:
        with app.app_context():
            report = decks.regenerate(leaflet(), {"wash-hands"}, editor())
            db.session.commit()
            return report.added

    added = at_the_same_moment(generate, generate)
    with app.app_context():
        uids = list(db.session.scalars(select(Item.uid).where(Item.deck_id == leaflet().id)))
    assert uids and len(uids) == len(set(uids)) == sum(added)


@pytest.mark.postgres
def test_two_retires_at_the_same_moment_retire_once(app: Flask, instructor: User) -> None:
    postgres_only()
    committed_leaflet(app)

    def retire() -> str:
        with app.app_context():
            try:
                facts.retire_fact(fact(leaflet(), "wash-hands"), editor())
            except services.EditConflict:
                return "conflict"
            db.session.commit()
            return "retired"

    assert sorted(at_the_same_moment(retire, retire)) == ["conflict", "retired"]


@pytest.mark.postgres
def test_a_fact_and_an_edit_dropping_its_quote_at_once_cannot_both_succeed(
    app: Flask, instructor: User
) -> None:
    """Whichever comes second sees the other: the source never loses a quoted passage."""
    postgres_only()
    committed_leaflet(app)
    quote = "Call your doctor if your temperature is 38 °C or higher."

    def add_fact() -> str:
        with app.app_context():
            record = hands_fact(id="call-doctor", quote=quote, statement=quote)
            record = {k: v for k, v in record.items() if k not in ("question", "answer")}
            try:
                facts.save_fact(leaflet(), None, record, editor())
            except facts.FactProblems:
                return "refused"
            db.session.commit()
            return "saved"

    def drop_passage() -> str:
        with app.app_context():
            source = db.session.scalars(select(Source).where(Source.key == "patient-leaflet")).one()
            text = LEAFLET.replace(quote + "\n", "")
            try:
                sources.edit_source(
                    source,
                    title=source.title,
                    text=text,
                    base_version=source.version,
                    editor=editor(),
                )
            except sources.SourceProblems:
                return "refused"
            db.session.commit()
            return "saved"

    assert sorted(at_the_same_moment(add_fact, drop_passage)) == ["refused", "saved"]
    with app.app_context():
        source = db.session.scalars(select(Source).where(Source.key == "patient-leaflet")).one()
        quoted = db.session.scalars(select(Fact.quote).where(Fact.source_id == source.id))
        assert all(passage in (source.text or "") for passage in quoted)
