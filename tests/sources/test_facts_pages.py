"""Instructors write, edit and retire facts from a passage of a source document."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp import content
from quizapp.content import ItemType, Status
from quizapp.extensions import db
from quizapp.models import Fact, Item, User
from quizapp.sources.forms import FactForm
from tests._requirements import postgres_only
from tests.conftest import Accounts, at_the_same_moment, post_form
from tests.sources.conftest import (
    QUOTE,
    Built,
    add_fact,
    errors,
    fact_form,
    stored_fact,
)


def filled_in(page: str) -> dict[str, str]:
    """What a browser sends for the page's form as it is shown (ticked boxes only)."""
    fields = {
        name: html.unescape(value)
        for tag, name, value in re.findall(
            r'(<input[^>]* name="([^"]+)"[^>]* value="([^"]*)")', page
        )
        if 'type="checkbox"' not in tag or " checked" in tag
    }
    fields |= {
        name: html.unescape(value)
        for name, value in re.findall(
            r'<textarea[^>]* name="([^"]+)"[^>]*>\r?\n?(.*?)</textarea>', page, re.S
        )
    }
    selects = re.findall(r'<select[^>]* name="([^"]+)"[^>]*>(.*?)</select>', page, re.S)
    for name, options in selects:
        chosen = re.search(r'<option selected value="([^"]*)"', options)
        fields[name] = chosen.group(1) if chosen else ""
    return fields


def items_of(app: Flask, fact_id: int) -> list[tuple[ItemType, Status, int]]:
    with app.app_context():
        fact = db.session.get_one(Fact, fact_id)
        items = db.session.scalars(select(Item).where(Item.facts.contains(fact))).all()
        return sorted((item.type, item.status, item.version) for item in items)


def test_a_fact_from_a_quote_makes_draft_items(
    app: Flask, instructor_client: FlaskClient, built: Built
) -> None:
    page = instructor_client.get(f"/bank/sources/{built.source_id}/facts/new").get_data(
        as_text=True
    )
    assert 'id="document"' in page and "Use selection as quote" in page
    assert "js/quote-select.js" in page
    response = post_form(
        instructor_client, f"/bank/sources/{built.source_id}/facts/new", fact_form()
    )
    assert response.status_code == 302, errors(response.get_data(as_text=True))
    fact_id = int(response.headers["Location"].rsplit("/", 1)[1])
    fact = stored_fact(app, fact_id)
    assert fact.key == "washing-your-hands-with-soap-and"  # made from the statement
    assert (fact.quote, fact.source_id, fact.origin, fact.version) == (
        QUOTE,
        built.source_id,
        "web",
        1,
    )
    made = items_of(app, fact_id)
    assert {kind for kind, _, _ in made} == {ItemType.QA, ItemType.TRUEFALSE}
    assert {status for _, status, _ in made} == {Status.DRAFT}
    shown = html.unescape(
        instructor_client.get(response.headers["Location"]).get_data(as_text=True)
    )
    assert f"Fact saved. {len(made)} draft items made." in shown
    assert 'href="/bank/review"' in shown
    assert f"<mark>{QUOTE}</mark>" in shown  # the quote in its context
    assert "What should you wash your hands with before you eat?" in shown


def test_the_record_is_the_bank_files_fact(
    app: Flask, instructor_client: FlaskClient, built: Built
) -> None:
    fact_id = add_fact(
        instructor_client,
        built.source_id,
        key="wash-before-eating",
        accept="soap & water\nsoap and warm water",
        distractors="Hand gel only = Gel does not clean dirty hands.\n"
        "Cold water alone = Water alone leaves germs.",
        cloze="Wash your hands with {{soap and water}} before you eat.",
        critical="y",
        **{
            "false_statements-0-text": "You only need to wash your hands after eating.",
            "false_statements-0-correction": "Wash them before you eat.",
        },
    )
    record: dict[str, Any] = stored_fact(app, fact_id).record
    assert record == {
        "id": "wash-before-eating",
        "topic": "basics",
        "source": "low-white-count-leaflet",
        "quote": QUOTE,
        "statement": "Washing your hands with soap and water before eating keeps germs away.",
        "question": "What should you wash your hands with before you eat?",
        "answer": "Soap and water",
        "accept": ["soap & water", "soap and warm water"],
        "distractors": [
            {"text": "Hand gel only", "why": "Gel does not clean dirty hands."},
            {"text": "Cold water alone", "why": "Water alone leaves germs."},
        ],
        "cloze": "Wash your hands with {{soap and water}} before you eat.",
        "false_statements": [
            {
                "text": "You only need to wash your hands after eating.",
                "correction": "Wash them before you eat.",
            }
        ],
        "critical": True,
    }
    kinds = {kind for kind, _, _ in items_of(app, fact_id)}
    assert {ItemType.QA, ItemType.SINGLE, ItemType.CLOZE, ItemType.TRUEFALSE} <= kinds


def test_a_number_fact(app: Flask, instructor_client: FlaskClient, built: Built) -> None:
    fact_id = add_fact(
        instructor_client,
        built.source_id,
        quote="A white count below 4.0 × 10⁹/L is called leukopenia.",
        statement="Leukopenia is a white count below 4.0 × 10⁹/L.",
        question="",
        answer="",
        number_question="Below what white count, in × 10⁹/L, is it called leukopenia?",
        number_value="4.0",
        number_unit="× 10⁹/L",
    )
    assert stored_fact(app, fact_id).record["number"] == {
        "question": "Below what white count, in × 10⁹/L, is it called leukopenia?",
        "value": 4.0,
        "unit": "× 10⁹/L",
    }
    assert ItemType.NUMERIC in {kind for kind, _, _ in items_of(app, fact_id)}


def test_a_list_fact_with_a_new_kind_of_list(
    app: Flask, instructor_client: FlaskClient, built: Built
) -> None:
    fact_id = add_fact(
        instructor_client,
        built.source_id,
        quote="Common causes include chemotherapy drugs, viral infections and lupus.",
        statement="Chemotherapy drugs, viral infections and lupus can cause a low white count.",
        question="",
        answer="",
        truefalse="",
        new_topic="Causes",
        topic="",
        list_label="causes of a low white count",
        list_member_type="cause",
        list_question="Which of these can cause a low white count?",
        list_members="Chemotherapy drugs\nViral infections\nLupus",
        list_distractors="Eating fruit = Fruit does not lower the white count.\n"
        "Sleeping well = Sleep does not lower the white count.",
        list_claim="{member} can cause a low white count.",
    )
    fact = stored_fact(app, fact_id)
    assert fact.record["topic"] == "causes"
    assert fact.record["list"]["relation"] == "causes-of-a-low-white-count"
    assert fact.record["list"]["members"] == ["Chemotherapy drugs", "Viral infections", "Lupus"]
    assert "truefalse" in fact.record and fact.record["truefalse"] is False
    assert ItemType.MULTIPLE in {kind for kind, _, _ in items_of(app, fact_id)}


def test_a_quote_not_in_the_document_is_refused(
    app: Flask, instructor_client: FlaskClient, built: Built
) -> None:
    typed = "Wash your hands with soap before you eat."  # "and water" left out
    response = post_form(
        instructor_client, f"/bank/sources/{built.source_id}/facts/new", fact_form(quote=typed)
    )
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert any("copied exactly" in message for message in errors(page))
    assert typed in page  # the instructor's text is kept
    with app.app_context():
        assert db.session.scalars(select(Fact)).all() == []


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"statement": ""}, "statement", "Write the fact in your own words."),
        ({"topic": ""}, "topic", "Choose a topic"),
        ({"key": "Not A Key"}, "key", "lowercase letters"),
        ({"answer": ""}, "question", "needs field 'answer'"),
        ({"distractors": "Hand gel ="}, "distractors", "wrong answer = why"),
        ({"cloze": "No gap here."}, "cloze", "{{"),
        ({"list_members": "Soap", "list_label": ""}, "list_relation", ""),
    ],
)
def test_a_broken_fact_is_refused_at_its_field(
    instructor_client: FlaskClient, built: Built, fields: dict[str, str], field: str, message: str
) -> None:
    response = post_form(
        instructor_client, f"/bank/sources/{built.source_id}/facts/new", fact_form(**fields)
    )
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert any(message in found for found in errors(page)), errors(page)


def test_an_edit_regenerates_and_sends_published_items_back_to_review(
    app: Flask, instructor_client: FlaskClient, built: Built
) -> None:
    fact_id = add_fact(instructor_client, built.source_id)
    with app.app_context():
        for item in db.session.scalars(select(Item)):
            item.status = Status.PUBLISHED
        db.session.commit()
    edit = f"/bank/facts/{fact_id}/edit"
    form = instructor_client.get(edit).get_data(as_text=True)
    assert 'name="base_version" type="hidden" value="1"' in form
    assert "Soap and water" in form  # the stored record, back in its fields
    response = post_form(
        instructor_client, edit, fact_form(answer="Soap and warm water", base_version="1")
    )
    assert response.status_code == 302, errors(response.get_data(as_text=True))
    assert stored_fact(app, fact_id).version == 2
    shown = instructor_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "back to drafts for review" in shown
    assert (ItemType.QA, Status.DRAFT, 2) in items_of(app, fact_id)


def test_an_edit_from_an_old_version_is_a_conflict_that_keeps_the_text(
    app: Flask, instructor_client: FlaskClient, built: Built
) -> None:
    fact_id = add_fact(instructor_client, built.source_id)
    edit = f"/bank/facts/{fact_id}/edit"
    first = fact_form(answer="Soap and warm water", base_version="1")
    assert post_form(instructor_client, edit, first).status_code == 302
    mine = fact_form(statement="My own careful wording of the fact.", base_version="1")
    response = post_form(instructor_client, edit, mine)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone saved this fact (now version 2)" in page
    assert "My own careful wording of the fact." in page
    assert stored_fact(app, fact_id).record["answer"] == "Soap and warm water"


def test_retiring_asks_first_then_retires_its_items(
    app: Flask, instructor_client: FlaskClient, built: Built
) -> None:
    add_fact(  # a deck needs a fact left when one is retired
        instructor_client,
        built.source_id,
        quote="Call your care team at once if you have a fever of 38 °C or more.",
        statement="Call your care team at once if you have a fever of 38 °C or more.",
        question="",
        answer="",
    )
    fact_id = add_fact(instructor_client, built.source_id)
    ask = instructor_client.get(f"/bank/facts/{fact_id}/retire").get_data(as_text=True)
    assert "Retire this fact?" in ask and 'method="post"' in ask
    response = post_form(instructor_client, f"/bank/facts/{fact_id}/retire", {})
    assert response.status_code == 303
    assert stored_fact(app, fact_id).retired_at is not None
    assert {status for _, status, _ in items_of(app, fact_id)} == {Status.RETIRED}
    assert "items retired" in instructor_client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    hidden = instructor_client.get("/bank/facts").get_data(as_text=True)
    assert f"/bank/facts/{fact_id}" not in hidden
    shown = instructor_client.get("/bank/facts?retired=1").get_data(as_text=True)
    assert f"/bank/facts/{fact_id}" in shown
    source = instructor_client.get(f"/bank/sources/{built.source_id}").get_data(as_text=True)
    assert f'<mark><a href="/bank/facts/{fact_id}"' not in source  # no longer marked


def test_the_fact_list_filters_by_deck_topic_and_source(
    instructor_client: FlaskClient, built: Built
) -> None:
    fact_id = add_fact(instructor_client, built.source_id)
    link = f'href="/bank/facts/{fact_id}"'
    for query in (
        f"deck={built.deck}",
        "topic=basics",
        f"source={built.source_id}",
        f"deck={built.deck}&topic=basics&source={built.source_id}",
    ):
        assert link in instructor_client.get(f"/bank/facts?{query}").get_data(as_text=True)
    for query in ("deck=other", "topic=other", f"source={built.source_id + 1}"):
        assert link not in instructor_client.get(f"/bank/facts?{query}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/bank/facts"),
        ("GET", "/bank/sources/{source}/facts/new"),
        ("POST", "/bank/sources/{source}/facts/new"),
        ("GET", "/bank/facts/{fact}"),
        ("POST", "/bank/facts/{fact}/edit"),
        ("POST", "/bank/facts/{fact}/retire"),
    ],
)
def test_learners_cannot_reach_facts(
    app: Flask,
    instructor_client: FlaskClient,
    learner_client: FlaskClient,
    built: Built,
    method: str,
    path: str,
) -> None:
    fact_id = add_fact(instructor_client, built.source_id)
    url = path.format(source=built.source_id, fact=fact_id)
    if method == "POST":
        assert post_form(learner_client, url, fact_form()).status_code == 403
    else:
        assert learner_client.get(url).status_code == 403
    assert stored_fact(app, fact_id).version == 1


def test_the_last_fact_of_a_deck_can_be_retired(
    app: Flask, instructor_client: FlaskClient, built: Built
) -> None:
    fact_id = add_fact(instructor_client, built.source_id)
    response = post_form(instructor_client, f"/bank/facts/{fact_id}/retire", {})
    assert response.status_code == 303
    assert stored_fact(app, fact_id).retired_at is not None
    with app.app_context():
        items = db.session.scalars(select(Item).where(Item.uid.startswith(f"{built.deck}:")))
        assert {item.status for item in items} <= {Status.RETIRED}


@pytest.mark.postgres
def test_two_tabs_retiring_a_fact_at_once_both_end_well(
    app: Flask, instructor_client: FlaskClient, accounts: Accounts, instructor: User, built: Built
) -> None:
    postgres_only()
    fact_id = add_fact(instructor_client, built.source_id)
    other = app.test_client()
    accounts.login(other, instructor.email)
    url = f"/bank/facts/{fact_id}/retire"
    statuses = at_the_same_moment(
        *(
            lambda client=client: post_form(client, url, {}).status_code
            for client in (instructor_client, other)
        )
    )
    assert statuses == [303, 303]
    said = [
        instructor_client.get(f"/bank/facts/{fact_id}").get_data(as_text=True),
        other.get(f"/bank/facts/{fact_id}").get_data(as_text=True),
    ]
    assert sum("Someone else changed or retired this fact" in page for page in said) == 1
    assert stored_fact(app, fact_id).retired_at is not None


def test_every_bundled_fact_reads_back_unchanged_from_its_form(
    app: Flask, bank: content.Bank
) -> None:
    """The edit form shows every field of the bank's facts: saving one untouched
    stores the record it was (number, list, false statements, see_also ...)."""
    with app.test_request_context():
        facts = db.session.scalars(select(Fact).order_by(Fact.key)).all()
        assert len(facts) > 50
        for fact in facts:
            deck = fact.topic.deck
            topics = {topic.key: topic.title for topic in deck.topics}
            form = FactForm(topics, deck.extras.get("relations", {}), meta={"csrf": False})
            form.fill(fact.record, topics)
            assert form.record(fact.source.key, fact.record) == fact.record, fact.key


def test_an_untouched_bundled_fact_saves_as_it_was(
    app: Flask, bank: content.Bank, instructor_client: FlaskClient
) -> None:
    with app.app_context():
        fact = db.session.scalars(select(Fact).where(Fact.record["list"].is_not(None))).first()
        assert fact is not None
        fact_id, record = fact.id, fact.record
    edit = f"/bank/facts/{fact_id}/edit"
    form = filled_in(instructor_client.get(edit).get_data(as_text=True))
    response = post_form(instructor_client, edit, form)
    assert response.status_code == 302, errors(response.get_data(as_text=True))
    assert stored_fact(app, fact_id).record == record
