"""The quality gate where people meet it: ``quizapp bank lint``/``check``, the
instructor's item page, and per-option feedback in the item form."""

from __future__ import annotations

import shutil
from html import escape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from quizapp import content
from quizapp.bank import authoring, gate
from quizapp.bank.authoring import ItemDraft
from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Deck, Fact, Item
from tests.conftest import post_form

from .banks import clean_bank

TEST_TOPIC = Path(__file__).parents[1] / "content" / "topics" / "hand-hygiene"


FLAWED_ITEM = """
  - id: hand-hygiene:unexplained
    type: single
    prompt: How long should a hand wash with soap take?
    options: [10-20 seconds, 40-60 seconds, 2-3 minutes]
    answer: 40-60 seconds
    facts: [wash-duration]
"""


@pytest.fixture
def flawed_bank(tmp_path: Path) -> Path:
    """The hand-hygiene test topic plus a hand-written item whose wrong options nobody explains."""
    deck = tmp_path / "bank" / TEST_TOPIC.name
    shutil.copytree(TEST_TOPIC, deck)
    with (deck / "items.yaml").open("a", encoding="utf-8") as items:
        items.write(FLAWED_ITEM)
    return tmp_path / "bank"


def test_lint_prints_each_finding_then_the_figures_and_exits_1(
    runner: FlaskCliRunner, flawed_bank: Path
) -> None:
    result = runner.invoke(args=["bank", "lint", str(flawed_bank)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    why = "wrong option(s) without feedback saying why: 10-20 seconds; 2-3 minutes"
    assert f"hand-hygiene:unexplained: NO-FEEDBACK: {why}" in lines
    summary = "\n".join(lines[lines.index(next(x for x in lines if " error(s), " in x)) :])
    for figure in (
        "solver always-true on truefalse",
        "solver longest on single",
        "solver familiar on multiple",
        "solver hedged on truefalse",
        "true/false: ",
        "median reading grade: prompts ",
        "stems citing a document: 0",
        "items per fact (max): ",
        "default quizzes (10 questions) asking each core topic: when ",
    ):
        assert figure in summary, figure


def test_lint_of_a_clean_bank_exits_0(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["bank", "lint", str(clean_bank(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "tiny: 1 items, 0 error(s), 0 warning(s)" in result.output
    assert "core topic: n/a" in result.output


def test_check_fails_on_an_item_writing_error(runner: FlaskCliRunner, flawed_bank: Path) -> None:
    result = runner.invoke(args=["bank", "check", str(flawed_bank)])
    assert result.exit_code == 1
    assert "hand-hygiene:unexplained: NO-FEEDBACK: " in result.output
    assert "item-writing error(s)" in result.output
    assert "(warning)" not in result.output  # check shows what fails it; lint shows the rest


def test_default_quizzes_ask_the_core_topic(flawed_bank: Path) -> None:
    (deck,) = content.load_bank(flawed_bank)
    shares = gate.core_share(deck, content.deck_items(deck))
    assert deck.core_topics == ("when",) and shares == {"when": 1.0}


def single_form(fact: str, **why: str) -> dict[str, object]:
    """A single-answer item whose wrong options are 'Sand' and 'Cold water'."""
    data: dict[str, object] = {
        "topic": "prevention",
        "facts": [fact],
        "prompt": "What should you use to clean your hands?",
        "explanation": "",
        "options-0-text": "Soap and water",
        "options-0-correct": "y",
        "options-1-text": "Sand",
        "options-2-text": "Cold water",
        "save": "Save",
    }
    for number, text in why.items():
        data[f"options-{number[-1]}-why"] = text
    return data


@pytest.fixture
def fact(app: Flask, bank: content.Bank) -> str:
    with app.app_context():
        return db.session.scalars(select(Fact.key).order_by(Fact.key)).first()


@pytest.fixture
def stored_single(app: Flask, fact: str) -> int:
    """A single-answer item written in the app, with feedback on one wrong option only."""
    with app.app_context():
        deck = db.session.scalars(select(Deck)).one()
        draft = ItemDraft(
            type=ItemType.SINGLE,
            topic="prevention",
            facts=[fact],
            prompt="What should you use to clean your hands?",
            explanation="",
            options=["Cold water", "Sand", "Soap and water"],
            answer="Soap and water",
            feedback={"Sand": "Sand <b>"},
        )
        item = authoring.save(deck, None, draft, None)
        db.session.commit()
        return item.id


def test_the_item_page_shows_the_items_findings(
    app: Flask, instructor_client: FlaskClient, stored_single: int
) -> None:
    page = instructor_client.get(f"/bank/items/{stored_single}").get_data(as_text=True)
    assert "Item-writing check" in page
    assert "NO-FEEDBACK" in page and "saying why: Cold water" in page
    with app.app_context():
        findings = gate.item_findings(db.session.get(Item, stored_single))
    assert findings
    for finding in findings:
        assert finding.code in page
        assert escape(finding.reason, quote=False) in page.replace("&#39;", "'")


def test_the_form_saves_why_each_wrong_option_is_wrong(
    app: Flask, instructor_client: FlaskClient, fact: str, stored_single: int
) -> None:
    edit_page = instructor_client.get(f"/bank/items/{stored_single}/edit").get_data(as_text=True)
    assert "Sand &lt;b&gt;</textarea>" in edit_page  # the stored feedback is in its field
    both = single_form(fact, why1="Sand scrubs but does not clean.", why2="Cold water alone.")
    saved = post_form(
        instructor_client, f"/bank/items/{stored_single}/edit", both | {"base_version": 1}
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    with app.app_context():
        assert db.session.get(Item, stored_single).option_feedback == {
            "Sand": "Sand scrubs but does not clean.",
            "Cold water": "Cold water alone.",
        }
    page = instructor_client.get(f"/bank/items/{stored_single}").get_data(as_text=True)
    assert "NO-FEEDBACK" not in page


def test_feedback_on_the_correct_option_is_kept_and_too_long_is_refused(
    app: Flask, instructor_client: FlaskClient, fact: str
) -> None:
    # Moodle's per-answer feedback: a right option may have some too (issue 15).
    on_key = post_form(
        instructor_client, "/bank/new/single", single_form(fact, why0="It is right.")
    )
    assert on_key.status_code == 302
    with app.app_context():
        before = db.session.query(Item).count()
        kept = db.session.scalars(select(Item).order_by(Item.id.desc())).first()
        assert kept.option_feedback == {"Soap and water": "It is right."}
    too_long = post_form(instructor_client, "/bank/new/single", single_form(fact, why1="x" * 4001))
    assert too_long.status_code == 200
    assert 'id="options-1-why-error"' in too_long.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Item).count() == before


def publish(client: FlaskClient, item_id: int) -> str:
    """Tick the item in the bank and choose Publish; the page the instructor lands on."""
    form = {"items": str(item_id), "status": "published", "next": "/bank/"}
    return post_form(client, "/bank/status", form, follow_redirects=True).get_data(as_text=True)


def _status(app: Flask, item_id: int) -> str:
    with app.app_context():
        return db.session.get(Item, item_id).status.value


def test_an_item_with_an_item_writing_error_cannot_be_published(
    app: Flask, instructor_client: FlaskClient, stored_single: int
) -> None:
    page = publish(instructor_client, stored_single)
    assert "fix the item-writing errors" in page
    assert "set to published" not in page
    assert _status(app, stored_single) == "draft"


def test_publishing_works_once_the_error_is_fixed_and_an_edit_that_breaks_it_withdraws_it(
    app: Flask, instructor_client: FlaskClient, fact: str, stored_single: int
) -> None:
    explained = single_form(fact, why1="Sand does not clean.", why2="Cold water alone is weak.")
    post_form(
        instructor_client, f"/bank/items/{stored_single}/edit", explained | {"base_version": 1}
    )
    published = publish(instructor_client, stored_single)
    assert "1 item set to published" in published
    assert _status(app, stored_single) == "published"

    unexplained = single_form(fact, why1="Sand does not clean.")  # "Cold water" loses its why
    page = post_form(
        instructor_client,
        f"/bank/items/{stored_single}/edit",
        unexplained | {"base_version": 2},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Moved back to drafts" in page and "NO-FEEDBACK" in page
    assert _status(app, stored_single) == "draft"


def test_the_item_page_and_the_preview_show_why_each_wrong_option_is_wrong(
    instructor_client: FlaskClient, fact: str, stored_single: int
) -> None:
    page = instructor_client.get(f"/bank/items/{stored_single}").get_data(as_text=True)
    assert "Why the wrong options are wrong" in page
    assert "<dt>Sand</dt><dd>Sand &lt;b&gt;</dd>" in page
    preview = post_form(
        instructor_client,
        f"/bank/items/{stored_single}/edit",
        single_form(fact, why1="Sand does not clean.")
        | {"base_version": 1, "save": "", "preview": "Preview"},
    ).get_data(as_text=True)
    assert "<dt>Sand</dt><dd>Sand does not clean.</dd>" in preview
