"""``quizapp bank propose``: a document becomes a deck folder that checks and loads as drafts."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Deck, Item
from tests.content.pdfs import FEVER_LINES, text_pdf

DOCUMENTS = Path(__file__).parents[1] / "content" / "propose_docs"
LEAFLET = DOCUMENTS / "low-white-count.md"


def propose(runner: FlaskCliRunner, document: Path, output: Path, *options: str) -> Result:
    args = ["bank", "propose", str(document), "--deck", "low-count", "--output", str(output)]
    return runner.invoke(args=[*args, *options])


def test_the_proposal_folder_passes_check_as_written(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "low-count"
    result = propose(runner, LEAFLET, folder, "--publisher", "City Clinic")
    assert result.exit_code == 0, result.output
    assert "Proposed " in result.output

    deck = yaml.safe_load((folder / "deck.yaml").read_text(encoding="utf-8"))
    assert deck["new_items"] == "draft"
    (source,) = yaml.safe_load((folder / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    assert source["title"] == "Low white cell count"  # the document's first heading
    assert source["publisher"] == "City Clinic"
    text = (folder / "documents" / source["document"]).read_text(encoding="utf-8")
    assert text == LEAFLET.read_text(encoding="utf-8")
    facts = [
        fact
        for path in sorted((folder / "facts").glob("*.yaml"))
        for fact in yaml.safe_load(path.read_text(encoding="utf-8"))["facts"]
    ]
    assert facts and all(fact["quote"] in text for fact in facts)
    assert (folder / "pools.yaml").is_file()

    checked = runner.invoke(args=["bank", "check", str(folder)])
    assert checked.exit_code == 0, checked.output
    assert checked.output.startswith("OK: 1 deck(s)")


def test_every_test_document_gives_a_folder_that_checks(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    pdf = tmp_path / "fever.pdf"
    pdf.write_bytes(text_pdf(FEVER_LINES))
    for document in [*sorted(DOCUMENTS.iterdir()), pdf]:
        folder = tmp_path / document.stem
        result = propose(runner, document, folder)
        assert result.exit_code == 0, result.output
        checked = runner.invoke(args=["bank", "check", str(folder)])
        assert checked.exit_code == 0, (document.name, checked.output)


def test_loading_the_proposal_creates_draft_items_only(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "low-count"
    assert propose(runner, LEAFLET, folder).exit_code == 0

    loaded = runner.invoke(args=["bank", "load", str(folder)])

    assert loaded.exit_code == 0, loaded.output
    with app.app_context():
        deck = db.session.scalars(select(Deck).where(Deck.slug == "low-count")).one()
        statuses = set(db.session.scalars(select(Item.status).where(Item.deck_id == deck.id)))
    assert statuses == {"draft"}


def test_a_document_it_cannot_read_is_refused_in_plain_words(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    scan = tmp_path / "leaflet.docx"
    scan.write_bytes(b"PK\x03\x04")

    result = propose(runner, scan, tmp_path / "out")

    assert result.exit_code == 1
    assert "We cannot read .docx files" in result.output
    assert not (tmp_path / "out").exists()


def test_a_document_too_long_to_propose_from_is_refused_with_what_to_do(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    long = tmp_path / "long.txt"
    long.write_text("Wash your hands often, because germs spread by touch.\n\n" * 2_000)

    result = propose(runner, long, tmp_path / "out")

    assert result.exit_code == 1
    assert "This document is too long to propose facts from at once" in result.output
    assert "Split it into parts." in result.output
    assert not (tmp_path / "out").exists()


def test_an_existing_folder_that_is_not_a_deck_is_not_overwritten(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    other = tmp_path / "notes"
    other.mkdir()
    (other / "todo.txt").write_text("keep me", encoding="utf-8")

    result = propose(runner, LEAFLET, other)

    assert result.exit_code == 1
    assert "not a deck folder" in result.output
    assert (other / "todo.txt").read_text(encoding="utf-8") == "keep me"


def test_a_document_without_candidates_writes_nothing(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Hello there.\n", encoding="utf-8")

    result = propose(runner, note, tmp_path / "out")

    assert result.exit_code == 1
    assert "No candidate facts found in note.txt." in result.output
    assert not (tmp_path / "out").exists()
