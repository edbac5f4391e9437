"""Small fixes of issue 17: a page past the end goes to the last page; a bulk action
that fails says so in one message."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import Item, User
from tests.bank.test_authoring import make_item
from tests.classes.conftest import Classes
from tests.conftest import Accounts, post_form
from tests.quiz.conftest import Quizzes

FLASH = re.compile(r'<p class="flash flash-(\w+)" role="status">(.*?)</p>', re.S)


def test_a_page_past_the_end_of_the_bank_goes_to_the_last_page_keeping_the_filters(
    bank, instructor_client: FlaskClient
) -> None:
    first = unescape(instructor_client.get("/bank/?topic=severity").get_data(as_text=True))
    pages = re.search(r"page 1 of (\d+)", first)
    last = pages.group(1) if pages else "1"

    response = instructor_client.get("/bank/?topic=severity&page=999")
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/bank/"
    assert parse_qs(target.query) == {"topic": ["severity"], "page": [last]}

    empty = urlsplit(instructor_client.get("/bank/?page=9&q=no-such-words").headers["Location"])
    assert parse_qs(empty.query) == {"q": ["no-such-words"], "page": ["1"]}
    assert instructor_client.get("/bank/?page=1&q=no-such-words").status_code == 200


def test_the_whole_bank_past_its_end_shows_page_n_of_n(
    bank, instructor_client: FlaskClient
) -> None:
    page = instructor_client.get("/bank/?page=999", follow_redirects=True).get_data(as_text=True)
    shown = re.search(r"page (\d+) of (\d+)", page)
    assert shown and shown.group(1) == shown.group(2) != "1"


def test_history_pages_past_the_end_go_to_the_last_page(
    app: Flask,
    bank,
    accounts: Accounts,
    instructor: User,
    instructor_client: FlaskClient,
    learner_client: FlaskClient,
) -> None:
    build = Classes(app, accounts, Quizzes(app))
    assert learner_client.get("/quiz/history?page=999").headers["Location"] == (
        "/quiz/history?page=1"
    )
    classroom = build.classroom(instructor, "Mine")
    member = build.learner("Member", classroom)
    learner_page = f"/classes/{classroom}/learners/{member.id}"
    response = instructor_client.get(learner_page + "?page=999")
    assert response.headers["Location"] == learner_page + "?page=1"


def flashes(client: FlaskClient, data: dict[str, object]) -> list[tuple[str, str]]:
    page = post_form(client, "/bank/status", data, follow_redirects=True)
    return [(kind, " ".join(text.split())) for kind, text in FLASH.findall(page.get_data(True))]


def test_a_failed_bulk_publish_shows_one_clear_message(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    unlinked = make_item(app, instructor_client, prompt="Without a fact?")
    linked = make_item(app, instructor_client)
    with app.app_context():  # as an import without facts leaves an item
        item = db.session.get(Item, unlinked)
        item.facts, uid = [], item.uid
        db.session.commit()
    publish = {"status": "published", "next": "/bank/"}

    only_failing = flashes(instructor_client, publish | {"items": [str(unlinked)]})
    assert len(only_failing) == 1
    kind, text = only_failing[0]
    assert kind == "error" and text.startswith(f"Not published: {uid} — Link at least one fact")
    assert "set to published" not in text

    mixed = flashes(instructor_client, publish | {"items": [str(unlinked), str(linked)]})
    assert len(mixed) == 1
    assert mixed[0][1].startswith("1 item set to published. Not published: " + uid)

    gone = flashes(instructor_client, publish | {"items": ["999999"]})
    assert gone == [("error", "None of the ticked items exists any more: reload the page.")]
