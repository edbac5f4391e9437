"""Import and export of the bank: GIFT for Moodle and the project's YAML/JSON."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete, func, select

from quizapp.bank.services import CONTENT_FIELDS, stored_items
from quizapp.content import ItemType, Status
from quizapp.extensions import db
from quizapp.models import Item, ItemVersion
from tests.bank.moodle import moodle_rewrite
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
    ("fmt", "types"),
    [
        ("gift", QUESTION_TYPES),
        ("xml", QUESTION_TYPES),
        ("yaml", set(ItemType)),
        ("json", set(ItemType)),
    ],
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
            "file": (io.BytesIO(MOODLE_FILE.read_bytes()), "moodle-style.gift"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "Imported" in response.get_data(as_text=True)
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
            "items[0].answer: must be a mapping",
        ),
        (
            "type: numeric\n    prompt: How many?\n    answer: {value: abc}",
            "items[0].answer.value: must be a number",
        ),
        (
            "type: multiple\n    prompt: Pick\n    options: [a, b, c]\n    answer: [a, x]",
            "The correct answer 'x' is not one of the options.",
        ),
        ("type: truefalse\n    prompt: Is it?\n    answer: maybe", "true or false"),
        (
            f"id: leukopenia:{'x' * 200}\n    type: qa\n    prompt: Q?\n    answer: A",
            "at most 200 are allowed",
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


# --- Moodle round trips, identity, categories, skipped questions -----------------


def cli_export(runner: FlaskCliRunner, tmp_path: Path, fmt: str) -> str:
    path = tmp_path / f"export.{fmt}"
    result = runner.invoke(args=["bank", "export", "--format", fmt, "--output", str(path)])
    assert result.exit_code == 0, result.output
    return path.read_text(encoding="utf-8")


def cli_import(runner: FlaskCliRunner, path: Path, text: str | bytes, *options: str):
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return runner.invoke(args=["bank", "import", *options, str(path)])


def stored(app: Flask, uid: str) -> dict:
    with app.app_context():
        return next(item.to_dict() for item in stored_items() if item.id == uid)


def versions(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ItemVersion))


def upload(client: FlaskClient, name: str, data: bytes, **fields: str):
    return client.post(
        "/bank/import",
        data={
            "csrf_token": csrf_token(client, "/bank/import"),
            "deck": "leukopenia",
            "topic": "symptoms",
            "file": (io.BytesIO(data), name),
            **fields,
        },
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("keep_tags", [False, True], ids=["comments-dropped", "moodle-3.6-tags"])
def test_a_moodle_round_trip_leaves_the_bank_byte_identical(
    app: Flask, bank, runner: FlaskCliRunner, tmp_path: Path, keep_tags: bool
) -> None:
    """Export → Moodle writes it back (metadata comments gone, $course$ categories)
    → import → export again: the same bytes, and not one new version."""
    gift, json_before = cli_export(runner, tmp_path, "gift"), cli_export(runner, tmp_path, "json")
    count = versions(app)
    questions = gift.count("\n::")

    result = cli_import(runner, tmp_path / "back.gift", moodle_rewrite(gift, keep_tags))

    assert result.exit_code == 0, result.output
    assert f"0 added, 0 updated, {questions} unchanged" in result.output
    assert cli_export(runner, tmp_path, "gift") == gift
    assert cli_export(runner, tmp_path, "json") == json_before
    assert versions(app) == count


def test_moodle_xml_matches_by_idnumber_whatever_the_name(
    app: Flask, bank, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """A Moodle user may rename a question; the idnumber still names our item."""
    xml, count = cli_export(runner, tmp_path, "xml"), versions(app)
    renamed = re.sub(r"<name>\s*<text>[^<]*</text>", "<name><text>Q1</text>", xml)
    untagged = re.sub(r"<tags>.*?</tags>", "", renamed, flags=re.DOTALL)
    assert untagged.count("<text>Q1</text>") == xml.count("<idnumber>") > 0

    result = cli_import(runner, tmp_path / "renamed.xml", untagged)

    assert result.exit_code == 0, result.output
    assert f"0 added, 0 updated, {xml.count('<idnumber>')} unchanged" in result.output
    assert cli_export(runner, tmp_path, "xml") == xml
    assert versions(app) == count


def test_a_question_edited_in_moodle_changes_only_what_was_edited(
    app: Flask, bank, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """Facts, source, topic and unit survive; a change that still passes the
    publishing rules stays published, one that breaks them goes back to drafts."""
    single = next(
        i for i in bank.items if i.type is ItemType.SINGLE and i.status is Status.PUBLISHED
    )
    numeric = next(i for i in bank.items if i.type is ItemType.NUMERIC and i.answer.unit)
    before_single, before_numeric = stored(app, single.id), stored(app, numeric.id)
    value = f"{numeric.answer.value}:{numeric.answer.tolerance}"
    back = moodle_rewrite(cli_export(runner, tmp_path, "gift"), keep_tags=False)
    edited = back.replace(f"=%100%{value}#", f"=%100%{numeric.answer.value}:0.25#").replace(
        f"::{single.prompt}{{", f"::{single.prompt} Choose one.{{"
    )
    assert edited.count("0.25#") == 1 and "Choose one." in edited

    result = cli_import(runner, tmp_path / "edited.gift", edited)

    assert result.exit_code == 0, result.output
    assert "0 added, 2 updated" in result.output
    after_single, after_numeric = stored(app, single.id), stored(app, numeric.id)
    assert after_single["prompt"] == single.prompt + " Choose one."
    assert after_numeric["answer"] == before_numeric["answer"] | {"tolerance": 0.25}
    for before, after in ((before_single, after_single), (before_numeric, after_numeric)):
        assert {k: after[k] for k in ("facts", "source", "topic", "status")} == {
            k: before[k] for k in ("facts", "source", "topic", "status")
        }

    broken = edited.replace(f"\t={single.answer}\n", f"\t={single.answer}\n\t~All of the above\n")
    result = cli_import(runner, tmp_path / "broken.gift", broken)
    assert result.exit_code == 0, result.output
    assert f"moved back to drafts: {single.id}: OF-THE-ABOVE" in result.output
    assert stored(app, single.id)["status"] == "draft"
    assert stored(app, single.id)["facts"] == before_single["facts"]


def test_a_foreign_name_is_a_label_not_an_identity(
    app: Flask, bank, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    first = cli_import(runner, tmp_path / "a.gift", "::Q1::The heart has four chambers.{T}\n")
    second = cli_import(runner, tmp_path / "b.gift", "::Q1::Water is H2O2.{F}\n")
    again = cli_import(runner, tmp_path / "a.gift", "::Q1::The heart has four chambers.{T}\n")

    assert "1 added, 0 updated" in first.output and "1 added, 0 updated" in second.output
    assert "0 added, 0 updated, 1 unchanged" in again.output
    with app.app_context():
        prompts = {
            item.prompt for item in stored_items() if item.id.startswith("leukopenia:import:")
        }
    assert prompts == {"The heart has four chambers.", "Water is H2O2."}


def test_repeated_clashing_and_long_names_import_as_separate_items(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    """Moodle's own fixtures repeat names; 'Q 1' and 'Q/1' once crashed with a 500."""
    gift = (
        "::Same::First question?{T}\n\n::Same::Second question?{F}\n\n"
        "::Q 1::Third question?{T}\n\n::Q/1::Fourth question?{F}\n\n"
        f"::{'x' * 300}::Fifth question?{{T}}\n"
    ).encode()
    count = bank_state(app)[0]

    first = upload(instructor_client, "names.gift", gift)
    again = upload(instructor_client, "names.gift", gift)

    assert first.status_code == 200 and again.status_code == 200
    assert "5 added (as drafts), 0 updated, 0 unchanged" in first.get_data(as_text=True)
    assert "0 added (as drafts), 0 updated, 5 unchanged" in again.get_data(as_text=True)
    assert bank_state(app)[0] == count + 5


@pytest.mark.parametrize(
    ("category", "topic"),
    [
        ("$course$/top/leukopenia/causes", "causes"),
        ("$system$/top/Leukopenia/Causes of leukopenia", "causes"),
        ("$course$/top/SYMPTOMS", "symptoms"),
        ("leukopenia/prevention", "prevention"),
        ("$course$/top/Default for Leukopenia", "definition"),
    ],
)
def test_a_moodle_category_names_the_topic(
    app: Flask, bank, runner: FlaskCliRunner, tmp_path: Path, category: str, topic: str
) -> None:
    """Unknown categories land in the deck's first topic; a new item without facts has no
    source until its facts are linked."""
    gift = f"$CATEGORY: {category}\n\n::New::A brand new question?{{T}}\n"
    result = cli_import(runner, tmp_path / "cat.gift", gift)
    assert result.exit_code == 0, result.output
    with app.app_context():
        item = next(i for i in stored_items() if i.prompt == "A brand new question?")
    assert (item.topic, item.source, item.status) == (topic, "", Status.DRAFT)


UNSUPPORTED = (
    "::Good::Fever can be a sign of infection.{T}\n\n"
    "::Essay::Describe neutropenia.{}\n\n"
    "::Match::Match them.{=a -> 1 =b -> 2 =c -> 3}\n"
)


def test_unsupported_questions_are_listed_and_skipped_only_when_asked(
    app: Flask, bank, instructor_client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    state = bank_state(app)
    asked = upload(instructor_client, "mixed.gift", UNSUPPORTED.encode())
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "not imported yet" in page
    assert "mixed.gift:3:" in page and "mixed.gift:5:" in page
    assert bank_state(app) == state

    refused = cli_import(runner, tmp_path / "mixed.gift", UNSUPPORTED)
    assert refused.exit_code == 1 and "--import-the-rest" in refused.output
    assert bank_state(app) == state

    done = upload(instructor_client, "mixed.gift", UNSUPPORTED.encode(), import_rest="y")
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and "1 added (as drafts)" in page
    assert "Skipped" in page and "mixed.gift:3:" in page and "mixed.gift:5:" in page
    result = cli_import(runner, tmp_path / "mixed.gift", UNSUPPORTED, "--import-the-rest")
    assert result.exit_code == 0 and "0 added, 0 updated, 1 unchanged" in result.output
    assert "warning: mixed.gift:3:" in result.output


def test_well_formed_questions_it_cannot_hold_are_not_called_unsupported_types(
    app: Flask, bank, instructor_client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    unusable = (
        "::Good::Fever can be a sign of infection.{T}\n\n"
        "::Twice::Which is a white cell?{=neutrophil ~platelet ~platelet}\n\n"
        "::None::Which is a white cell?{~platelet ~red cell}\n"
    )
    result = cli_import(runner, tmp_path / "unusable.gift", unusable, "--import-the-rest")
    assert result.exit_code == 0, result.output
    assert "warning: unusable.gift:3:" in result.output
    assert "warning: unusable.gift:5:" in result.output
    assert "Skipped: 2 question(s) this product cannot hold (see the lines)." in result.output
    refused = cli_import(runner, tmp_path / "unusable.gift", unusable)
    assert "2 question(s) this product cannot hold; nothing was imported." in refused.output
    page = upload(instructor_client, "unusable.gift", unusable.encode()).get_data(as_text=True)
    assert "These questions cannot be held by this product" in page
    for said in (result.output, refused.output, page):
        assert "unsupported types" not in said and "types this site does not have" not in said


def test_what_cannot_be_kept_is_listed_line_by_line(
    app: Flask, bank, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    gift = (
        "// [tag:quizapp-fact:no-such-fact]\n"
        "::Known::Fever can be a sign of infection when the count is low.{T}\n"
    )
    result = cli_import(runner, tmp_path / "lossy.gift", gift)
    assert result.exit_code == 0, result.output
    assert "warning: lossy.gift:2: fact(s) no-such-fact not in this deck: left out" in result.output


def test_a_file_that_is_not_utf8_gets_a_message_not_a_traceback(
    bank, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    result = cli_import(runner, tmp_path / "l.gift", b"::L::Caf\xe9 is French.{T}\n")
    assert result.exit_code == 1
    assert "l.gift:1: is not UTF-8 text (byte 0xe9)" in result.output
    assert "Traceback" not in result.output and result.exception is not None
    assert isinstance(result.exception, SystemExit)
