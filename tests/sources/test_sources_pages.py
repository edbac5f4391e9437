"""Instructors make decks and add source documents, pasted or uploaded, in the browser."""

from __future__ import annotations

import html

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.content.documents import MAX_DOCUMENT_BYTES, MAX_PDF_PAGES, NO_TEXT
from quizapp.extensions import db
from quizapp.models import Deck, SourceVersion, Topic
from tests.conftest import post_form
from tests.sources.conftest import (
    LEAFLET,
    QUOTE,
    Built,
    add_fact,
    build_deck,
    errors,
    pdf,
    post_file,
    stored_source,
    upload,
)


def test_a_new_deck_gets_its_short_name_from_the_title(
    app: Flask, instructor_client: FlaskClient
) -> None:
    slug = build_deck(instructor_client, "Hand care & hygiene")
    assert slug == "hand-care-hygiene"
    with app.app_context():
        deck = db.session.scalars(select(Deck).where(Deck.slug == slug)).one()
        assert deck.title == "Hand care & hygiene"
        assert [(t.key, t.title) for t in deck.topics] == [("basics", "Basics")]
    page = instructor_client.get(f"/bank/decks/{slug}").get_data(as_text=True)
    assert "Hand care &amp; hygiene" in page and "Basics" in page and "No source yet" in page


def test_a_taken_short_name_is_refused_with_a_message(instructor_client: FlaskClient) -> None:
    build_deck(instructor_client, "Hand care")
    response = post_form(instructor_client, "/bank/decks/new", {"title": "Hand care"})
    assert response.status_code == 400
    assert any("already exists" in message for message in errors(response.get_data(as_text=True)))


def test_adding_a_topic_twice_keeps_one(app: Flask, instructor_client: FlaskClient) -> None:
    slug = build_deck(instructor_client)
    assert (
        post_form(instructor_client, f"/bank/decks/{slug}/topics", {"title": "Basics"}).status_code
        == 303
    )
    empty = post_form(instructor_client, f"/bank/decks/{slug}/topics", {"title": ""})
    assert empty.status_code == 400
    assert "Give the topic a title." in errors(empty.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalars(select(Topic.key)).all() == ["basics"]


def test_the_deck_list_counts_sources_facts_and_items(
    instructor_client: FlaskClient, built: Built
) -> None:
    add_fact(instructor_client, built.source_id)
    page = instructor_client.get("/bank/decks").get_data(as_text=True)
    row = page.split("<tbody>")[1].split("</tr>")[0]
    cells = [" ".join(cell.split("<")[0].split()) for cell in row.split('<td class="num">')[1:]]
    assert cells[0] == "1"  # one source
    assert '>1<span class="visually-hidden"> facts of Hand care' in row
    assert "draft items of Hand care" in row and "retired items of Hand care" in row


def test_a_pasted_source_shows_its_text_and_citation(
    app: Flask, instructor_client: FlaskClient, built: Built
) -> None:
    source = stored_source(app, built.source_id)
    assert source.text == LEAFLET
    assert (source.key, source.version, source.origin) == ("low-white-count-leaflet", 1, "web")
    page = html.unescape(
        instructor_client.get(f"/bank/sources/{built.source_id}").get_data(as_text=True)
    )
    assert "A white count below 4.0 × 10⁹/L is called leukopenia." in page
    assert "Low white count leaflet (Ward 7)" in page  # what learners see
    assert "Add a fact from this document" in page
    assert "Version 1 (current)" in page


@pytest.mark.parametrize(
    ("name", "data", "title", "line"),
    [
        ("leaflet.txt", LEAFLET.encode(), "Typed title", "A white count below 4.0 × 10⁹/L"),
        ("leaflet.md", ("\ufeff# Hands\r\n\r\n" + LEAFLET).encode(), "Typed title", "# Hands\n\n"),
        (
            "page.html",
            b"<html><head><title>Hand care at home</title></head><body><h1>Hands</h1>"
            b"<p>Wash your hands.</p><ul><li>Soap</li><li>Water</li></ul></body></html>",
            "Hand care at home",
            "Wash your hands.",
        ),
        (
            "leaflet.pdf",
            pdf("Wash your hands.", "Dry them well.", title="PDF leaflet"),
            "PDF leaflet",
            "Dry them well.",
        ),
    ],
)
def test_each_kind_of_file_becomes_a_source(
    app: Flask, instructor_client: FlaskClient, name: str, data: bytes, title: str, line: str
) -> None:
    deck = build_deck(instructor_client)
    fields = {"title": title} if title == "Typed title" else {}
    response = upload(
        instructor_client, f"/bank/decks/{deck}/sources/new", name, data, author="Dr Lee", **fields
    )
    assert response.status_code == 302, errors(response.get_data(as_text=True))
    source = stored_source(app, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert source.title == title  # the document's own, when no title was typed
    assert line in (source.text or "")
    assert "\r" not in (source.text or "")
    assert (source.author, source.seed) == ("Dr Lee", name)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.docx", b"PK\x03\x04", "We cannot read .docx files"),
        ("notes.txt", "café".encode("latin-1"), "not saved as UTF-8"),
        ("scan.pdf", pdf("", ""), NO_TEXT),
        ("long.pdf", pdf(*[""] * (MAX_PDF_PAGES + 1)), f"we read at most {MAX_PDF_PAGES}"),
        ("broken.pdf", b"%PDF-1.4 not really", "could not read this file as a PDF"),
        ("empty.txt", b"  \n", "holds no text"),
    ],
)
def test_a_file_that_cannot_be_used_is_refused_with_the_reason(
    instructor_client: FlaskClient, name: str, data: bytes, message: str
) -> None:
    deck = build_deck(instructor_client)
    response = upload(
        instructor_client, f"/bank/decks/{deck}/sources/new", name, data, title="Notes"
    )
    assert response.status_code == 400
    assert any(message in found for found in errors(html.unescape(response.get_data(as_text=True))))


def test_a_file_just_over_the_document_limit_is_refused(instructor_client: FlaskClient) -> None:
    """The upload form takes documents bigger than the site's other forms allow, up to
    the document limit, and says why it refuses one over it."""
    deck = build_deck(instructor_client)
    response = post_file(
        instructor_client,
        f"/bank/decks/{deck}/sources/new",
        "big.txt",
        b"a" * (MAX_DOCUMENT_BYTES + 1),
    )
    assert response.status_code == 400
    assert "This file is larger than 5 MB. Use a shorter document." in errors(
        response.get_data(as_text=True)
    )


def test_an_upload_far_over_the_limit_says_so(instructor_client: FlaskClient) -> None:
    deck = build_deck(instructor_client)
    too_big = b"a" * (MAX_DOCUMENT_BYTES + 128 * 1024)
    response = post_file(instructor_client, f"/bank/decks/{deck}/sources/new", "big.txt", too_big)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "That file is too large" in page and "up to 5 MB" in page


def test_a_source_needs_a_title_and_text(instructor_client: FlaskClient) -> None:
    deck = build_deck(instructor_client)
    response = post_form(
        instructor_client, f"/bank/decks/{deck}/sources/new", {"title": "", "text": " "}
    )
    assert response.status_code == 400
    found = errors(response.get_data(as_text=True))
    assert any("title" in message for message in found)
    assert "Add the document's text." in found


def test_passages_facts_quote_are_highlighted_and_link_their_fact(
    instructor_client: FlaskClient, built: Built
) -> None:
    fact_id = add_fact(instructor_client, built.source_id)
    page = instructor_client.get(f"/bank/sources/{built.source_id}").get_data(as_text=True)
    assert f'<mark><a href="/bank/facts/{fact_id}"' in page
    marked = page.split("<mark>")[1].split("</mark>")[0]
    assert marked.endswith(f">{QUOTE}</a>")
    assert page.count("<mark>") == 1


def test_an_edit_makes_a_new_version(
    app: Flask, instructor_client: FlaskClient, built: Built
) -> None:
    longer = LEAFLET + "Keep your nails short.\n"
    response = post_form(
        instructor_client,
        f"/bank/sources/{built.source_id}/edit",
        {
            "title": "Low white count leaflet",
            "publisher": "Ward 7",
            "text": longer,
            "base_version": "1",
            "note": "Added nails",
        },
    )
    assert response.status_code == 302, errors(response.get_data(as_text=True))
    source = stored_source(app, built.source_id)
    assert (source.version, source.text, source.note) == (2, longer, "Added nails")
    with app.app_context():
        versions = db.session.scalars(
            select(SourceVersion.version).where(SourceVersion.source_id == built.source_id)
        ).all()
    assert sorted(versions) == [1, 2]
    page = instructor_client.get(f"/bank/sources/{built.source_id}").get_data(as_text=True)
    assert "Version 2 (current)" in page and "Added nails" in page


def test_an_edit_that_drops_a_quote_is_refused_naming_the_fact(
    app: Flask, instructor_client: FlaskClient, built: Built
) -> None:
    add_fact(instructor_client, built.source_id, key="wash-before-eating")
    response = post_form(
        instructor_client,
        f"/bank/sources/{built.source_id}/edit",
        {
            "title": "Leaflet",
            "text": LEAFLET.replace("soap and water", "soap"),
            "base_version": "1",
        },
    )
    assert response.status_code == 400
    assert any(
        "wash-before-eating" in message
        for message in errors(html.unescape(response.get_data(as_text=True)))
    )
    assert stored_source(app, built.source_id).version == 1


def test_an_edit_from_an_old_version_is_a_conflict_that_keeps_the_text(
    instructor_client: FlaskClient, built: Built
) -> None:
    url = f"/bank/sources/{built.source_id}/edit"
    first = {"title": "Leaflet", "text": LEAFLET + "One.\n", "base_version": "1"}
    assert post_form(instructor_client, url, first).status_code == 302
    response = post_form(instructor_client, url, first | {"text": LEAFLET + "Mine.\n"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone saved this source" in page and "Mine." in page


def test_propose_facts_posts_to_the_proposals_page(
    instructor_client: FlaskClient, built: Built
) -> None:
    page = instructor_client.get(f"/bank/sources/{built.source_id}").get_data(as_text=True)
    assert f'action="/bank/proposals/{built.source_id}/start"' in page


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/bank/decks"),
        ("POST", "/bank/decks/new"),
        ("GET", "/bank/decks/{deck}"),
        ("POST", "/bank/decks/{deck}/sources/new"),
        ("GET", "/bank/sources/{source}"),
        ("POST", "/bank/sources/{source}/edit"),
    ],
)
def test_learners_cannot_reach_sources(
    instructor_client: FlaskClient,
    learner_client: FlaskClient,
    built: Built,
    method: str,
    path: str,
) -> None:
    url = path.format(deck=built.deck, source=built.source_id)
    if method == "POST":
        assert post_form(learner_client, url, {"title": "Mine"}).status_code == 403
    else:
        assert learner_client.get(url).status_code == 403
