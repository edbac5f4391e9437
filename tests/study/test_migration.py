"""Migration 0012 on a database with history: every existing rating is a study
rating, and each card state learns how many ratings stand behind it."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from quizapp.extensions import db
from tests.test_database import ROWS_AT_0004

HISTORY = [
    "INSERT INTO user_account (id, email, display_name, password_hash, role, created_at) "
    "VALUES (1, 'kiri@example.org', 'K', 'x', 'learner', '2026-01-01 00:00:00+00')",
    "INSERT INTO card_state (id, user_id, item_id, state, step, stability, difficulty, due, "
    "last_review, version) VALUES (1, 1, 1, 2, NULL, 3.0, 5.0, '2026-01-05 00:00:00+00', "
    "'2026-01-02 00:00:00+00', 2)",
    *(
        "INSERT INTO review_log (user_id, item_id, rating, reviewed_at) "
        f"VALUES (1, 1, 3, '2026-01-0{day} 00:00:00+00')"
        for day in (1, 2)
    ),
]


def test_existing_ratings_become_study_ratings_counted_on_their_cards(make_app) -> None:
    app = make_app()
    with app.app_context():
        upgrade(revision="0011_item_interop")
        with db.engine.begin() as connection:
            for statement in [*ROWS_AT_0004, *HISTORY]:
                connection.execute(text(statement))
        upgrade(revision="0012_study_science")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT reviews FROM card_state")).scalar() == 2
            origins = connection.execute(text("SELECT origin, response_id FROM review_log"))
            assert origins.all() == [("study", None), ("study", None)]
            assert connection.execute(text("SELECT critical FROM fact")).scalar() in (False, 0)
        downgrade(revision="0011_item_interop")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM review_log")).scalar() == 2
