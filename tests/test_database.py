"""Database settings, UTC datetimes and migrations, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from quizapp.config import database_url
from quizapp.extensions import db
from quizapp.models import Base, SetupToken
from tests.conftest import Accounts, csrf_token, on_postgres


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_uses_psycopg(given: str, used: str) -> None:
    assert database_url(given) == used


def test_database_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from quizapp import create_app

    monkeypatch.setenv("DATABASE_URL", "postgresql://quiz@db.internal/quiz")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://quiz@db.internal/quiz"
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_default_database_is_a_sqlite_file_in_the_instance_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from quizapp import create_app

    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/quizapp.db"


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(app: Flask) -> None:
    if on_postgres():
        pytest.skip("SQLite settings; this run is on PostgreSQL")
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 10000


def test_requests_after_an_in_process_migration_still_enforce_foreign_keys(make_app) -> None:
    """``quizapp serve`` migrates in the serving process: the migration's connection
    (foreign keys off for batch mode) goes back to the pool the requests use."""
    if on_postgres():
        pytest.skip("SQLite settings; this run is on PostgreSQL")
    app = make_app()
    with app.app_context():
        upgrade()
        for _ in range(db.engine.pool.size() + 1):  # every pooled connection
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_datetimes_come_back_timezone_aware_in_utc(app: Flask) -> None:
    paris_noon = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    with app.app_context():
        db.session.add(SetupToken(token_hash="h", expires_at=paris_noon))
        db.session.commit()
        db.session.expire_all()
        stored = db.session.scalar(db.select(SetupToken))
        assert stored.expires_at == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
        assert stored.expires_at.tzinfo is UTC


def test_naive_datetimes_are_refused(app: Flask) -> None:
    with app.app_context():
        db.session.add(SetupToken(token_hash="h", expires_at=datetime(2026, 6, 1, 12, 0)))
        with pytest.raises(Exception, match="naive datetime"):
            db.session.commit()
        db.session.rollback()


def test_migrations_build_exactly_the_models_schema_and_go_back_down(make_app) -> None:
    app = make_app()
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
            )
        assert differences == []
        downgrade(revision="base")
        with db.engine.connect() as connection:
            remaining = set(db.inspect(connection).get_table_names()) - {"alembic_version"}
        assert remaining == set()


def test_connections_dropped_by_the_server_are_replaced(app: Flask, database_uri: str) -> None:
    """Pool pre-ping: when PostgreSQL drops the pooled connection (as a restart
    does), the next request gets a fresh one instead of an error page."""
    if not on_postgres():
        pytest.skip("PostgreSQL only: SQLite has no server connection to lose")
    with app.app_context():
        pooled_pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        db.session.remove()
    admin = create_engine(database_uri)
    with admin.begin() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pooled_pid})
    admin.dispose()
    response = app.test_client().get("/health")
    assert response.status_code == 200
    with app.app_context():
        assert db.session.execute(text("SELECT pg_backend_pid()")).scalar() != pooled_pid


ROWS_AT_0004 = [
    "INSERT INTO deck (id, slug, title) VALUES (1, 'd', 'Deck')",
    "INSERT INTO topic (id, deck_id, key, title, position) VALUES (1, 1, 't', 'Topic', 0)",
    "INSERT INTO source (id, deck_id, key, title, seed) VALUES (1, 1, 's', 'Source', 'x.txt')",
    "INSERT INTO fact (id, deck_id, key, topic_id, source_id, statement, quote) "
    "VALUES (1, 1, 'f', 1, 1, 'A fact.', 'a quote')",
    "INSERT INTO item (id, uid, deck_id, topic_id, source_id, type, status, version, prompt, "
    "answer, accept, explanation, content_hash, origin, updated_at) VALUES (1, 'd:f:qa', 1, 1, 1, "
    "'qa', 'published', 1, 'Q?', '\"A\"', '[]', 'A fact.', 'h', 'bank', '2026-01-01 00:00:00+00')",
    "INSERT INTO item_fact (item_id, fact_id) VALUES (1, 1)",
    "INSERT INTO item_version (id, item_id, version, content, created_at) "
    "VALUES (1, 1, 1, '{}', '2026-01-01 00:00:00+00')",
]


def test_upgrading_keeps_existing_content_and_history(make_app) -> None:
    """A table that a later migration rebuilds (SQLite batch mode) must not take
    the rows that refer to it along: links and versions survive the upgrade."""
    app = make_app()
    with app.app_context():
        upgrade(revision="0004_study")
        with db.engine.begin() as connection:
            for statement in ROWS_AT_0004:
                connection.execute(text(statement))
        upgrade()
        with db.engine.connect() as connection:
            counts = [
                connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("item", "item_fact", "item_version", "fact")
            ]
        assert counts == [1, 1, 1, 1]


def test_the_account_takes_over_the_study_settings_time_zone(make_app) -> None:
    """0006 moves the zone from the flashcard settings to the account: a learner
    keeps the zone they chose, one without settings gets UTC, and it goes back down."""
    app = make_app()
    with app.app_context():
        upgrade(revision="0005_editors_classes")
        with db.engine.begin() as connection:
            for id_, email in ((1, "kiri@example.org"), (2, "sam@example.org")):
                connection.execute(
                    text(
                        "INSERT INTO user_account (id, email, display_name, password_hash, role, "
                        "session_token, created_at) VALUES (:id, :email, 'L', 'x', 'learner', "
                        ":token, '2026-01-01 00:00:00+00')"
                    ),
                    {"id": id_, "email": email, "token": f"token-{id_}"},
                )
            connection.execute(
                text(
                    "INSERT INTO study_settings (user_id, desired_retention, new_per_day, "
                    "time_zone) VALUES (1, 0.85, 5, 'Pacific/Auckland')"
                )
            )
        upgrade(revision="0006_account_time_zone")
        with db.engine.connect() as connection:
            zones = connection.execute(
                text("SELECT id, time_zone FROM user_account ORDER BY id")
            ).all()
            settings = connection.execute(
                text("SELECT user_id, desired_retention, new_per_day FROM study_settings")
            ).all()
        assert [tuple(row) for row in zones] == [(1, "Pacific/Auckland"), (2, "UTC")]
        assert [tuple(row) for row in settings] == [(1, 0.85, 5)]
        downgrade(revision="0005_editors_classes")
        with db.engine.connect() as connection:
            back = connection.execute(text("SELECT user_id, time_zone FROM study_settings")).all()
        assert [tuple(row) for row in back] == [(1, "Pacific/Auckland")]


class Relay:
    """A TCP relay to the PostgreSQL server that a test can cut and restore: a real
    outage for this app (its connections dropped, new ones refused) that leaves the
    server, which other tests share, alone."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.connections: list[socket.socket] = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.listener = self.start()

    def start(self) -> socket.socket:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        self.listener = listener
        return listener

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.connections += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        for end in [self.listener, *self.connections]:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()
        self.connections.clear()


def _outage_switch(
    database_uri: str, tmp_path: Path
) -> tuple[str, Callable[[Flask], None], Callable[[], None]]:
    """A database URI for the app, and how to take that database away and bring it back."""
    if on_postgres():
        url = make_url(database_uri)
        relay = Relay(url.host or "127.0.0.1", url.port or 5432)
        relayed = url.set(host="127.0.0.1", port=relay.port)
        return relayed.render_as_string(hide_password=False), lambda _app: relay.cut(), relay.start
    folder, away = tmp_path / "data", tmp_path / "moved"
    folder.mkdir()

    def cut(app: Flask) -> None:
        folder.rename(away)  # the file is gone: no connection to it can be opened
        with app.app_context():  # an open SQLite connection keeps the moved file: drop them
            db.engine.dispose()

    return f"sqlite:///{folder / 'quiz.db'}", cut, lambda: away.rename(folder)


def test_a_database_outage_answers_503_in_the_site_layout_then_recovers(
    make_app: Callable[..., Flask], database_uri: str, tmp_path: Path
) -> None:
    uri, cut, restore = _outage_switch(database_uri, tmp_path)
    app = make_app(SQLALCHEMY_DATABASE_URI=uri, TESTING=False)
    with app.app_context():
        db.create_all()
    accounts = Accounts(app)
    learner = accounts.create()
    client = app.test_client()
    assert accounts.login(client, learner.email).status_code == 302
    assert client.get("/progress/").status_code == 200
    token = csrf_token(client, "/auth/password")

    cut(app)
    for page in ("/progress/", "/auth/password", "/health"):
        response = client.get(page)
        html = response.get_data(as_text=True)
        assert response.status_code == 503, page
        assert "Temporarily unavailable" in html and "For education only." in html, page
        assert "script-src 'self'" in response.headers["Content-Security-Policy"], page
        assert response.headers["X-Frame-Options"] == "DENY", page
        assert response.headers["Retry-After"] == "30", page
    sign_out = client.post("/auth/logout", data={"csrf_token": token})
    assert sign_out.status_code == 503
    assert "this last step was not saved" in sign_out.get_data(as_text=True)

    restore()
    assert client.get("/health").status_code == 200
    assert client.get("/progress/").status_code == 200  # still signed in: nothing was lost


def test_login_sessions_replace_the_account_token_and_it_comes_back_down(make_app) -> None:
    """0009 drops the per-account token (browsers signed in before sign in once more);
    going back down gives each account a fresh, distinct one."""
    app = make_app()
    with app.app_context():
        upgrade(revision="0008_item_feedback_topic_weight")
        with db.engine.begin() as connection:
            for id_ in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO user_account (id, email, display_name, password_hash, role, "
                        "session_token, created_at) VALUES (:id, :email, 'L', 'x', 'learner', "
                        ":token, '2026-01-01 00:00:00+00')"
                    ),
                    {"id": id_, "email": f"l{id_}@example.org", "token": f"token-{id_}"},
                )
        upgrade(revision="0009_login_sessions")
        with db.engine.begin() as connection:
            columns = {c["name"] for c in db.inspect(connection).get_columns("user_account")}
            connection.execute(
                text(
                    "INSERT INTO login_session (user_id, secret_hash, remember, user_agent, "
                    "created_at, last_seen_at, expires_at) VALUES (1, 'h', TRUE, '', "
                    "'2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00', '2026-02-01 00:00:00+00')"
                )
            )
        assert "session_token" not in columns
        downgrade(revision="0008_item_feedback_topic_weight")
        with db.engine.connect() as connection:
            tokens = connection.execute(text("SELECT session_token FROM user_account")).scalars()
            assert len({token for token in tokens if token and len(token) >= 32}) == 2
            assert "login_session" not in db.inspect(connection).get_table_names()


def test_a_write_that_cannot_be_committed_gets_the_503_page_not_a_success(
    make_app: Callable[..., Flask], database_uri: str, tmp_path: Path
) -> None:
    """The database goes away after the view ran, so the commit that ends the
    request fails: the person is told that nothing was saved."""
    uri, cut, restore = _outage_switch(database_uri, tmp_path)
    app = make_app(SQLALCHEMY_DATABASE_URI=uri, TESTING=False)
    with app.app_context():
        db.create_all()

    @app.post("/test-write-late")
    def write_late() -> str:
        expires = datetime(2027, 1, 1, tzinfo=UTC)
        db.session.add(SetupToken(token_hash="late", expires_at=expires))
        cut(app)
        return "saved"

    app.config["WTF_CSRF_ENABLED"] = False
    response = app.test_client().post("/test-write-late")
    assert response.status_code == 503
    assert "this last step was not saved" in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    restore()
    with app.app_context():
        assert db.session.scalar(db.select(SetupToken)) is None
