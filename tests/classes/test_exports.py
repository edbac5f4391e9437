"""CSV downloads and ``quizapp export progress``: what a spreadsheet opens."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import update

from quizapp.classes.exports import safe_cell
from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Item, User
from tests.classes.conftest import Classes

BOM = "\ufeff".encode()
AWKWARD_NAMES = [
    "Smith, Jo",
    'Dana "DJ" Jones',
    '=HYPERLINK("http://evil.example","click")',
    "@SUM(A1:A2)",
    "+49 Müller",
    "-Minus",
]
FORMULA_PROMPT = '=1+1, "sum"'


def rows_of(body: bytes) -> list[list[str]]:
    assert body.startswith(BOM), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.fixture
def awkward_class(app: Flask, build: Classes, instructor: User) -> tuple[int, list[int]]:
    """Learners whose names a spreadsheet could mangle or run; each takes the same
    two-question quiz, right then wrong; the first question's text looks like a formula."""
    classroom_id = build.classroom(instructor, "Ward 7 nurses")
    questions = build.quizzes.items(ItemType.SINGLE, 2)
    with app.app_context():
        db.session.execute(
            update(Item).where(Item.id == questions[0]).values(prompt=FORMULA_PROMPT)
        )
        db.session.commit()
    for name in AWKWARD_NAMES:
        learner = build.learner(name, classroom_id)
        build.quiz(learner, [(questions[0], True), (questions[1], False)])
    return classroom_id, questions


def test_roster_csv_is_a_spreadsheet_safe_download(
    instructor_client: FlaskClient, awkward_class: tuple[int, list[int]]
) -> None:
    classroom_id, _ = awkward_class
    response = instructor_client.get(f"/classes/{classroom_id}/roster.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="ward-7-nurses-roster.csv"'
    )
    body = response.get_data()
    text = body.decode("utf-8-sig")
    assert '"Smith, Jo"' in text and '"Dana ""DJ"" Jones"' in text  # the csv module's quoting
    header, *rows = rows_of(body)
    assert header[:11] == [
        "Learner",
        "Email",
        "Joined (UTC)",
        "Finished quizzes",
        "Quiz average %",
        "Best quiz %",
        "Last quiz %",
        "Flashcard reviews",
        "Cards reviewed",
        "Retention %",
        "Last active (UTC)",
    ]
    assert header[11] == "Topics mastered"
    assert "Mastery % Causes of leukopenia" in header
    names = [row[0] for row in rows]
    assert sorted(names) == sorted(
        [
            "Smith, Jo",
            'Dana "DJ" Jones',
            '\'=HYPERLINK("http://evil.example","click")',
            "'@SUM(A1:A2)",
            "'+49 Müller",
            "'-Minus",
        ]
    )
    for row in rows:
        assert row[3:8] == ["1", "50.0", "50.0", "50.0", "0"]
        assert row[9] == ""  # no reviews: no retention
        assert len(row) == len(header)


def test_item_analysis_csv(
    instructor_client: FlaskClient, awkward_class: tuple[int, list[int]]
) -> None:
    classroom_id, questions = awkward_class
    response = instructor_client.get(f"/classes/{classroom_id}/items.csv")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="ward-7-nurses-items.csv"'
    )
    header, *rows = rows_of(response.get_data())
    assert header == [
        "Item id",
        "Bank id",
        "Question",
        "Topic",
        "Type",
        "Attempts",
        "Answers",
        "Facility %",
        "Facility low %",
        "Facility high %",
        "Discrimination %",
        "Discrimination low %",
        "Discrimination high %",
        "Discriminative efficiency %",
        "Random-guess score %",
        "Judged",
        "Flags",
        "Options picked",
    ]
    by_id = {int(row[0]): row for row in rows}
    assert set(by_id) == set(questions)
    first, second = by_id[questions[0]], by_id[questions[1]]
    assert first[2] == "'" + FORMULA_PROMPT
    assert first[5:8] == ["6", "6", "100.0"]
    assert first[10] == ""  # everyone right: no spread, no index
    assert second[5:8] == ["6", "6", "0.0"]
    # 6 answers are too few to judge (tests/classes/test_item_analysis.py): no flag
    assert second[15:17] == ["too few answers to judge", ""]
    assert "(correct): 6" in first[17]


def test_negative_numbers_stay_numbers() -> None:
    assert safe_cell(-0.5) == -0.5
    assert safe_cell(None) == ""
    for text in ("=1", "+1", "-1", "@x", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Plain, text") == "Plain, text"


def test_cli_writes_the_same_files(
    runner: FlaskCliRunner,
    instructor_client: FlaskClient,
    awkward_class: tuple[int, list[int]],
    tmp_path: Path,
) -> None:
    classroom_id, _ = awkward_class
    roster, items = tmp_path / "roster.csv", tmp_path / "items.csv"
    result = runner.invoke(args=["export", "progress", str(classroom_id), "--output", str(roster)])
    assert result.exit_code == 0, result.output
    assert "Wrote 6 learners of Ward 7 nurses" in result.output
    page = instructor_client.get(f"/classes/{classroom_id}/roster.csv").get_data()
    assert roster.read_bytes() == page
    args = ["export", "progress", str(classroom_id), "--items", "--output", str(items)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Wrote 2 questions" in result.output
    assert items.read_bytes() == instructor_client.get(f"/classes/{classroom_id}/items.csv").data


def test_cli_refuses_an_unknown_class(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["export", "progress", "4242", "--output", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "No class 4242." in result.output
    assert not (tmp_path / "x").exists()
