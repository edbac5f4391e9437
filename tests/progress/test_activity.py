"""The per-day counts behind the streak and the reviews chart stay equal to a
count from scratch of the review log and the quiz answers, whatever path wrote
or took back a rating or an answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from fsrs import Rating
from sqlalchemy import select, text

from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import DailyActivity, Deck, FeedbackTiming, User
from quizapp.models.user import PLACEHOLDER_EMAIL
from quizapp.progress import activity
from quizapp.quiz import services as quiz
from quizapp.study import services as study
from tests._requirements import postgres_only
from tests.conftest import CSRF_INPUT, PASSWORD, Accounts, at_the_same_moment, post_form
from tests.progress.conftest import START, Clock, History
from tests.test_database import ROWS_AT_0004

TODAY = START.date()  # Mon 2 Mar 2026, 12:00 UTC


def stored(app: Flask, user_id: int) -> dict[date, tuple[int, int, int]]:
    """The learner's kept days with anything in them: day -> (reviews, study, answers)."""
    with app.app_context():
        rows = db.session.execute(
            select(
                DailyActivity.day,
                DailyActivity.reviews,
                DailyActivity.study_reviews,
                DailyActivity.answers,
            ).where(DailyActivity.user_id == user_id)
        )
        return {day: tuple(counts) for day, *counts in rows if any(counts)}  # type: ignore[misc]


def recounted(app: Flask, user_id: int) -> dict[date, tuple[int, int, int]]:
    with app.app_context():
        return activity.recount(user_id, activity.zone_of(user_id))


def assert_kept(app: Flask, user_id: int) -> dict[date, tuple[int, int, int]]:
    kept = stored(app, user_id)
    assert kept == recounted(app, user_id)
    return kept


def answer_quiz(app: Flask, history: History, learner_id: int, *, right: bool, token: str) -> int:
    """A two-question true/false quiz answered through the quiz service (the
    second answer given twice, as a double submit); returns the attempt id."""
    with app.app_context():
        asked = history.questions("basics", [ItemType.TRUEFALSE])
        deck_id = db.session.scalar(select(Deck.id).where(Deck.slug == "hand-hygiene"))
        assert deck_id is not None
        settings = quiz.Settings(deck_id, feedback=FeedbackTiming.EACH)
        attempt = quiz.start_attempt(learner_id, settings, token, seed=1, item_ids=asked)
        db.session.commit()
        for position in (1, 2, 2):
            found = quiz.own_question(attempt.learner_id, attempt.id, position)
            assert found is not None
            question = found[0]
            key = question.item_version.content["answer"]
            try:
                quiz.answer(question, key if right else not key)
            except quiz.AlreadyAnswered:
                db.session.rollback()
                continue
            db.session.commit()
        return attempt.id


def test_ratings_double_submits_and_undo_keep_the_counts_exact(
    app: Flask, history: History, clock: Clock
) -> None:
    cards = history.cards()
    with app.app_context():
        for offset, card in enumerate(cards[:3]):
            assert study.rate(
                history.learner_id,
                study.CardPlace(card, "hand-hygiene"),
                0,
                Rating.Again,
                clock.now,
            ) is (study.Outcome.RECORDED)
            # The same form sent again: nothing more is recorded or counted.
            assert study.rate(
                history.learner_id, study.CardPlace(card, "hand-hygiene"), 0, Rating.Good, clock.now
            ) is (study.Outcome.ALREADY_RATED)
            db.session.commit()
            clock.advance(minutes=offset + 1)
        clock.advance(days=1)
        assert study.rate(
            history.learner_id, study.CardPlace(cards[0], "hand-hygiene"), 1, Rating.Good, clock.now
        ) is (study.Outcome.RECORDED)
        db.session.commit()
    assert assert_kept(app, history.learner_id) == {
        TODAY: (3, 3, 0),
        TODAY + timedelta(days=1): (1, 1, 0),
    }
    with app.app_context():
        last = study.last_review(history.learner_id)
        assert last is not None
        assert study.undo(history.learner_id, last.id) == cards[0]
        db.session.commit()
    assert assert_kept(app, history.learner_id) == {TODAY: (3, 3, 0)}


def test_quiz_answers_and_the_ratings_they_make_are_counted_once(
    app: Flask, history: History, clock: Clock
) -> None:
    card = history.cards("basics")[0]
    with app.app_context():
        study.rate(
            history.learner_id, study.CardPlace(card, "hand-hygiene"), 0, Rating.Good, clock.now
        )
        db.session.commit()
    # Wrong answers rate the learner's cards of the same facts Again (origin quiz).
    answer_quiz(app, history, history.learner_id, right=False, token="wrong")
    kept = assert_kept(app, history.learner_id)
    reviews, study_reviews, answers = kept[TODAY]
    assert (study_reviews, answers) == (1, 2)
    assert reviews > study_reviews  # the quiz's own ratings count for the streak
    with app.app_context():  # undo takes back the last answer's ratings together
        last = study.last_review(history.learner_id)
        assert last is not None and study.undo(history.learner_id, last.id) is not None
        db.session.commit()
    after = assert_kept(app, history.learner_id)[TODAY]
    assert after[0] < reviews and after[1:] == (1, 2)


def test_changing_the_time_zone_moves_the_days(app: Flask, history: History, clock: Clock) -> None:
    clock.now = START.replace(hour=23, minute=30)  # Tue 3 Mar 00:30 in Paris
    cards = history.cards()
    with app.app_context():
        study.rate(
            history.learner_id, study.CardPlace(cards[0], "hand-hygiene"), 0, Rating.Good, clock.now
        )
        db.session.commit()
    assert assert_kept(app, history.learner_id) == {TODAY: (1, 1, 0)}
    history.time_zone("Europe/Paris")
    assert assert_kept(app, history.learner_id) == {TODAY + timedelta(days=1): (1, 1, 0)}
    history.time_zone("Europe/Paris")  # saved again unchanged: nothing to recount
    assert assert_kept(app, history.learner_id) == {TODAY + timedelta(days=1): (1, 1, 0)}


def test_a_deleted_accounts_days_go_and_its_answers_count_for_the_placeholder(
    app: Flask, history: History, learner: User, learner_client: FlaskClient, accounts: Accounts
) -> None:
    answer_quiz(app, history, learner.id, right=True, token="first")
    answer_quiz(app, history, learner.id, right=False, token="second")
    assert assert_kept(app, learner.id)[TODAY][2] == 4
    accounts.login(learner_client, learner.email)
    deleted = post_form(learner_client, "/account/delete", {"password": PASSWORD})
    assert deleted.headers["Location"] == "/"
    assert stored(app, learner.id) == {}
    with app.app_context():
        placeholder = db.session.scalar(select(User.id).where(User.email == PLACEHOLDER_EMAIL))
    assert placeholder is not None
    assert assert_kept(app, placeholder)[TODAY][2] == 4


@pytest.mark.postgres
def test_two_ratings_at_the_same_moment_are_both_counted(
    app: Flask, history: History, learner: User, accounts: Accounts
) -> None:
    postgres_only()
    cards = history.cards()
    tabs = []
    for card in cards[:2]:
        client = app.test_client()
        accounts.login(client, learner.email)
        page = client.get(f"/study/decks/hand-hygiene?card={card}").get_data(as_text=True)
        found = CSRF_INPUT.search(page)
        assert found is not None
        token = found.group(1)
        form = {"csrf_token": token, "item_id": str(card), "token": "0", "shown_at": "0"}
        tabs.append((client, {**form, "rating": "3"}))
    statuses = at_the_same_moment(
        *(
            lambda client=client, data=data: (
                client.post("/study/decks/hand-hygiene/review", data=data).status_code
            )
            for client, data in tabs
        )
    )
    assert statuses == [303, 303]
    assert assert_kept(app, learner.id) == {TODAY: (2, 2, 0)}


HISTORY_AT_0017 = [
    "INSERT INTO user_account (id, email, display_name, password_hash, role, created_at, "
    "time_zone) VALUES (1, 'kiri@example.org', 'K', 'x', 'learner', "
    "'2026-01-01 00:00:00+00', 'Pacific/Auckland')",
    # 10:30 UTC on 1 Jan is 23:30 in Auckland; 11:30 UTC is already 2 Jan there.
    "INSERT INTO review_log (user_id, item_id, rating, reviewed_at, origin) "
    "VALUES (1, 1, 3, '2026-01-01 10:30:00+00', 'study')",
    "INSERT INTO review_log (user_id, item_id, rating, reviewed_at, origin) "
    "VALUES (1, 1, 1, '2026-01-01 11:30:00+00', 'quiz')",
]


def test_the_migration_counts_the_existing_history_in_each_accounts_zone(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app()
    with app.app_context():
        upgrade(revision="0017_instructor_content")
        with db.engine.begin() as connection:
            for statement in [*ROWS_AT_0004, *HISTORY_AT_0017]:
                connection.execute(text(statement))
        upgrade(revision="0018_daily_summaries")
        with db.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT day, reviews, study_reviews, answers FROM daily_activity "
                    "WHERE user_id = 1 ORDER BY day"
                )
            ).all()
        assert [(str(day), *counts) for day, *counts in rows] == [
            ("2026-01-01", 1, 1, 0),
            ("2026-01-02", 1, 0, 0),
        ]
        assert activity.recount(1, ZoneInfo("Pacific/Auckland")) == {
            date(2026, 1, 1): (1, 1, 0),
            date(2026, 1, 2): (1, 0, 0),
        }
        downgrade(revision="0017_instructor_content")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM review_log")).scalar() == 2
