"""``quizapp bank export --format folder``: the stored bank as deck folders that
pass ``bank check`` and load elsewhere into the same items."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from quizapp import content
from quizapp.bank import facts
from quizapp.extensions import db
from quizapp.models import Item, User
from tests.conftest import build_app

from .stored import LEAFLET, hands_fact, leaflet_deck


def stored_items(app: Flask) -> dict[str, tuple[str, str]]:
    """Every item that is not retired: uid -> (content hash, source key)."""
    with app.app_context():
        rows = db.session.scalars(select(Item).where(Item.status != content.Status.RETIRED))
        return {row.uid: (row.content_hash, row.source.key if row.source else "") for row in rows}


def fresh_app(tmp_path: Path) -> Flask:
    app = build_app(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    with app.app_context():
        db.create_all()
    return app


def test_the_bundled_bank_goes_round_trip_through_a_folder(
    app: Flask, bank: content.Bank, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    exported = runner.invoke(args=["bank", "export", "--format", "folder", "--output", str(out)])
    assert exported.exit_code == 0, exported.output
    assert (out / "leukopenia" / "deck.yaml").is_file()
    checked = runner.invoke(args=["bank", "check", str(out)])
    assert checked.exit_code == 0, checked.output

    elsewhere = fresh_app(tmp_path)
    loaded = elsewhere.test_cli_runner().invoke(args=["bank", "load", str(out)])
    assert loaded.exit_code == 0, loaded.output
    assert stored_items(elsewhere) == stored_items(app)
    with elsewhere.app_context():
        db.engine.dispose()


def test_a_deck_built_in_the_app_loads_elsewhere_with_its_document(
    app: Flask, instructor: User, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with app.app_context():
        deck, _ = leaflet_deck(instructor)
        facts.save_fact(deck, None, hands_fact(), instructor)
        db.session.commit()
    out = tmp_path / "leaflet"
    args = ["bank", "export", "--format", "folder", "--deck", "leaflet", "--output", str(out)]
    exported = runner.invoke(args=args)
    assert exported.exit_code == 0, exported.output
    assert (out / "documents" / "patient-leaflet.txt").read_text(encoding="utf-8") == LEAFLET
    assert "document: patient-leaflet.txt" in (out / "sources.yaml").read_text(encoding="utf-8")

    elsewhere = fresh_app(tmp_path)
    loaded = elsewhere.test_cli_runner().invoke(args=["bank", "load", str(out)])
    assert loaded.exit_code == 0, loaded.output
    assert set(stored_items(elsewhere)) == set(stored_items(app))
    with elsewhere.app_context():
        statuses = set(db.session.scalars(select(Item.status)))
        db.engine.dispose()
    assert statuses == {content.Status.DRAFT}  # not reviewed here, so not published there


def test_a_folder_export_needs_a_folder_and_a_known_deck(
    app: Flask, bank: content.Bank, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    missing = runner.invoke(args=["bank", "export", "--format", "folder"])
    assert missing.exit_code != 0 and "--output DIR" in missing.output
    args = ["bank", "export", "--format", "folder", "--deck", "nope", "--output", str(tmp_path)]
    unknown = runner.invoke(args=args)
    assert unknown.exit_code != 0 and "No deck 'nope'" in unknown.output
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    args[4:6] = ["--deck", "leukopenia"]
    refused = runner.invoke(args=args)
    assert refused.exit_code != 0 and "is not empty" in refused.output
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_the_other_formats_still_go_to_stdout_or_a_file(
    app: Flask, bank: content.Bank, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    printed = runner.invoke(args=["bank", "export", "--format", "json"])
    assert printed.exit_code == 0 and '"items"' in printed.output
    target = tmp_path / "bank.gift"
    written = runner.invoke(args=["bank", "export", "--format", "gift", "--output", str(target)])
    assert written.exit_code == 0 and "::" in target.read_text(encoding="utf-8")
