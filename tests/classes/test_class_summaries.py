"""The class page's stored figures (quizapp.classes.summaries): the roster's numbers
and the mastery grid are the live ones as of a moment at most SUMMARY_MAX_AGE ago,
refreshed by the page, its "Refresh now" button or ``quizapp classes refresh``;
who is in the class, and their names, are always read live."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from quizapp.account.deletion import delete_account
from quizapp.classes import services
from quizapp.classes.grid import all_topics, mastery_grid
from quizapp.classes.roster import members, roster
from quizapp.classes.summaries import SUMMARY_MAX_AGE, class_figures
from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Classroom, ClassSummary, Role, User
from tests._requirements import postgres_only
from tests.classes.conftest import Classes
from tests.conftest import Accounts, at_the_same_moment, post_form
from tests.study.conftest import Clock

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def app(make_app: Callable[..., Flask], clock: Clock) -> Flask:
    app = make_app(CLOCK=clock)
    with app.app_context():
        db.create_all()
    return app


@dataclass
class Ward:
    build: Classes
    classroom_id: int
    questions: list[int]
    cards: list[int]
    ana: User
    ben: User

    @property
    def url(self) -> str:
        return f"/classes/{self.classroom_id}"


@pytest.fixture
def ward(build: Classes, instructor: User) -> Ward:
    """Ana (a quiz of 3, all right; two flashcard ratings) and Ben (2 of 3 right)."""
    classroom_id = build.classroom(instructor)
    questions = build.quizzes.items(ItemType.SINGLE, 3, topic="causes")
    ana, ben = build.learner("Ana", classroom_id), build.learner("Ben", classroom_id)
    build.quiz(ana, [(item, True) for item in questions])
    build.quiz(ben, [(item, k < 2) for k, item in enumerate(questions)])
    cards = build.cards(2, "causes")
    build.reviews(ana, [(cards[0], 3), (cards[1], 1)])
    return Ward(build, classroom_id, questions, cards, ana, ben)


ROW = re.compile(r'<th scope="row"><a href="/classes/\d+/learners/\d+">([^<]+)</a>')
NUMBER = re.compile(r'<td class="num">([^<]*)</td>')
MASTERY = re.compile(r'<td class="num mastery-\w+" title="[^"]*">(\d+%)</td>')


def roster_part(html: str) -> str:
    return html.split('id="roster"', 1)[1].split('id="mastery"', 1)[0]


def grid_part(html: str) -> str:
    return html.split('id="mastery"', 1)[1]


def numbers(html: str, name: str) -> list[str]:
    """Quizzes, average, best, last, retention, reviews, cards of ``name``'s roster row."""
    row = roster_part(html).split(f">{name}</a>", 1)[1].split("</tr>", 1)[0]
    return NUMBER.findall(row)


def mastery(html: str, name: str) -> list[str]:
    row = grid_part(html).split(f">{name}</a>", 1)[1].split("</tr>", 1)[0]
    return MASTERY.findall(row)


def names(html: str, part: Callable[[str], str] = roster_part) -> list[str]:
    return ROW.findall(part(html))


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_the_stored_figures_are_the_live_ones(app: Flask, ward: Ward, clock: Clock) -> None:
    with app.app_context():
        classroom = db.session.get(Classroom, ward.classroom_id)
        computed = class_figures(classroom, members(ward.classroom_id), clock.now)
        db.session.commit()
    clock.advance(seconds=SUMMARY_MAX_AGE.total_seconds() - 1)
    with app.app_context():
        classroom = db.session.get(Classroom, ward.classroom_id)
        read = class_figures(classroom, members(ward.classroom_id), clock.now)
        live_rows = roster(ward.classroom_id)
        live_grid = mastery_grid([ward.ana.id, ward.ben.id], START, all_topics())
    assert read.computed_at == computed.computed_at == START  # the second one was read
    assert read.roster == computed.roster == live_rows
    assert read.grid.topic_ids == live_grid.topic_ids
    assert read.grid.cells.keys() == live_grid.cells.keys()
    for key, cell in live_grid.cells.items():
        stored = read.grid.cells[key]
        assert (stored.mastery, stored.quiz_answers, stored.reviews) == (
            cell.mastery,
            cell.quiz_answers,
            cell.reviews,
        )
    assert [read.grid.mastered(learner.id) for learner in (ward.ana, ward.ben)] == [1, 0]


def test_new_numbers_show_after_the_maximum_age_or_a_refresh(
    ward: Ward, instructor_client: FlaskClient, clock: Clock
) -> None:
    first = page(instructor_client, ward.url)
    assert numbers(first, "Ana") == ["1", "100%", "100%", "100%", "50%", "2", "2"]
    assert mastery(first, "Ben") == ["67%"]
    assert "Figures as of <time" in first and ">09:00 (UTC)</time>" in first
    assert "updated every 5 minutes" in first

    ward.build.reviews(ward.ana, [(ward.cards[0], 3)], at=START)
    ward.build.quiz(ward.ben, [(item, False) for item in ward.questions])
    clock.advance(seconds=SUMMARY_MAX_AGE.total_seconds() - 1)
    kept = page(instructor_client, ward.url)
    assert numbers(kept, "Ana")[4:] == ["50%", "2", "2"]
    assert numbers(kept, "Ben")[0] == "1" and mastery(kept, "Ben") == ["67%"]

    clock.advance(seconds=1)
    aged = page(instructor_client, ward.url)
    assert numbers(aged, "Ana")[4:] == ["67%", "3", "2"]
    assert numbers(aged, "Ben")[:2] == ["2", "33%"]
    assert mastery(aged, "Ben") == ["33%"]
    assert ">09:05 (UTC)</time>" in aged

    ward.build.reviews(ward.ana, [(ward.cards[1], 4)], at=clock.now)
    assert numbers(page(instructor_client, ward.url), "Ana")[5] == "3"
    refreshed = post_form(instructor_client, f"{ward.url}/figures", {}, follow_redirects=True)
    assert refreshed.status_code == 200
    html = refreshed.get_data(as_text=True)
    assert numbers(html, "Ana")[5] == "4"
    assert "The figures are up to date." in html


def test_members_and_their_names_are_always_live(
    app: Flask, ward: Ward, instructor_client: FlaskClient
) -> None:
    assert names(page(instructor_client, ward.url)) == ["Ana", "Ben"]
    cy = ward.build.learner("Cy", ward.classroom_id)
    ward.build.quiz(cy, [(ward.questions[0], True)])
    joined = page(instructor_client, ward.url)
    assert names(joined) == names(joined, grid_part) == ["Ana", "Ben", "Cy"]
    assert numbers(joined, "Cy")[:2] == ["1", "100%"]
    assert "Roster (3)" in joined

    with app.app_context():
        classroom = db.session.get(Classroom, ward.classroom_id)
        assert services.remove_learner(classroom, ward.ana.id)
        db.session.get(User, ward.ben.id).display_name = "Benedict"  # type: ignore[union-attr]
        db.session.commit()
    changed = page(instructor_client, ward.url)
    assert names(changed) == names(changed, grid_part) == ["Benedict", "Cy"]
    assert numbers(changed, "Benedict")[:2] == ["1", "67%"]
    assert "Ana" not in changed and "Roster (2)" in changed


def stored_learners(classroom_id: int) -> set[int] | None:
    summary = db.session.get(ClassSummary, classroom_id)
    return None if summary is None else {int(key) for key in summary.figures["learners"]}


def test_who_leaves_or_deletes_their_account_leaves_no_numbers_stored(
    app: Flask, ward: Ward, instructor_client: FlaskClient
) -> None:
    page(instructor_client, ward.url)
    with app.app_context():
        assert stored_learners(ward.classroom_id) == {ward.ana.id, ward.ben.id}
        assert services.leave(ward.classroom_id, db.session.get_one(User, ward.ana.id))
        db.session.commit()
        assert stored_learners(ward.classroom_id) is None
    assert names(page(instructor_client, ward.url)) == ["Ben"]
    with app.app_context():
        assert stored_learners(ward.classroom_id) == {ward.ben.id}
        delete_account(db.session.get_one(User, ward.ben.id))
        db.session.commit()
        assert stored_learners(ward.classroom_id) is None
    assert "Roster (0)" in page(instructor_client, ward.url)


def test_every_column_sorts_the_stored_rows(
    app: Flask, ward: Ward, instructor_client: FlaskClient, clock: Clock
) -> None:
    clock.advance(minutes=1)
    cy = ward.build.learner("Cy", ward.classroom_id)  # active last, but no score: missing
    ward.build.quiz(cy, [(ward.questions[0], False)], finish=False)
    with app.app_context():
        causes = next(topic.id for topic in all_topics() if topic.key == "causes")
    page(instructor_client, ward.url)  # computes the summary; the views below read it
    orders = {
        "?sort=name&dir=desc": ["Cy", "Ben", "Ana"],
        "?sort=average&dir=asc": ["Ben", "Ana", "Cy"],
        "?sort=average&dir=desc": ["Ana", "Ben", "Cy"],
        "?sort=retention&dir=desc": ["Ana", "Ben", "Cy"],
        "?sort=reviews&dir=asc": ["Ben", "Cy", "Ana"],  # 0, 0 (ties by name), 2
        "?sort=active&dir=desc": ["Cy", "Ana", "Ben"],
        f"?sort=topic-{causes}&dir=asc": ["Ben", "Ana", "Cy"],
        f"?sort=topic-{causes}&dir=desc": ["Ana", "Ben", "Cy"],
        "?sort=mastered&dir=desc": ["Ana", "Ben", "Cy"],
    }
    for query, expected in orders.items():
        html = page(instructor_client, ward.url + query)
        assert names(html) == names(html, grid_part) == expected, query
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ClassSummary)) == 1


def test_refresh_now_keeps_the_order_and_needs_the_token_and_the_class(
    app: Flask,
    ward: Ward,
    instructor_client: FlaskClient,
    accounts: Accounts,
    clock: Clock,
) -> None:
    page(instructor_client, ward.url + "?sort=average&dir=desc")
    form = re.search(
        r'<form method="post" action="([^"]+)">\s*<input type="hidden" name="csrf_token"[^>]*>'
        r'<button class="button" type="submit">Refresh now</button>',
        page(instructor_client, ward.url + "?sort=average&dir=desc"),
    )
    assert form is not None
    action = form.group(1).replace("&amp;", "&")
    assert action == f"{ward.url}/figures?sort=average&dir=desc"

    assert instructor_client.post(action).status_code == 400  # no CSRF token
    clock.advance(minutes=1)
    refreshed = post_form(instructor_client, action, {})
    assert refreshed.status_code == 303
    assert refreshed.headers["Location"] == f"{ward.url}?sort=average&dir=desc#roster"
    with app.app_context():
        stored = db.session.get(ClassSummary, ward.classroom_id)
        assert stored is not None and stored.computed_at == START + timedelta(minutes=1)

    plain = post_form(instructor_client, f"{ward.url}/figures", {})
    assert plain.headers["Location"] == f"{ward.url}#roster"
    other = app.test_client()
    accounts.create("other@example.org", Role.INSTRUCTOR, name="Other Teacher")
    accounts.login(other, "other@example.org")
    assert post_form(other, f"{ward.url}/figures", {}).status_code == 404
    assert post_form(other, "/classes/999999/figures", {}).status_code == 404


def stored_at(app: Flask) -> dict[int, datetime]:
    with app.app_context():
        rows = db.session.execute(select(ClassSummary.classroom_id, ClassSummary.computed_at))
        return {classroom_id: computed_at for classroom_id, computed_at in rows}


def test_the_command_refreshes_every_class_not_archived(
    app: Flask,
    ward: Ward,
    instructor: User,
    runner: FlaskCliRunner,
    clock: Clock,
) -> None:
    archived = ward.build.classroom(instructor, "Last year")
    with app.app_context():
        services.archive(db.session.get(Classroom, archived))
        db.session.commit()

    result = runner.invoke(args=["classes", "refresh", "--all"])
    assert result.exit_code == 0, result.output
    assert "Refreshed the figures of 1 class." in result.output
    assert stored_at(app) == {ward.classroom_id: START}

    clock.advance(minutes=3)
    result = runner.invoke(args=["classes", "refresh", str(archived), str(ward.classroom_id)])
    assert result.exit_code == 0, result.output
    later = START + timedelta(minutes=3)
    assert stored_at(app) == {ward.classroom_id: later, archived: later}

    assert runner.invoke(args=["classes", "refresh"]).exit_code == 2
    assert runner.invoke(args=["classes", "refresh", "--all", "1"]).exit_code == 2
    missing = runner.invoke(args=["classes", "refresh", "999999"])
    assert missing.exit_code == 1 and "No class 999999." in missing.output


@pytest.mark.postgres
def test_two_instructors_opening_a_stale_page_at_the_same_moment(
    app: Flask, ward: Ward, instructor_client: FlaskClient, accounts: Accounts
) -> None:
    postgres_only()
    co = accounts.create("co@example.org", Role.INSTRUCTOR, name="Co Teacher")
    with app.app_context():
        classroom = db.session.get(Classroom, ward.classroom_id)
        services.add_co_instructor(classroom, db.session.get(User, co.id))
        db.session.commit()
    co_client = app.test_client()
    accounts.login(co_client, co.email)

    pages = at_the_same_moment(
        lambda: instructor_client.get(ward.url), lambda: co_client.get(ward.url)
    )
    assert [response.status_code for response in pages] == [200, 200]
    for response in pages:
        assert names(response.get_data(as_text=True)) == ["Ana", "Ben"]
    assert stored_at(app) == {ward.classroom_id: START}
