"""The database itself refuses what the app never stores (CHECK constraints), the
models declare the same constraints as the migrations, every foreign key has an
index, and migration 0007 repairs old rows instead of stopping on them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, Table, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from quizapp.content import ItemType, Status
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    Base,
    CardState,
    Deck,
    FeedbackTiming,
    Item,
    ItemVersion,
    QuizMode,
    Response,
    ReviewLog,
    Role,
    Source,
    StudySettings,
    Topic,
    User,
)
from tests.conftest import on_postgres

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
BEFORE_0007 = "0006_account_time_zone"
REVISION = "0007_checks_and_indexes"

# (table, column, a value the app never stores, the constraint that refuses it)
REFUSED = [
    ("user_account", "role", "admin", "ck_user_account_role"),
    ("item", "type", "essay", "ck_item_type"),
    ("item", "status", "deleted", "ck_item_status"),
    ("item", "origin", "ftp", "ck_item_origin"),
    ("item", "version", 0, "ck_item_version"),
    ("item_version", "version", 0, "ck_item_version_version"),
    ("attempt", "mode", "hardest", "ck_attempt_mode"),
    ("attempt", "feedback", "never", "ck_attempt_feedback"),
    # Length 0 also puts the stored score of 1 out of range: SQLite names whichever
    # check it tests first, and a batch migration that rebuilds the table may reorder them.
    ("attempt", "length", 0, ("ck_attempt_length", "ck_attempt_score")),
    ("attempt", "score", -0.5, "ck_attempt_score"),
    ("attempt", "score", 2.5, "ck_attempt_score"),  # more points than its 2 questions
    ("response", "score", 1.5, "ck_response_score"),
    ("response", "score", -0.1, "ck_response_score"),
    ("card_state", "state", 4, "ck_card_state_state"),
    ("card_state", "step", -1, "ck_card_state_step"),
    ("card_state", "stability", 0, "ck_card_state_stability"),
    ("card_state", "difficulty", 0.5, "ck_card_state_difficulty"),
    ("card_state", "difficulty", 10.5, "ck_card_state_difficulty"),
    ("card_state", "version", 0, "ck_card_state_version"),
    ("review_log", "rating", 5, "ck_review_log_rating"),
    ("review_log", "state_before", 0, "ck_review_log_state_before"),
    ("review_log", "step_before", -1, "ck_review_log_step_before"),
    ("review_log", "stability_before", -2.0, "ck_review_log_stability_before"),
    ("review_log", "difficulty_before", 11, "ck_review_log_difficulty_before"),
    ("review_log", "duration_ms", -1, "ck_review_log_duration_ms"),
    ("study_settings", "desired_retention", 0.5, "ck_study_settings_desired_retention"),
    ("study_settings", "desired_retention", 0.99, "ck_study_settings_desired_retention"),
    ("study_settings", "new_per_day", -1, "ck_study_settings_new_per_day"),
    ("study_settings", "new_per_day", 10_000, "ck_study_settings_new_per_day"),
]

# The edges of each range are allowed (floats compare exactly on both databases).
ACCEPTED = [
    ("attempt", "score", 0),
    ("attempt", "score", 2),
    ("response", "score", 0),
    ("response", "score", 1),
    ("card_state", "difficulty", 1),
    ("card_state", "difficulty", 10),
    ("card_state", "step", None),
    ("review_log", "state_before", None),
    ("study_settings", "desired_retention", StudySettings.MIN_RETENTION),
    ("study_settings", "desired_retention", StudySettings.MAX_RETENTION),
    ("study_settings", "new_per_day", 0),
    ("study_settings", "new_per_day", StudySettings.MAX_NEW_PER_DAY),
]


@pytest.fixture
def migrated(make_app: Callable[..., Flask]) -> Flask:
    """An app on a database built by the migrations, as production's is."""
    app = make_app()
    with app.app_context():
        upgrade()
    return app


def one_of_each() -> None:
    """A row in every table that has a constraint, all of them valid."""
    user = User(email="kiri@example.org", display_name="Kiri", password_hash="x", role=Role.LEARNER)
    deck = Deck(slug="d", title="Deck")
    db.session.add(deck)
    db.session.flush()
    topic = Topic(deck=deck, key="t", title="Topic", position=0)
    source = Source(deck_id=deck.id, key="s", title="Source", seed="s.txt")
    item = Item(
        uid="d:f:qa",
        deck=deck,
        topic=topic,
        source=source,
        type=ItemType.QA,
        status=Status.PUBLISHED,
        prompt="Q?",
        answer="A",
        explanation="A fact.",
        content_hash="h",
    )
    version = ItemVersion(item=item, version=1, content={})
    db.session.add_all([user, item, version])
    db.session.flush()
    question = AttemptQuestion(position=1, item_id=item.id, item_version=version, topic=topic)
    attempt = Attempt(
        learner=user,
        deck=deck,
        start_token="t" * 16,
        mode=QuizMode.ALL,
        feedback=FeedbackTiming.EACH,
        length=2,
        seed=1,
        score=1.0,
        finished_at=NOW,
        questions=[question],
    )
    db.session.add(attempt)
    db.session.flush()
    db.session.add(Response(attempt_question_id=question.id, answer="A", score=1.0, correct=True))
    card = {"state": 2, "step": None, "stability": 3.0, "difficulty": 5.0}
    db.session.add_all(
        [
            CardState(user_id=user.id, item_id=item.id, due=NOW, last_review=NOW, **card),
            ReviewLog(
                user_id=user.id,
                item_id=item.id,
                rating=3,
                reviewed_at=NOW,
                duration_ms=4000,
                **{f"{name}_before": value for name, value in card.items()},
            ),
            StudySettings.defaults(user.id),
        ]
    )
    db.session.commit()


def problem_setting(connection: Connection, table: str, column: str, value: object) -> str | None:
    """The database's complaint on setting ``column`` to ``value``; None if it took it."""
    savepoint = connection.begin_nested()
    try:
        connection.execute(text(f"UPDATE {table} SET {column} = :value"), {"value": value})
    except IntegrityError as error:
        savepoint.rollback()
        return str(error.orig)
    savepoint.rollback()
    return None


def test_the_database_refuses_what_the_app_never_stores(migrated: Flask) -> None:
    with migrated.app_context():
        one_of_each()
        with db.engine.connect() as connection:
            wrong = []
            for table, column, value, constraints in REFUSED:
                names = (constraints,) if isinstance(constraints, str) else constraints
                problem = problem_setting(connection, table, column, value)
                if problem is None or not any(name in problem for name in names):
                    wrong.append(f"{table}.{column} = {value!r}: {problem or 'accepted'}")
            refused = [
                f"{table}.{column} = {value!r}: {problem}"
                for table, column, value in ACCEPTED
                if (problem := problem_setting(connection, table, column, value))
            ]
    assert wrong == []
    assert refused == []


def test_every_constraint_is_declared_by_the_models_too(migrated: Flask) -> None:
    """Alembic's autogenerate does not compare CHECK constraints: this does, so
    ``create_all`` and a future ``flask db migrate`` agree with the migrations.
    PostgreSQL rewrites a condition in its own words, so there only names compare;
    SQLite keeps the text as written, so there the conditions compare too."""
    with migrated.app_context(), db.engine.connect() as connection:
        inspector = inspect(connection)
        migrated_checks = {
            table.name: {
                check["name"]: check["sqltext"]
                for check in inspector.get_check_constraints(table.name)
            }
            for table in Base.metadata.sorted_tables
        }
        declared = {
            table.name: declared_checks(table, connection) for table in Base.metadata.sorted_tables
        }
    if on_postgres():
        assert {t: set(c) for t, c in migrated_checks.items()} == {
            t: set(c) for t, c in declared.items()
        }
    else:
        assert migrated_checks == declared


def declared_checks(table: Table, connection: Connection) -> dict[str, str]:
    """A model's CHECK conditions as the database's DDL writes them (no table prefix)."""
    return {
        str(check.name): str(
            check.sqltext.compile(
                dialect=connection.dialect, compile_kwargs={"literal_binds": True}
            )
        ).replace(f"{table.name}.", "")
        for check in table.constraints
        if isinstance(check, CheckConstraint)
    }


UNINDEXED_FOREIGN_KEYS = """
SELECT c.conrelid::regclass::text, c.conname
FROM pg_constraint c
WHERE c.contype = 'f'
  AND c.connamespace = current_schema()::regnamespace
  AND NOT EXISTS (
    SELECT 1 FROM pg_index i
    WHERE i.indrelid = c.conrelid
      AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] = c.conkey
  )
ORDER BY 1, 2
"""


def test_every_foreign_key_has_an_index_that_starts_with_it(migrated: Flask) -> None:
    """A referenced row's delete (or ON DELETE rule) finds the referring rows
    through an index, not a scan; a composite index counts when it starts with the key."""
    with migrated.app_context(), db.engine.connect() as connection:
        if on_postgres():
            missing = [tuple(row) for row in connection.execute(text(UNINDEXED_FOREIGN_KEYS))]
        else:
            missing = unindexed_by_inspection(connection)
    assert missing == []


def unindexed_by_inspection(connection: Connection) -> list[tuple[str, str]]:
    """The same question for SQLite, whose catalog SQLAlchemy's inspector reads."""
    inspector = inspect(connection)
    missing = []
    for table in inspector.get_table_names():
        leading = [index["column_names"] for index in inspector.get_indexes(table)]
        leading += [unique["column_names"] for unique in inspector.get_unique_constraints(table)]
        leading.append(inspector.get_pk_constraint(table)["constrained_columns"])
        for key in inspector.get_foreign_keys(table):
            columns = key["constrained_columns"]
            if not any(index[: len(columns)] == columns for index in leading):
                missing.append((table, str(key["name"])))
    return sorted(missing)


ROWS_AT_0006 = [
    "INSERT INTO user_account (id, email, display_name, password_hash, role, session_token, "
    "created_at) VALUES (1, 'a@example.org', 'A', 'x', 'superuser', 'tok', "
    "'2026-01-01 00:00:00+00')",
    "INSERT INTO deck (id, slug, title) VALUES (1, 'd', 'Deck')",
    "INSERT INTO topic (id, deck_id, key, title, position) VALUES (1, 1, 't', 'Topic', 0)",
    "INSERT INTO source (id, deck_id, key, title, seed) VALUES (1, 1, 's', 'Source', 'x.txt')",
    "INSERT INTO item (id, uid, deck_id, topic_id, source_id, type, status, version, prompt, "
    "answer, accept, explanation, content_hash, origin, updated_at) VALUES (1, 'd:f:qa', 1, 1, 1, "
    "'essay', 'hidden', 0, 'Q?', '\"A\"', '[]', 'A.', 'h', 'ftp', '2026-01-01 00:00:00+00')",
    "INSERT INTO item_version (id, item_id, version, content, created_at) VALUES "
    "(1, 1, -1, '{}', '2026-01-01 00:00:00+00'), (2, 1, 0, '{}', '2026-01-01 00:00:00+00')",
    "INSERT INTO attempt (id, learner_id, deck_id, start_token, mode, feedback, length, seed, "
    "started_at, score) VALUES (1, 1, 1, 'tok', 'hardest', 'never', 0, 1, "
    "'2026-01-01 00:00:00+00', 3.0)",
    "INSERT INTO attempt_question (id, attempt_id, position, item_id, item_version_id, topic_id) "
    "VALUES (1, 1, 1, 1, 2, 1)",
    "INSERT INTO response (id, attempt_question_id, answer, score, correct, answered_at) "
    "VALUES (1, 1, '\"A\"', 1.5, TRUE, '2026-01-01 00:00:00+00')",
    "INSERT INTO card_state (id, user_id, item_id, state, step, stability, difficulty, due, "
    "last_review, version) VALUES (1, 1, 1, 2, -1, 0, 12.5, '2026-01-01 00:00:00+00', "
    "'2026-01-01 00:00:00+00', 0)",
    "INSERT INTO review_log (id, user_id, item_id, rating, reviewed_at, duration_ms, state_before, "
    "step_before, stability_before, difficulty_before) VALUES (1, 1, 1, 3, "
    "'2026-01-01 00:00:00+00', -5, 7, -2, -1.0, 0.2)",
    "INSERT INTO study_settings (user_id, desired_retention, new_per_day) VALUES (1, 0.5, 20000)",
]

REPAIRED = {
    "SELECT role FROM user_account": [("learner",)],
    "SELECT type, status, origin, version FROM item": [("qa", "retired", "web", 2)],
    "SELECT id, version FROM item_version ORDER BY id": [(1, 1), (2, 2)],
    "SELECT mode, feedback, length, score FROM attempt": [("all", "end", 1, 1.0)],
    "SELECT score FROM response": [(1.0,)],
    "SELECT state, step, stability, difficulty, version FROM card_state": [(2, 0, 0.001, 10.0, 1)],
    "SELECT duration_ms, state_before, step_before, stability_before, difficulty_before "
    "FROM review_log": [(None, 3, 0, 0.001, 1.0)],
    "SELECT desired_retention, new_per_day FROM study_settings": [(0.7, 9999)],
}


def test_0007_repairs_rows_that_break_a_new_rule_and_goes_back_down(
    make_app: Callable[..., Flask],
) -> None:
    """Nothing in the app writes such rows, but a real database may hold some (hand-
    written SQL, an old bug): the upgrade repairs them instead of failing, and the
    item keeps pointing at its current version."""
    app = make_app()
    with app.app_context():
        upgrade(revision=BEFORE_0007)
        with db.engine.begin() as connection:
            for statement in ROWS_AT_0006:
                connection.execute(text(statement))
        upgrade(revision=REVISION)
        with db.engine.connect() as connection:
            found = {
                query: [tuple(row) for row in connection.execute(text(query))] for query in REPAIRED
            }
        assert found == REPAIRED
        downgrade(revision=BEFORE_0007)
        with db.engine.connect() as connection:
            assert "ck_item_type" not in {
                check["name"] for check in inspect(connection).get_check_constraints("item")
            }
            assert connection.execute(text("SELECT count(*) FROM review_log")).scalar() == 1
