"""Builders for assignment tests: an app on a clock the test moves, a class with an
instructor in Paris, and assignments set through the instructor's form."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Assignment, Attempt, Role, User
from tests.classes.conftest import Classes
from tests.conftest import CSRF_INPUT, Accounts, post_form
from tests.quiz.conftest import Quizzes


class Clock:
    """The app's ``CLOCK``: a fixed moment the test moves."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # 08:00 in Paris

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(make_app: Callable[..., Flask], clock: Clock) -> Flask:
    app = make_app(CLOCK=clock)
    with app.app_context():
        db.create_all()
    return app


@dataclass
class Course:
    """A class of an instructor in Europe/Paris, with helpers a test reads as steps."""

    app: Flask
    accounts: Accounts
    build: Classes
    quizzes: Quizzes
    instructor: User
    teacher: FlaskClient
    classroom_id: int

    def assign(self, **fields: str) -> int:
        """Set an assignment through the form (10:00–12:00 Paris time on 1 December,
        5 true/false questions picked by hand, 1 attempt), overriding ``fields``."""
        items = self.quizzes.items(ItemType.TRUEFALSE, 5)
        data: dict[str, str | list[str]] = {
            "title": "Week 1",
            "deck": str(self.quizzes.deck_id()),
            "questions": [str(item) for item in items],
            "length": "5",
            "opens": "2026-12-01T10:00",
            "closes": "2026-12-01T12:00",
            "time_zone": "Europe/Paris",
            "attempts": "1",
            "feedback": "end",
            "late_allowed": "y",
            **fields,
        }
        if data["late_allowed"] == "":
            del data["late_allowed"]
        response = post_form(self.teacher, f"/assignments/class/{self.classroom_id}", data)
        assert response.status_code == 303, response.get_data(as_text=True)
        return int(re.search(r"/assignments/(\d+)$", response.location).group(1))

    def learner(self, name: str) -> tuple[User, FlaskClient]:
        user = self.build.learner(name, self.classroom_id)
        client = self.app.test_client()
        assert self.accounts.login(client, user.email).status_code == 302
        return user, client

    def start(self, client: FlaskClient, assignment_id: int):
        """Press the home page's start button."""
        return self.press(client, client.get("/").get_data(as_text=True), assignment_id)

    def press(self, client: FlaskClient, home: str, assignment_id: int):
        """Press one assignment's start button on a home page already shown."""
        action = f'action="/assignments/{assignment_id}/start"'
        form = home[home.index(action) :] if action in home else ""
        token = re.search(r'name="token" value="([^"]+)"', form)
        return client.post(
            f"/assignments/{assignment_id}/start",
            data={
                "csrf_token": CSRF_INPUT.search(home).group(1),
                "token": token.group(1) if token else "a" * 22,
            },
        )

    def attempts(self, learner: User) -> list[Attempt]:
        with self.app.app_context():
            found = list(
                db.session.scalars(
                    select(Attempt).where(Attempt.learner_id == learner.id).order_by(Attempt.id)
                )
            )
            db.session.expunge_all()
            return found

    def take(self, client: FlaskClient, learner: User, assignment_id: int, right: int) -> int:
        """Start and answer every question, the first ``right`` of them right."""
        response = self.start(client, assignment_id)
        assert response.status_code == 303, response.location
        attempt = self.attempts(learner)[-1]
        assert attempt.assignment_id == assignment_id
        for position in range(1, attempt.length + 1):
            self.quizzes.answer(attempt.id, position, position <= right)
        return attempt.id

    def assignment(self, assignment_id: int) -> Assignment:
        with self.app.app_context():
            found = db.session.get(Assignment, assignment_id)
            db.session.expunge(found)
            return found


@pytest.fixture
def course(app: Flask, accounts: Accounts, bank: object, clock: Clock) -> Course:
    build = Classes(app, accounts, Quizzes(app))
    instructor = accounts.create("ivy@example.org", Role.INSTRUCTOR, name="Ivy")
    with app.app_context():
        user = db.session.get(User, instructor.id)
        user.time_zone = "Europe/Paris"
        db.session.commit()
    teacher = app.test_client()
    assert accounts.login(teacher, instructor.email).status_code == 302
    classroom_id = build.classroom(instructor)
    return Course(app, accounts, build, build.quizzes, instructor, teacher, classroom_id)


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    """A moment of December 2026 given in UTC (Paris is UTC+1 then)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)
