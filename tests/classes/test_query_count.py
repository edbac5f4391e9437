"""The class pages run a fixed number of SQL statements, whatever the class size:
no query per learner (the roster, grid and item analysis are each one statement)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from quizapp.content import ItemType
from quizapp.models import User
from tests.classes.conftest import Classes
from tests.conftest import sql_statements


def add_learners(build: Classes, classroom_id: int, count: int, questions: list[int]) -> None:
    """Learners who each took a quiz (alternating right and wrong) and rated two cards."""
    cards = build.cards(2, "causes")
    for number in range(count):
        learner = build.learner(f"Learner {number:03d}", classroom_id)
        build.quiz(learner, [(item, (number + k) % 2 == 0) for k, item in enumerate(questions)])
        build.reviews(learner, [(cards[0], 1 + number % 4), (cards[1], 3)])


def statements_per_page(app: Flask, client: FlaskClient, pages: list[str]) -> dict[str, int]:
    counts = {}
    for page in pages:
        with sql_statements(app) as statements:
            assert client.get(page).status_code == 200, page
        counts[page] = len(statements)
    return counts


def test_class_pages_cost_the_same_for_3_and_30_learners(
    app: Flask, build: Classes, instructor: User, instructor_client: FlaskClient
) -> None:
    classroom_id = build.classroom(instructor)
    questions = build.quizzes.items(ItemType.SINGLE, 4, topic="causes")
    pages = [
        f"/classes/{classroom_id}",
        f"/classes/{classroom_id}?sort=average&dir=desc",
        f"/classes/{classroom_id}/items",
        f"/classes/{classroom_id}/roster.csv",
        f"/classes/{classroom_id}/items.csv",
        "/classes/items/all",
    ]
    add_learners(build, classroom_id, 3, questions)
    small = statements_per_page(app, instructor_client, pages)
    add_learners(build, classroom_id, 27, questions)
    large = statements_per_page(app, instructor_client, pages)
    assert large == small
    # The first view of each round finds no summary of these members, so it counts:
    # the roster is one statement, the grid's mastery two (the fitted FSRS parameters,
    # then the evidence), storing the summary one; the class's assignments are one more
    # (their scores another, when there are any). The second view reads the summary.
    computing, reading = pages[0], pages[1]
    assert small[computing] <= 10, small
    assert small[reading] <= small[computing] - 4, small
    assert max(small[page] for page in pages[2:]) <= 8, small
    html = instructor_client.get(f"/classes/{classroom_id}").get_data(as_text=True)
    assert "Roster (30)" in html
