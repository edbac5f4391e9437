"""``python -m bench.seed`` on a new database: the data it makes is what the app
reads, and a seeded learner and instructor can use it from the browser."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bench.seed import seed
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    CardState,
    Classroom,
    DailyActivity,
    Enrolment,
    Response,
    ReviewLog,
    User,
)
from tests.conftest import Accounts, post_form

SEED_PASSWORD = "a bench password for tests"
SEED = ["--learners", "12", "--reviews", "900", "--attempts", "36"]
SIZES = ["--class-size", "5", "--questions", "20"]
RATING_FORM = re.compile(
    r'name="item_id" type="hidden" value="(\d+)">.*?name="token" type="hidden" value="(\d+)">',
    re.S,
)


@pytest.fixture
def seeded(make_app: Callable[..., Flask]) -> Flask:
    """A new database, migrated and seeded by the command as a person runs it."""
    app = make_app()
    result = app.test_cli_runner().invoke(
        seed, args=SEED + SIZES, env={"QUIZAPP_BENCH_PASSWORD": SEED_PASSWORD}
    )
    assert result.exit_code == 0, result.output
    assert "Seeded 12 learners in 3 classes, 900 flashcard ratings" in result.output
    assert "36 quiz attempts" in result.output
    return app


def count(statement) -> int:
    return db.session.scalar(statement) or 0


def test_seeded_history_is_consistent(seeded: Flask) -> None:
    with seeded.app_context():
        assert count(select(func.count()).select_from(ReviewLog)) == 900
        cards = count(select(func.count()).select_from(CardState))
        # Each card's first rating is the one with no state before it.
        first = select(func.count()).where(ReviewLog.state_before.is_(None))
        assert count(first) == cards
        # A card's version counts its ratings, as the study page's token does.
        assert count(select(func.sum(CardState.version))) == 900
        states = set(db.session.scalars(select(CardState.state).distinct()))
        assert states == {1, 2, 3}  # learning, review, relearning
        assert count(select(func.count()).select_from(Attempt)) == 36
        answers = count(select(func.count()).select_from(Response))
        assert 0 < answers <= 360
        # The dashboard's per-day summary holds every rating and answer, as the app keeps it.
        assert count(select(func.sum(DailyActivity.reviews))) == 900
        assert count(select(func.sum(DailyActivity.answers))) == answers
        # A finished attempt's cached score is the sum of its answers' scores.
        totals = (
            select(Attempt.score, func.coalesce(func.sum(Response.score), 0.0))
            .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
            .outerjoin(Response)
            .where(Attempt.finished_at.is_not(None))
            .group_by(Attempt.id)
        )
        assert all(cached == pytest.approx(summed) for cached, summed in db.session.execute(totals))
        sizes = db.session.execute(
            select(Classroom.name, func.count(Enrolment.learner_id))
            .join(Enrolment)
            .group_by(Classroom.name)
            .order_by(Classroom.name)
        ).all()
        assert sizes == [("Bench class 1", 5), ("Bench class 2", 5), ("Bench class 3", 2)]


def test_a_seeded_learner_studies_a_due_card_and_sees_their_progress(seeded: Flask) -> None:
    client = seeded.test_client()
    signed_in = Accounts(seeded).login(client, "learner1@bench.example.com", SEED_PASSWORD)
    assert signed_in.status_code == 302
    page = client.get("/study/decks/leukopenia").get_data(as_text=True)
    item_id, token = RATING_FORM.search(page).groups()
    with seeded.app_context():
        learner_id = db.session.scalar(select(User.id).where(User.email.startswith("learner1@")))
        before = count(select(func.count()).where(ReviewLog.user_id == learner_id))
    rated = post_form(
        client,
        "/study/decks/leukopenia/review",
        {"item_id": item_id, "token": token, "shown_at": "0", "rating": "3"},
    )
    assert rated.status_code == 303
    with seeded.app_context():
        assert count(select(func.count()).where(ReviewLog.user_id == learner_id)) == before + 1
    dashboard = client.get("/progress/").get_data(as_text=True)
    assert "Quiz scores over time" in dashboard


def test_the_seeded_instructor_sees_a_class_of_seeded_learners(seeded: Flask) -> None:
    client: FlaskClient = seeded.test_client()
    signed_in = Accounts(seeded).login(client, "instructor@bench.example.com", SEED_PASSWORD)
    assert signed_in.status_code == 302
    with seeded.app_context():
        first = db.session.scalar(select(Classroom.id).where(Classroom.name == "Bench class 1"))
    page = client.get(f"/classes/{first}").get_data(as_text=True)
    assert "Learner 1" in page and "Learner 5" in page
    assert "Learner 6" not in page  # in the second class


def test_seeding_twice_is_refused_and_changes_nothing(seeded: Flask) -> None:
    result = seeded.test_cli_runner().invoke(
        seed, args=SEED, env={"QUIZAPP_BENCH_PASSWORD": "x" * 12}
    )
    assert result.exit_code == 1
    assert "exist already" in result.output
    with seeded.app_context():
        assert count(select(func.count()).select_from(User)) == 13
        assert count(select(func.count()).select_from(ReviewLog)) == 900


def test_the_installed_command_has_no_seeder(make_app: Callable[..., Flask]) -> None:
    """The seeder makes accounts with one shared password: it is not in ``quizapp``."""
    result = make_app().test_cli_runner().invoke(args=["bench", "seed"])
    assert result.exit_code == 2
    assert "No such command 'bench'" in result.output
