"""Instructors write, edit, version and publish items in the browser's forms."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.content import ItemType, Status
from quizapp.extensions import db
from quizapp.models import Item, ItemVersion
from tests.conftest import post_form

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FACT = "granulocyte-lack-threshold"


def item_form(item_type: str, **fields: object) -> dict[str, object]:
    """A complete, valid form for the type, with ``fields`` overriding it."""
    data: dict[str, object] = {
        "topic": "severity",
        "facts": [FACT],
        "prompt": "Below which count is leukopenia called mild?",
        "explanation": "",
    }
    if item_type in ("single", "multiple"):
        data |= {
            "options-0-text": "4.0 × 10⁹/L",
            "options-0-correct": "y",
            "options-1-text": "10 × 10⁹/L",
        }
        if item_type == "multiple":
            data |= {"options-2-text": "Below 4.0", "options-2-correct": "y"}
    elif item_type == "truefalse":
        data |= {
            "prompt": "Mild leukopenia means fewer than 4.0 × 10⁹/L white cells.",
            "truth": "true",
        }
    elif item_type == "numeric":
        data |= {"value": "4.0", "tolerance": "0", "unit": "× 10⁹/L"}
    elif item_type in ("fillin", "qa"):
        data |= {"answer": "4.0 × 10⁹/L", "accept": "4.0\n4 × 10⁹/L"}
    elif item_type == "cloze":
        data |= {"prompt": "Mild leukopenia means a count below {{4.0 × 10⁹/L}}."}
    return data | fields | {"save": "Save"}


def count_items() -> int:
    return db.session.scalar(select(func.count()).select_from(Item))


@pytest.mark.parametrize("item_type", [t.value for t in ItemType])
def test_an_instructor_writes_each_type_as_a_draft(
    app: Flask, bank, instructor_client: FlaskClient, item_type: str
) -> None:
    response = post_form(instructor_client, f"/bank/new/{item_type}", item_form(item_type))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        item = db.session.scalar(select(Item).where(Item.origin == "web"))
        assert item.type is ItemType(item_type)
        assert item.status is Status.DRAFT
        assert [fact.key for fact in item.facts] == [FACT]
        deck = next(deck for deck in bank.decks if deck.id == "leukopenia")
        assert item.explanation == deck.facts[FACT].statement  # none written: the fact's
    page = instructor_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "draft" in page and "Versions" in page


@pytest.mark.parametrize(
    ("item_type", "fields", "message"),
    [
        ("single", {"options-1-correct": "y"}, "Mark exactly one option as correct (now 2)."),
        ("single", {"options-1-text": ""}, "Give at least two options."),
        ("single", {"options-1-text": "4.0  × 10⁹/L "}, "appears twice."),
        ("single", {"weights": "10 × 10⁹/L = 100"}, "Only the correct answer"),
        ("single", {"weights": "Gout = 50"}, "Gout&#39; is not one of the answers."),
        ("single", {"weights": "10 × 10⁹/L = 150"}, "between -100% and 100%"),
        ("single", {"weights": "10 × 10⁹/L = half"}, "answer = percent"),
        ("single", {"text_format": "rtf"}, "Not a valid choice"),
        (
            "multiple",
            {"options-0-correct": "", "options-2-correct": ""},
            "Mark at least one option as correct.",
        ),
        ("numeric", {"tolerance": "-1"}, "The tolerance cannot be negative."),
        ("numeric", {"value": "four"}, "Not a valid float value."),
        (
            "cloze",
            {"prompt": "No deletion here."},
            "The text has no {{…}} deletion: mark each hidden part",
        ),
        ("cloze", {"prompt": "A {{closed}} and an {{open one."}, "has an unmatched {{ or }}"),
        ("fillin", {"answer": ""}, "This field is required."),
        ("fillin", {"accept": "4.0 × 10⁹/L"}, "is listed twice (or equals the answer)."),
        ("truefalse", {"truth": ""}, "Say whether the statement is true or false."),
        ("qa", {"facts": ["no-such-fact"]}, "is not a valid choice"),
        ("qa", {"facts": []}, "Link at least one fact"),
        ("qa", {"prompt": "x" * 2001}, "Keep this under 2000 characters"),
    ],
)
def test_each_rule_is_shown_at_its_field_and_nothing_is_saved(
    app: Flask, bank, instructor_client: FlaskClient, item_type: str, fields: dict, message: str
) -> None:
    with app.app_context():
        before = count_items()
    response = post_form(
        instructor_client, f"/bank/new/{item_type}", item_form(item_type, **fields)
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error"' in html
    with app.app_context():
        assert count_items() == before


def test_preview_shows_the_item_without_saving(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    data = item_form("single") | {"preview": "Preview"}
    del data["save"]
    with app.app_context():
        before = count_items()
    html = post_form(instructor_client, "/bank/new/single", data).get_data(as_text=True)
    assert "Preview: what a learner sees" in html
    assert "Below which count is leukopenia called mild?" in html
    with app.app_context():
        assert count_items() == before


def make_item(app: Flask, client: FlaskClient, **fields: object) -> int:
    response = post_form(client, "/bank/new/fillin", item_form("fillin", **fields))
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


BASE_VERSION = re.compile(r'id="base_version" name="base_version" type="hidden" value="(\d+)"')


def edit(client: FlaskClient, item_id: int, **fields: object):
    """Open the item's edit page and send it back changed, as an instructor does."""
    page = client.get(f"/bank/items/{item_id}/edit").get_data(as_text=True)
    base = BASE_VERSION.search(page)
    assert base, "the edit form carries no base version"
    data = item_form("fillin", **fields) | {"base_version": base.group(1)}
    return post_form(client, f"/bank/items/{item_id}/edit", data)


def test_every_save_is_a_version_and_an_old_one_can_be_restored(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    item_id = make_item(app, instructor_client)
    edit(instructor_client, item_id, prompt="Edited wording?")
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert (item.version, item.prompt) == (2, "Edited wording?")
        assert item.updated_by.display_name == "Ivy Instructor"
    page = instructor_client.get(f"/bank/items/{item_id}").get_data(as_text=True)
    assert "Ivy Instructor" in page and "(current)" in page
    post_form(instructor_client, f"/bank/items/{item_id}/versions/1/restore", {})
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert (item.version, item.prompt) == (3, "Below which count is leukopenia called mild?")
        versions = db.session.scalars(
            select(ItemVersion.version)
            .where(ItemVersion.item_id == item_id)
            .order_by(ItemVersion.version)
        ).all()
        assert versions == [1, 2, 3]


def test_saving_unchanged_content_makes_no_version(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    item_id = make_item(app, instructor_client)
    assert edit(instructor_client, item_id).status_code == 302
    with app.app_context():
        assert db.session.get(Item, item_id).version == 1


def test_editing_a_bank_item_keeps_it_out_of_later_bank_loads(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    from quizapp.bank.services import store

    with app.app_context():
        uid = "leukopenia:fever-most-common-infection-sign:fillin"
        item = db.session.scalar(select(Item).where(Item.uid == uid))
        item_id = item.id
    assert edit(instructor_client, item_id, prompt="Reworded by a teacher?").status_code == 302
    with app.app_context():
        store(bank)
        db.session.commit()
        assert db.session.get(Item, item_id).prompt == "Reworded by a teacher?"


def test_bulk_publish_and_retire(app: Flask, bank, instructor_client: FlaskClient) -> None:
    ids = [make_item(app, instructor_client, prompt=f"Question {n}?") for n in range(3)]
    response = post_form(
        instructor_client, "/bank/status", {"status": "published", "items": [str(i) for i in ids]}
    )
    assert response.status_code == 303
    with app.app_context():
        assert {db.session.get(Item, i).status for i in ids} == {Status.PUBLISHED}
    post_form(instructor_client, "/bank/status", {"status": "retired", "items": [str(ids[0])]})
    with app.app_context():
        assert db.session.get(Item, ids[0]).status is Status.RETIRED
    listing = instructor_client.get("/bank/?status=retired").get_data(as_text=True)
    assert "Question 0?" in listing and "Question 1?" not in listing


def test_browser_filters_and_search(bank, instructor_client: FlaskClient) -> None:
    html = instructor_client.get("/bank/?type=numeric").get_data(as_text=True)
    numeric = [item for item in bank.items if item.type is ItemType.NUMERIC]
    assert f"{len(numeric)} items" in html
    assert "<td>Cloze flashcard</td>" not in html and "<td>Numeric</td>" in html
    found = instructor_client.get("/bank/?q=agranulocytosis").get_data(as_text=True)
    assert "agranulocytosis" in found.lower()
    assert instructor_client.get("/bank/?page=999").status_code == 302  # to the last page
    assert instructor_client.get("/bank/?type=<script>").status_code == 200


def test_instructor_text_is_shown_escaped(app: Flask, bank, instructor_client: FlaskClient) -> None:
    fields = {f"options-{n}-text": f"{XSS} {n}" for n in range(2)} | {
        "prompt": XSS,
        "explanation": XSS,
    }
    response = post_form(instructor_client, "/bank/new/single", item_form("single", **fields))
    item_page = instructor_client.get(response.headers["Location"]).get_data(as_text=True)
    for page in (item_page, instructor_client.get("/bank/").get_data(as_text=True)):
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;" in page


def test_saving_over_a_newer_version_is_a_409_that_keeps_the_text(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    item_id = make_item(app, instructor_client)
    stale = instructor_client.get(f"/bank/items/{item_id}/edit").get_data(as_text=True)
    assert edit(instructor_client, item_id, prompt="Saved first?").status_code == 302
    late = item_form("fillin", prompt="My careful rewording?") | {
        "base_version": BASE_VERSION.search(stale).group(1)
    }
    response = post_form(instructor_client, f"/bank/items/{item_id}/edit", late)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone saved this item (now version 2)" in html
    assert "My careful rewording?" in html
    with app.app_context():
        assert db.session.get(Item, item_id).prompt == "Saved first?"


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e999"])
def test_a_numeric_answer_must_be_a_finite_number(
    app: Flask, bank, instructor_client: FlaskClient, value: str
) -> None:
    response = post_form(instructor_client, "/bank/new/numeric", item_form("numeric", value=value))
    assert response.status_code == 200
    assert "Give the correct value as a finite number." in response.get_data(as_text=True)


def test_hostile_query_strings_and_ids_get_no_500(bank, instructor_client: FlaskClient) -> None:
    hostile = instructor_client.get("/bank/?endpoint=x&_external=1&page=10" + "0" * 30)
    assert hostile.status_code == 302  # to the last page (issue 17), the hostile keys dropped
    assert hostile.headers["Location"].startswith("/bank/?page=")
    assert instructor_client.get("/bank/?q=%00").status_code == 400
    assert instructor_client.get("/bank/items/" + "9" * 30).status_code == 404
    response = post_form(
        instructor_client, "/bank/status", {"status": "published", "items": ["9" * 30]}
    )
    assert response.status_code == 303


def test_multiple_answer_weights_follow_moodles_rules(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    def save(weights: str) -> str:
        form = item_form("multiple", weights=weights)
        page = post_form(instructor_client, "/bank/new/multiple", form).get_data(as_text=True)
        return unescape(page)

    assert "add up to 50%, not 100%" in save("4.0 × 10⁹/L = 50")
    assert "'10 × 10⁹/L' is marked wrong but weighs 50%" in save(
        "4.0 × 10⁹/L = 50\nBelow 4.0 = 50\n10 × 10⁹/L = 50"
    )
    with app.app_context():
        before = count_items()
    save("4.0 × 10⁹/L = 70\nBelow 4.0 = 30\n10 × 10⁹/L = -100")
    with app.app_context():
        assert count_items() == before + 1
        item = db.session.scalar(select(Item).order_by(Item.id.desc()))
        assert item.option_weights == {"4.0 × 10⁹/L": 0.7, "Below 4.0": 0.3, "10 × 10⁹/L": -1}


def test_format_weights_and_answer_feedback_are_shown_and_kept_on_edit(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    extra = {
        "prompt": "Below which count is leukopenia **mild**?",
        "text_format": "markdown",
        "weights": "4.0 = 50",
        "answer_feedback": "4.0 = Give the unit too.",
    }
    item_id = make_item(app, instructor_client, **extra)
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert (item.text_format, item.option_weights) == ("markdown", {"4.0": 0.5})
        assert item.option_feedback == {"4.0": "Give the unit too."}
    page = instructor_client.get(f"/bank/items/{item_id}/edit").get_data(as_text=True)
    assert '<option selected value="markdown">' in page
    assert "4.0 = 50</textarea>" in page and "4.0 = Give the unit too.</textarea>" in page
    assert edit(instructor_client, item_id, **extra).status_code == 302
    with app.app_context():
        assert db.session.get(Item, item_id).version == 1  # nothing changed, nothing dropped
    shown = instructor_client.get(f"/bank/items/{item_id}").get_data(as_text=True)
    assert "<strong>mild</strong>" in shown and "**mild**" not in shown


def test_new_keys_at_their_default_leave_the_content_and_its_hash_as_before(bank) -> None:
    from quizapp.bank.authoring import ItemDraft
    from quizapp.bank.services import content_hash, item_content

    for item in bank.items:
        data = item_content(item)
        assert not {"format", "weights"} & set(data)
        spelled_out = data | {
            "format": "plain",
            "weights": {},
            "feedback": data.get("feedback", {}),
        }
        assert content_hash(spelled_out) == content_hash(data)
        assert ItemDraft.from_content(data).content().keys() <= data.keys() | {"feedback"}
    weighted = item_content(bank.items[0]) | {"format": "html", "weights": {"x": 0.5}}
    assert content_hash(weighted) != content_hash(item_content(bank.items[0]))


def test_html_items_are_linted_by_their_words_not_their_tags(
    instructor_client: FlaskClient, bank
) -> None:
    fields = {"prompt": "<p>Which of these is the <b>mild</b> range?</p>", "text_format": "html"}
    response = post_form(instructor_client, "/bank/new/single", item_form("single", **fields))
    page = instructor_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "cannot be answered with the options covered" in page  # the stem's words are judged
    assert "Which of these is the <b>mild</b> range?" in page  # and shown formatted


def test_line_breaks_typed_in_the_browser_are_stored_as_a_file_writes_them(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    """Browsers send a textarea's line breaks as CRLF; files hold LF. Stored as LF,
    an exported item imported back unchanged makes no version of whitespace."""
    item_id = make_item(app, instructor_client)
    edit(instructor_client, item_id, prompt="Which cells?\r\nName one.", explanation="One.\r\nTwo.")
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert item is not None
        assert (item.prompt, item.explanation) == ("Which cells?\nName one.", "One.\nTwo.")
