"""The study loop stays flat as history grows: every statement it runs is planned by
PostgreSQL on indexes, never scanning the card states or the review history.

Evidence, not timing: a few thousand card states and tens of thousands of reviews
from other learners, ANALYZEd, then EXPLAIN of each statement the page and a rating
really execute (captured as they run), with their real parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from fsrs import Rating
from sqlalchemy import insert, select, text

from quizapp.extensions import db
from quizapp.models import CardState, Item, ReviewLog, User
from quizapp.study import services
from quizapp.study.services import CARD_TYPES
from tests._requirements import postgres_only
from tests.conftest import sql_statements
from tests.study.conftest import START, Learner

LEARNERS = 50
REVIEWS_PER_CARD = 4
HISTORY_TABLES = ("card_state", "review_log")
DATA_STATEMENTS = {"SELECT", "UPDATE", "DELETE", "INSERT"}


@pytest.fixture
def history(app: Flask, bank, student: Learner) -> None:
    """Other learners who studied every card of the bank for months, and our learner
    with the same history: the tables are large, one learner's share is small."""
    postgres_only()
    with app.app_context():
        cards = db.session.scalars(select(Item.id).where(Item.type.in_(CARD_TYPES))).all()
        others = db.session.scalars(
            insert(User).returning(User.id),
            [
                {"email": f"l{n}@example.org", "display_name": f"L{n}", "password_hash": "-"}
                for n in range(LEARNERS)
            ],
        ).all()
        states, reviews = [], []
        for user_id in [student.id, *others]:
            for number, item_id in enumerate(cards[:-20]):  # 20 cards stay new
                due = START + timedelta(hours=number - 100)  # some due now, most later
                states.append(
                    {
                        "user_id": user_id,
                        "item_id": item_id,
                        "state": 2,
                        "step": None,
                        "stability": 10.0,
                        "difficulty": 5.0,
                        "due": due,
                        "last_review": due - timedelta(days=10),
                        "version": REVIEWS_PER_CARD,
                    }
                )
                reviews += [
                    {
                        "user_id": user_id,
                        "item_id": item_id,
                        "rating": 3,
                        "state_before": 2,
                        "reviewed_at": due - timedelta(days=10 * (1 + k)),
                    }
                    for k in range(REVIEWS_PER_CARD)
                ]
        db.session.execute(insert(CardState), states)
        db.session.execute(insert(ReviewLog), reviews)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def plans(app: Flask, statements: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    """(statement, EXPLAIN output) for each data statement, planned without running it."""
    with app.app_context():
        connection = db.session.connection()
        found = []
        for statement, parameters in statements:
            if statement.split(maxsplit=1)[0].upper() not in DATA_STATEMENTS:
                continue
            rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
            found.append((statement, "\n".join(row[0] for row in rows)))
        db.session.rollback()
        return found


def assert_indexed(app: Flask, run: Callable[[], object], indexes: set[str]) -> None:
    with sql_statements(app) as statements:
        run()
    explained = plans(app, statements)
    for statement, plan in explained:
        for table in HISTORY_TABLES:
            assert f"Seq Scan on {table}" not in plan, f"{statement}\n{plan}"
    used = "\n".join(plan for _statement, plan in explained)
    for index in indexes:
        assert index in used, used


@pytest.mark.postgres
def test_the_study_page_queries_use_indexes(app: Flask, history: None, student: Learner) -> None:
    queue = student.queue(START, deck="leukopenia")
    assert queue.card is not None and queue.counts.review > 0  # reviews to show
    before_any_due = START - timedelta(days=30)
    assert student.queue(before_any_due, deck="leukopenia").card.stage == "New card"

    def study_pages() -> None:
        student.queue(START, deck="leukopenia")
        student.queue(before_any_due, deck="leukopenia")

    assert_indexed(
        app,
        study_pages,
        {
            # The due card, the counts and which cards are new: the learner's card
            # states through their user_id prefix (this index or the UNIQUE one).
            "ix_card_state_user_id_due",
            "ix_review_log_user_id_reviewed_at",  # today's new cards, the last rating
        },
    )


@pytest.mark.postgres
def test_a_rating_and_its_undo_touch_a_few_rows_by_index(
    app: Flask, history: None, student: Learner
) -> None:
    card = student.queue(START, deck="leukopenia").card
    assert card is not None

    def rate() -> None:
        with app.app_context():
            services.rate(
                student.id,
                services.CardPlace(card.item.id, "leukopenia"),
                card.token,
                Rating.Good,
                START,
            )
            db.session.commit()

    def undo() -> None:
        student.undo()

    assert_indexed(app, rate, {"uq_card_state_user_id_item_id", "pk_card_state"})
    assert_indexed(app, undo, {"ix_review_log_user_id_reviewed_at", "pk_review_log"})
