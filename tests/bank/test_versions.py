"""An item's versions: viewed as learners see them, compared field by field, restored."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from quizapp.bank.versions import Segment, compare, text_diff
from quizapp.extensions import db
from quizapp.models import Item
from tests.bank.test_authoring import edit, make_item
from tests.conftest import post_form

FIRST = "Below which count is leukopenia called mild?"


def page_text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return unescape(response.get_data(as_text=True))


def diff_of(page: str) -> str:
    """The compared fields of a version page, tags kept, spaces squeezed."""
    found = re.search(r'<dl class="version-diff">(.*?)</dl>', page, re.S)
    assert found, "the page shows no field differences"
    return re.sub(r"\s+", " ", found.group(1))


def test_text_diff_marks_removed_and_added_words_only() -> None:
    assert text_diff("Below which count?", "Under which count?") == (
        Segment("del", "Below"),
        Segment("ins", "Under"),
        Segment("same", " which count?"),
    )
    assert text_diff("same", "same") == (Segment("same", "same"),)


def test_compare_reads_every_field_as_a_person_does() -> None:
    before = {
        "type": "single",
        "topic": "severity",
        "source": "medpf",
        "prompt": "Which count?",
        "options": ["4.0", "10"],
        "answer": "4.0",
        "accept": [],
        "explanation": "",
        "facts": ["f1"],
    }
    after = before | {"options": ["4.0", "12"], "weights": {"12": 0.5}, "facts": ["f1", "f2"]}
    changed = {diff.key: diff for diff in compare(before, after) if diff.changed}
    assert set(changed) == {"options", "weights", "facts"}
    assert changed["options"].segments == (
        Segment("same", "4.0\n"),
        Segment("del", "10"),
        Segment("ins", "12"),
    )
    assert changed["weights"].after == "12: 50%"
    assert changed["facts"].before == "f1" and changed["facts"].after == "f1\nf2"


def test_a_version_is_shown_as_learners_see_it_and_compared_before_restoring(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    markdown = {"explanation": "Mild is **below 4.0**.", "text_format": "markdown"}
    item_id = make_item(app, instructor_client, **markdown)
    edit(
        instructor_client,
        item_id,
        prompt="Under which count is leukopenia called mild?",
        **markdown,
    )
    history = page_text(instructor_client, f"/bank/items/{item_id}")
    assert f'href="/bank/items/{item_id}/versions/1"' in history

    page = page_text(instructor_client, f"/bank/items/{item_id}/versions/1")
    assert "Preview: what a learner sees" in page
    assert FIRST in page
    assert "<strong>below 4.0</strong>" in page  # rendered, not the Markdown source
    assert "Restore version 1" in page
    shown = diff_of(page)  # from the current version 2 to version 1
    assert "<dt>Question</dt>" in shown
    assert '<del><span class="visually-hidden">[removed: </span>Under' in shown
    assert '<ins><span class="visually-hidden">[added: </span>Below' in shown
    assert "<dt>Explanation</dt>" not in shown
    assert "Unchanged:" in page and "Explanation" in page

    previous = diff_of(page_text(instructor_client, f"/bank/items/{item_id}/versions/2"))
    assert "[removed: </span>Below" in previous and "[added: </span>Under" in previous
    first = page_text(instructor_client, f"/bank/items/{item_id}/versions/1?compare=previous")
    assert "is the first version: there is none before it" in first
    assert instructor_client.get(f"/bank/items/{item_id}/versions/9").status_code == 404

    restored = post_form(instructor_client, f"/bank/items/{item_id}/versions/1/restore", {})
    assert restored.headers["Location"] == f"/bank/items/{item_id}"
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert (item.version, item.prompt) == (3, FIRST)
    same = page_text(instructor_client, f"/bank/items/{item_id}/versions/1")
    assert "No field differs." in same
