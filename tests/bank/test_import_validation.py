"""Imports held to the import schema before anything else (issue 14, F7–F10;
issue 15, D6): every bad file gets ``file:line: reason`` and a 400, never a 500,
and nothing it holds reaches the bank."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from quizapp.bank.import_schema import MAX_ANSWERS, MAX_ITEMS
from quizapp.bank.services import stored_items
from quizapp.content import ItemType
from tests.bank.test_transfer import bank_state
from tests.conftest import csrf_token


def upload(client: FlaskClient, name: str, data: bytes):
    return client.post(
        "/bank/import",
        data={
            "csrf_token": csrf_token(client, "/bank/import"),
            "deck": "leukopenia",
            "topic": "symptoms",
            "file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def refused(client: FlaskClient, name: str, data: bytes) -> str:
    """The page of a refused upload (400), after checking nothing changed."""
    response = upload(client, name, data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400, page[:2000]
    assert "The file was not imported." in page
    return page


def numeric_item(answer: str) -> bytes:
    item = f"  - id: n\n    type: numeric\n    prompt: How many?\n    answer: {answer}\n"
    return f"items:\n{item}".encode()


def exported(client: FlaskClient) -> dict:
    response = client.get("/bank/export.json")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def with_numeric(client: FlaskClient, **answer: object) -> tuple[dict, dict]:
    """The JSON export, and its first numeric item with ``answer`` changed."""
    data = exported(client)
    item = next(i for i in data["items"] if i["type"] == ItemType.NUMERIC.value)
    item["answer"] |= answer
    return data, item


def stored(app: Flask, uid: str) -> dict:
    with app.app_context():
        return next(item.to_dict() for item in stored_items() if item.id == uid)


# --- D6: JSON read as JSON, YAML as YAML 1.2 data -----------------------------


def test_json_exponents_are_numbers(app: Flask, bank, instructor_client: FlaskClient) -> None:
    data, item = with_numeric(instructor_client, tolerance=0.00001)
    text = json.dumps(data, ensure_ascii=False)
    assert "1e-05" in text
    response = upload(instructor_client, "small.json", text.encode())
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert stored(app, item["id"])["answer"]["tolerance"] == 0.00001


def test_json_surrogate_pairs_are_characters_and_half_pairs_are_refused(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    data = exported(instructor_client)
    item = data["items"][-1]
    item["prompt"] += " 🤒"
    text = json.dumps(data, indent=1)  # ensure_ascii: the emoji is written as \ud83e\udd12
    assert "\\ud83e\\udd12" in text
    assert upload(instructor_client, "e.json", text.encode()).status_code == 200
    assert stored(app, item["id"])["prompt"].endswith(" 🤒")

    state = bank_state(app)
    half = text.replace("\\ud83e\\udd12", "\\ud83e")
    line = half[: half.index("\\ud83e")].count("\n") + 1
    page = refused(instructor_client, "e.json", half.encode())
    assert f"e.json:{line}: invalid JSON: a \\u escape names half of a surrogate pair" in page
    assert bank_state(app) == state


def test_yaml_is_read_as_yaml_1_2(app: Flask, bank, instructor_client: FlaskClient) -> None:
    """yes/no/on/off stay text (YAML 1.1 made them booleans); 1e-05 is a number."""
    text = (
        "items:\n"
        "  - id: leukopenia:yaml12:fillin\n    type: fillin\n    topic: symptoms\n"
        "    prompt: Is a fever a reason to call the doctor?\n    answer: yes\n"
        "    accept: [on, Y]\n"
        "  - id: leukopenia:yaml12:numeric\n    type: numeric\n    topic: symptoms\n"
        "    prompt: What tolerance?\n    answer: {value: 0.5, tolerance: 1e-05, unit: ''}\n"
    )
    response = upload(instructor_client, "y.yaml", text.encode())
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    fillin = stored(app, "leukopenia:yaml12:fillin")
    assert (fillin["answer"], fillin["accept"]) == ("yes", ["on", "Y"])
    assert stored(app, "leukopenia:yaml12:numeric")["answer"]["tolerance"] == 0.00001


# --- F8: numeric answers of exactly {value, tolerance, unit} -------------------


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("{value: 4, tolerance: 0, unit: '', extra: 1}", "unknown key(s) 'extra'"),
        ("{value: 4, tolerance: 0}", "'unit' is missing"),
        ("{value: 4, tolerance: -1, unit: ''}", "tolerance: must be a number from 0"),
        ("{value: true, tolerance: 0, unit: ''}", "value: must be a number"),
    ],
)
def test_a_malformed_numeric_answer_is_refused_and_exports_keep_working(
    app: Flask, bank, instructor_client: FlaskClient, answer: str, reason: str
) -> None:
    state = bank_state(app)
    page = refused(instructor_client, "t.yaml", numeric_item(answer))
    assert "t.yaml:5: items[0].answer" in page and reason in page
    assert bank_state(app) == state
    for fmt in ("json", "yaml", "gift"):
        assert instructor_client.get(f"/bank/export.{fmt}").status_code == 200


# --- F9: number ranges ---------------------------------------------------------


@pytest.mark.parametrize("name", ["big.yaml", "big.json"])
def test_a_400_digit_number_is_refused(
    app: Flask, bank, instructor_client: FlaskClient, name: str
) -> None:
    huge = "9" * 400
    if name.endswith(".json"):
        data, _ = with_numeric(instructor_client, value=123456.789)
        text = json.dumps(data, indent=1).replace("123456.789", huge)
    else:
        text = numeric_item(f"{{value: {huge}, tolerance: 0, unit: ''}}").decode()
    page = refused(instructor_client, name, text.encode())
    assert "answer.value: must be a number from -1e+15 to 1e+15" in page
    assert huge not in page


# --- F7: nesting depth -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.yaml", "items: " + "[" * 50_000 + "]" * 50_000),
        ("deep.json", '{"items":' + '{"a":' * 30_000 + "1" + "}" * 30_001),
        ("indented.yaml", "items:\n" + "".join(" " * n + "- \n" for n in range(1, 400))),
    ],
)
def test_deep_nesting_is_refused_before_it_is_parsed(
    app: Flask, bank, instructor_client: FlaskClient, name: str, text: str
) -> None:
    state = bank_state(app)
    page = refused(instructor_client, name, text.encode())
    assert "nested deeper than 32 levels" in page
    assert bank_state(app) == state


# --- F10: items per file, time per file, problems per page ------------------------


def test_a_file_of_too_many_items_is_refused(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    count = MAX_ITEMS + 1
    yaml_items = "items:\n" + "".join(
        f"  - {{type: truefalse, prompt: Statement {n}., answer: true}}\n" for n in range(count)
    )
    gift = "".join(f"::Q{n}::Statement {n}.{{T}}\n\n" for n in range(count))
    for name, text in (("many.yaml", yaml_items), ("many.gift", gift)):
        page = refused(instructor_client, name, text.encode())
        assert f"holds {count} items; at most {MAX_ITEMS} are imported from one file" in page


def test_a_file_over_its_time_budget_is_refused_whole(
    app: Flask, bank, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    app.config["IMPORT_SECONDS"] = 0
    state = bank_state(app)
    path = tmp_path / "slow.gift"
    path.write_text("::A::Fever can be a sign of infection.{T}\n", encoding="utf-8")
    result = runner.invoke(args=["bank", "import", str(path)])
    assert result.exit_code == 1
    assert "slow.gift: took more than 0 s to import; nothing was stored" in result.output
    assert bank_state(app) == state


def test_problems_are_capped_so_a_bad_file_cannot_flood_the_page(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    """Once 900,000 repeated options made an 86 MB page."""
    state = bank_state(app)
    options = "~a" * 100_000  # two questions: 400 kB, under the test client's 500 kB spool
    gift = "".join(f"::D{n}::Pick one.{{=b {options}}}\n\n" for n in range(2))
    response = upload(instructor_client, "flood.gift", gift.encode())
    assert len(response.get_data()) < 100_000
    assert bank_state(app) == state

    bad = "items:\n" + "  - {type: truefalse, prompt: Is it, answer: maybe}\n" * 500
    page = refused(instructor_client, "flood.yaml", bad.encode())
    assert page.count("must be true or false") == 100
    assert "… and 400 more problems" in page


def test_a_gift_file_of_too_many_answers_is_refused_before_it_is_parsed(
    app: Flask, bank, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """The 1.8 MB file of 900,000 options that once held a worker for 18.6 s."""
    path = tmp_path / "amplified.gift"
    path.write_text("::d::Q{" + "~a" * 900_000 + "=b}\n", encoding="utf-8")
    result = runner.invoke(args=["bank", "import", str(path)])
    assert result.exit_code == 1
    assert f"amplified.gift: holds 900001 answers; at most {MAX_ANSWERS} are read" in result.output


def test_a_json_problem_names_the_line_of_its_item(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    items = [
        {"type": "truefalse", "prompt": "Fever can be a sign of infection.", "answer": True},
        {"type": "truefalse", "prompt": "Is it?", "answer": "maybe"},
    ]
    text = json.dumps({"items": items}, indent=2)
    line = text[: text.index('"Is it?"')].count("\n")  # the item's { is on the line before
    page = refused(instructor_client, "lines.json", text.encode())
    assert f"lines.json:{line}: items[1].answer: must be true or false" in page
