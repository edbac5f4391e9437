"""Import and export of the bank: GIFT for Moodle and the project's YAML/JSON."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete, func, select

from quizapp.bank.services import CONTENT_FIELDS, stored_items
from quizapp.content import ItemType, Status
from quizapp.extensions import db
from quizapp.models import Item, ItemVersion
from tests.conftest import csrf_token

MOODLE_FILE = Path(__file__).parent / "moodle-export.gift"
QUESTION_TYPES = {
    ItemType.SINGLE,
    ItemType.MULTIPLE,
    ItemType.TRUEFALSE,
    ItemType.FILLIN,
    ItemType.NUMERIC,
}
DUPLICATE_OPTIONS = b"""items:
  - id: x
    type: single
    prompt: Pick one
    options: [A, A]
    answer: A
"""
COMPARED = ("id", "deck", "feedback", *CONTENT_FIELDS)


def snapshot(app: Flask, types: set[ItemType]) -> dict[str, dict]:
    with app.app_context():
        return {
            item.id: {key: item.to_dict()[key] for key in COMPARED}
            for item in stored_items()
            if item.type in types
        }


def bank_state(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Item)),
            db.session.scalar(select(func.count()).select_from(ItemVersion)),
            db.session.scalar(
                select(func.count()).select_from(Item).where(Item.status == Status.DRAFT)
            ),
        )


def forget_items(app: Flask) -> None:
    with app.app_context():
        db.session.execute(delete(Item))
        db.session.commit()


@pytest.mark.parametrize(
    ("fmt", "types"), [("gift", QUESTION_TYPES), ("yaml", set(ItemType)), ("json", set(ItemType))]
)
def test_an_export_imports_back_to_the_same_items(
    app: Flask, bank, runner: FlaskCliRunner, tmp_path: Path, fmt: str, types: set[ItemType]
) -> None:
    before = snapshot(app, types)
    exported = tmp_path / f"bank.{fmt}"
    assert (
        runner.invoke(args=["bank", "export", "--format", fmt, "--output", str(exported)]).exit_code
        == 0
    )
    again = runner.invoke(args=["bank", "import", str(exported)])
    assert again.exit_code == 0, again.output
    assert f"0 added, 0 updated, {len(before)} unchanged" in again.output

    forget_items(app)
    result = runner.invoke(args=["bank", "import", str(exported)])
    assert result.exit_code == 0, result.output
    assert f"{len(before)} added" in result.output
    assert snapshot(app, types) == before
    with app.app_context():
        assert set(db.session.scalars(select(Item.status).distinct())) == {Status.DRAFT}


def test_a_file_with_one_bad_question_is_refused_whole(
    app: Flask, bank, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    state = bank_state(app)
    bad = tmp_path / "bad.gift"
    bad.write_text(
        "::good::What is the unit of the threshold?{=× 10⁹/L}\n\n"
        "::broken::Which grade needs isolation?{=Severe ~Mild\n\n"
        "::also-good::Leukopenia can be graded.{T}\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["bank", "import", str(bad)])
    assert result.exit_code == 1
    assert "bad.gift:3:" in result.output
    assert "nothing was imported" in result.output
    assert bank_state(app) == state


def test_a_moodle_file_arrives_as_drafts_that_need_facts_before_publishing(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    count, _, drafts = bank_state(app)
    response = instructor_client.post(
        "/bank/import",
        data={
            "csrf_token": csrf_token(instructor_client, "/bank/import"),
            "deck": "leukopenia",
            "topic": "symptoms",
            "source": "medpf",
            "file": (io.BytesIO(MOODLE_FILE.read_bytes()), "moodle-style.gift"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    new_count, _, new_drafts = bank_state(app)
    assert new_count > count and new_drafts - drafts == new_count - count
    with app.app_context():
        imported = db.session.scalars(
            select(Item).where(Item.uid.like("leukopenia:import:%"))
        ).all()
        assert imported and {item.topic.key for item in imported} <= {
            "symptoms",
            "severity",
            "definition",
        }
        ids = [str(item.id) for item in imported if not item.facts]
    assert ids
    page = instructor_client.post(
        "/bank/status",
        data={
            "csrf_token": csrf_token(instructor_client, "/bank/"),
            "status": "published",
            "items": ids,
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Not published" in page and "Link at least one fact" in page
    with app.app_context():
        assert {db.session.get(Item, int(i)).status for i in ids} == {Status.DRAFT}


def test_refused_upload_lists_every_problem_and_changes_nothing(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    state = bank_state(app)
    response = instructor_client.post(
        "/bank/import",
        data={
            "csrf_token": csrf_token(instructor_client, "/bank/import"),
            "deck": "leukopenia",
            "topic": "symptoms",
            "source": "medpf",
            "file": (
                io.BytesIO(DUPLICATE_OPTIONS),
                "items.yaml",
            ),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The file was not imported." in html
    assert "items.yaml:2:" in html and "appears twice" in html
    assert bank_state(app) == state


def test_an_oversized_upload_gets_413(bank, instructor_client: FlaskClient) -> None:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="huge.gift"\r\n\r\n'
        + b"x" * (3 * 1024 * 1024)
        + b"\r\n--b--\r\n"
    )
    response = instructor_client.post(
        "/bank/import", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 413
    assert "larger than this site accepts" in response.get_data(as_text=True)


def test_exports_download_as_files(bank, instructor_client: FlaskClient) -> None:
    gift = instructor_client.get("/bank/export.gift")
    assert gift.headers["Content-Disposition"] == 'attachment; filename="quizapp-bank.gift"'
    numeric = next(item for item in bank.items if item.type is ItemType.NUMERIC)
    assert "::" + numeric.id.replace(":", "\\:") + "::" in gift.get_data(as_text=True)
    assert instructor_client.get("/bank/export.csv").status_code == 404


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (
            "type: numeric\n    prompt: How many?\n    answer: four",
            "Give the correct value as a number.",
        ),
        ("type: numeric\n    prompt: How many?\n    answer: {value: abc}", "finite number"),
        (
            "type: multiple\n    prompt: Pick\n    options: [a, b, c]\n    answer: [a, x]",
            "The correct answer 'x' is not one of the options.",
        ),
        ("type: truefalse\n    prompt: Is it?\n    answer: maybe", "true or false"),
        (
            f"id: leukopenia:{'x' * 200}\n    type: qa\n    prompt: Q?\n    answer: A",
            "longer than 200",
        ),
        ("type: qa\n    prompt: &p Q?\n    answer: *p", "aliases (*name) are not allowed"),
    ],
)
def test_an_import_with_a_malformed_answer_is_refused(
    app: Flask, bank, runner: FlaskCliRunner, tmp_path: Path, entry: str, reason: str
) -> None:
    state = bank_state(app)
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"items:\n  - {entry}\n", encoding="utf-8")
    result = runner.invoke(args=["bank", "import", str(bad)])
    assert result.exit_code == 1, result.output
    assert reason in result.output
    assert bank_state(app) == state


def test_option_feedback_is_exported_and_imported_back(
    app: Flask, bank, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """Why each wrong option is wrong survives YAML, JSON and GIFT (``~option#why``)."""
    explained = {item.id: dict(item.feedback) for item in bank.items if item.feedback}
    assert explained
    for fmt in ("yaml", "json", "gift"):
        exported = tmp_path / f"bank.{fmt}"
        args = ["bank", "export", "--format", fmt, "--output", str(exported)]
        assert runner.invoke(args=args).exit_code == 0
        assert "feedback" in exported.read_text(encoding="utf-8") or fmt == "gift"
        forget_items(app)
        result = runner.invoke(args=["bank", "import", str(exported)])
        assert result.exit_code == 0, result.output
        with app.app_context():
            stored = {item.id: dict(item.feedback) for item in stored_items() if item.feedback}
        assert stored == explained
