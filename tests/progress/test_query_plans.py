"""The dashboard reads one learner's rows by index, never scanning the history
tables (nor the per-day counts): EXPLAIN of each statement the page really runs, on PostgreSQL, with
hundreds of other learners' reviews, card states and quizzes ANALYZEd."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import insert, select, text

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    CardState,
    Deck,
    Item,
    ItemVersion,
    Response,
    ReviewLog,
    User,
)
from quizapp.progress import activity, services
from tests._requirements import postgres_only
from tests.conftest import sql_statements
from tests.progress.conftest import START, History
from tests.study.test_query_plans import plans

LEARNERS = 200
HISTORY_TABLES = (
    "card_state",
    "review_log",
    "attempt",
    "attempt_question",
    "response",
    "daily_activity",
)


@pytest.fixture
def crowd(app: Flask, history: History) -> None:
    """Our learner and many others, each with months of reviews and quizzes."""
    postgres_only()
    cards = history.cards()
    questions = history.questions("when")[:5]
    with app.app_context():
        deck_id = db.session.scalar(select(Deck.id).where(Deck.slug == "hand-hygiene"))
        versions = {
            item_id: (version_id, topic_id)
            for item_id, version_id, topic_id in db.session.execute(
                select(Item.id, ItemVersion.id, Item.topic_id)
                .join(ItemVersion, ItemVersion.item_id == Item.id)
                .where(Item.id.in_(questions))
            )
        }
        others = db.session.scalars(
            insert(User).returning(User.id),
            [
                {"email": f"l{n}@example.org", "display_name": f"L{n}", "password_hash": "-"}
                for n in range(LEARNERS)
            ],
        ).all()
        learners = [history.learner_id, *others]
        db.session.execute(
            insert(CardState),
            [
                {
                    "user_id": user_id,
                    "item_id": card,
                    "state": 2,
                    "step": None,
                    "stability": 10.0,
                    "difficulty": 5.0,
                    "due": START + timedelta(days=number),
                    "last_review": START - timedelta(days=10),
                }
                for user_id in learners
                for number, card in enumerate(cards)
            ],
        )
        db.session.execute(
            insert(ReviewLog),
            [
                {
                    "user_id": user_id,
                    "item_id": card,
                    "rating": 1 + day % 4,
                    "reviewed_at": START - timedelta(days=day, hours=number),
                }
                for user_id in learners
                for number, card in enumerate(cards)
                for day in range(0, 200, 5)
            ],
        )
        attempts = db.session.scalars(
            insert(Attempt).returning(Attempt.id),
            [
                {
                    "learner_id": user_id,
                    "deck_id": deck_id,
                    "start_token": uuid.uuid4().hex,
                    "mode": "all",
                    "feedback": "each",
                    "length": len(questions),
                    "seed": 1,
                    "started_at": START - timedelta(days=day),
                    "finished_at": START - timedelta(days=day),
                    "score": 3.0,
                }
                for user_id in learners
                for day in range(0, 200, 10)
            ],
        ).all()
        asked = db.session.execute(
            insert(AttemptQuestion).returning(AttemptQuestion.id, AttemptQuestion.attempt_id),
            [
                {
                    "attempt_id": attempt_id,
                    "position": position,
                    "item_id": item_id,
                    "item_version_id": versions[item_id][0],
                    "topic_id": versions[item_id][1],
                    "option_order": None,
                }
                for attempt_id in attempts
                for position, item_id in enumerate(questions, start=1)
            ],
        ).all()
        started = {
            attempt_id: at
            for attempt_id, at in db.session.execute(
                select(Attempt.id, Attempt.started_at).where(Attempt.id.in_(attempts))
            )
        }
        db.session.execute(
            insert(Response),
            [
                {
                    "attempt_question_id": question_id,
                    "answer": "x",
                    "score": 1.0,
                    "correct": True,
                    "answered_at": started[attempt_id],
                }
                for question_id, attempt_id in asked
            ],
        )
        for user_id in learners:  # as the migration counts existing history
            activity.rebuild(user_id)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()


@pytest.mark.slow  # 6-9 s on PostgreSQL, nearly all of it writing the crowd
@pytest.mark.postgres
def test_the_dashboard_queries_use_indexes(app: Flask, crowd: None, history: History) -> None:
    def dashboard() -> None:
        with app.app_context():
            board = services.dashboard(history.learner_id, START)
            assert board.reviews_total and board.scores and board.streak.days

    with sql_statements(app) as statements:
        dashboard()
    explained = plans(app, statements)
    assert len(explained) <= 6  # account, mastery (fits, evidence), decks, days, scores
    for statement, plan in explained:
        for table in HISTORY_TABLES:
            assert f"Seq Scan on {table} " not in plan + " ", f"{statement}\n{plan}"
    used = "\n".join(plan for _statement, plan in explained)
    for index in ("pk_daily_activity", "ix_card_state_user_id_due"):
        assert index in used, used
