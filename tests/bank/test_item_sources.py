"""An item's source follows from its facts: learners never read "Source: A" above a
quote from B, and an imported item without facts waits as a draft until its facts
are linked in the editor."""

from __future__ import annotations

import io
import json
import re

import yaml
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from quizapp import content
from quizapp.bank import authoring
from quizapp.bank.services import DeckRows
from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import Item, User
from tests.bank.test_authoring import FACT, edit, item_form
from tests.conftest import csrf_token, post_form
from tests.quiz.conftest import Quizzes

PROMPT = "How many white cells per litre mark mild leukopenia?"
GIFT = f"::Q1::{PROMPT} {{=4.0 × 10⁹/L}}\n"
QUOTED = re.compile(r"<blockquote><p>(.*?)</p></blockquote>\s*<figcaption>— <cite>(.*?)</cite>")


def two_sources(bank: content.Bank) -> tuple[content.Fact, content.Fact]:
    """Two facts of the bundled deck, quoted from two different documents."""
    facts = sorted(bank.decks[0].facts.values(), key=lambda fact: fact.id)
    first = facts[0]
    other = next(fact for fact in facts if fact.source != first.source)
    return first, other


def citation(bank: content.Bank, fact: content.Fact) -> str:
    source = bank.decks[0].sources[fact.source]
    by = source.author or source.publisher
    return f"{source.title} ({by})" if by else source.title


def publish(client: FlaskClient, item_id: int) -> str:
    """Ask to publish one item; returns the message the bank page shows."""
    response = post_form(client, "/bank/status", {"status": "published", "items": [str(item_id)]})
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def import_gift(app: Flask, client: FlaskClient) -> int:
    """Upload a Moodle GIFT file with one question and no facts; returns the new item's id."""
    response = client.post(
        "/bank/import",
        data={
            "csrf_token": csrf_token(client, "/bank/import"),
            "deck": "leukopenia",
            "topic": "severity",
            "file": (io.BytesIO(GIFT.encode()), "moodle.gift"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert "1 added" in response.get_data(as_text=True)
    with app.app_context():
        return int(db.session.scalar(select(Item.id).where(Item.prompt == PROMPT)))


def test_the_editor_has_no_source_to_choose_and_groups_facts_by_topic(
    bank, instructor_client: FlaskClient
) -> None:
    page = instructor_client.get("/bank/new/single?deck=leukopenia").get_data(as_text=True)
    assert 'name="source"' not in page
    assert "Source document" not in page
    assert 'id="fact-filter"' in page  # typing filters the facts (static/js/fact-filter.js)
    deck = bank.decks[0]
    for title in deck.topics.values():
        assert f"<summary>{escape(title)} " in page
    assert page.count('name="facts"') == len(deck.facts)
    import_page = instructor_client.get("/bank/import").get_data(as_text=True)
    assert 'name="source"' not in import_page


def test_the_citation_matches_each_quote_of_an_item_citing_two_sources(
    app: Flask,
    bank,
    learner: User,
    learner_client: FlaskClient,
    instructor_client: FlaskClient,
) -> None:
    first, other = two_sources(bank)
    response = post_form(
        instructor_client,
        "/bank/new/fillin?deck=leukopenia",
        item_form("fillin", facts=[other.id, first.id]),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    item_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert item.source.key == first.source  # the first linked fact's, by key
    cited = f"{escape(citation(bank, first))}; {escape(citation(bank, other))}"
    item_page = instructor_client.get(f"/bank/items/{item_id}").get_data(as_text=True)
    assert f"<dd>{cited}</dd>" in item_page
    assert f"Source: <cite>{cited}</cite>" in item_page  # the preview, as learners see it

    assert "1 item set to published" in publish(instructor_client, item_id)
    quizzes = Quizzes(app)
    attempt_id = quizzes.start(learner, [item_id])
    quizzes.answer(attempt_id, 1, right=True)
    page = learner_client.get(f"/quiz/attempt/{attempt_id}/1").get_data(as_text=True)
    assert f"Source: <cite>{cited}</cite>" in page
    shown = set(QUOTED.findall(page))
    assert shown == {
        (str(escape(fact.quote)), str(escape(citation(bank, fact)))) for fact in (first, other)
    }


def test_a_stale_source_in_old_content_is_never_restored(
    app: Flask, bank, instructor: User
) -> None:
    """Versions written before sources followed facts may hold another source: a
    restore derives it again from the facts."""
    first, other = two_sources(bank)
    written = {
        "type": "qa",
        "topic": "severity",
        "facts": [first.id],
        "prompt": "What does the page say?",
        "explanation": first.statement,
        "options": None,
        "answer": "Something",
        "accept": [],
    }
    with app.app_context():
        editor = db.session.get(User, instructor.id)
        deck = DeckRows.of(db.session.scalar(select(Item.deck_id))).topics["severity"].deck
        item = authoring.save(deck, None, authoring.ItemDraft.from_content(written), editor)
        db.session.flush()
        old = written | {"prompt": "Older wording?", "source": other.source}
        assert authoring.restore(item, old, editor)
        assert (item.prompt, item.source.key) == ("Older wording?", first.source)


def test_an_imported_item_without_facts_is_a_draft_linked_later_then_published(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    item_id = import_gift(app, instructor_client)
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert (item.status, item.facts, item.source) == (Status.DRAFT, [], None)

    page = instructor_client.get(f"/bank/items/{item_id}").get_data(as_text=True)
    assert "Preview: what a learner sees" in page and PROMPT in page
    assert "none yet: link its facts" in page
    assert instructor_client.get(f"/bank/items/{item_id}/edit").status_code == 200
    review = instructor_client.get("/bank/review").get_data(as_text=True)
    assert PROMPT in review and "No facts linked" in review

    # A draft may be edited and previewed before its facts are known.
    preview = {k: v for k, v in item_form("fillin", prompt=PROMPT, facts=[]).items() if k != "save"}
    page = post_form(
        instructor_client, f"/bank/items/{item_id}/edit", preview | {"preview": "Preview"}
    ).get_data(as_text=True)
    assert "Preview: what a learner sees" in page and "Source: none yet" in page

    refused = publish(instructor_client, item_id)
    assert "Not published" in refused and "Linked facts" in refused
    with app.app_context():
        assert db.session.get(Item, item_id).status is Status.DRAFT

    assert edit(instructor_client, item_id, prompt=PROMPT).status_code == 302  # links FACT
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert [fact.key for fact in item.facts] == [FACT]
        assert item.source.key == bank.decks[0].facts[FACT].source
    assert "1 item set to published" in publish(instructor_client, item_id)
    with app.app_context():
        assert db.session.get(Item, item_id).status is Status.PUBLISHED


def test_a_published_item_cannot_lose_its_facts_in_the_editor(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    with app.app_context():
        item_id = db.session.scalar(
            select(Item.id).where(Item.status == Status.PUBLISHED, Item.type == "fillin")
        )
    page = edit(instructor_client, item_id, facts=[]).get_data(as_text=True)
    assert "Link at least one fact" in page
    with app.app_context():
        assert db.session.get(Item, item_id).version == 1


def test_an_item_without_facts_exports_in_every_format(
    app: Flask, bank, instructor_client: FlaskClient, learner_client: FlaskClient
) -> None:
    item_id = import_gift(app, instructor_client)
    with app.app_context():
        uid = db.session.get(Item, item_id).uid
    for fmt in ("json", "yaml", "gift", "xml"):
        response = instructor_client.get(f"/bank/export.{fmt}")
        assert response.status_code == 200, fmt
        assert PROMPT in response.get_data(as_text=True), fmt
    exported = json.loads(instructor_client.get("/bank/export.json").get_data(as_text=True))
    (item,) = [item for item in exported["items"] if item["id"] == uid]
    assert (item["facts"], item["source"], item["status"]) == ([], "", "draft")
    as_yaml = yaml.safe_load(instructor_client.get("/bank/export.yaml").get_data(as_text=True))
    assert as_yaml == exported
    # The learners' Anki export holds published cards only, and still works.
    assert learner_client.get("/study/decks/leukopenia/export.apkg").status_code == 200
    # The YAML export, uploaded again, finds the item unchanged.
    again = instructor_client.post(
        "/bank/import",
        data={
            "csrf_token": csrf_token(instructor_client, "/bank/import"),
            "deck": "leukopenia",
            "topic": "severity",
            "file": (io.BytesIO(yaml.safe_dump({"items": [item]}).encode()), "back.yaml"),
        },
        content_type="multipart/form-data",
    )
    assert "0 added (as drafts), 0 updated, 1 unchanged" in again.get_data(as_text=True)
