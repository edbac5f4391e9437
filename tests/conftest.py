"""Fixtures: an app per test on a fresh database (SQLite, or PostgreSQL when
``TEST_DATABASE_URL`` is set), a client, the CLI runner and account helpers."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from quizapp import create_app
from quizapp.config import database_url
from quizapp.extensions import db
from quizapp.models import Role, User

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
PASSWORD = "correct horse battery staple"
CSRF_INPUT = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def on_postgres() -> bool:
    return bool(TEST_DATABASE_URL)


@pytest.fixture
def database_uri(tmp_path: Path) -> Iterator[str]:
    """A database no other test touches: a SQLite file, or a PostgreSQL schema
    created for this test and dropped after it."""
    if not on_postgres():
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(database_url(TEST_DATABASE_URL))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(database_url(TEST_DATABASE_URL)).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def build_app(database_uri: str, **overrides: object) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-only-" + uuid.uuid4().hex,
        "SQLALCHEMY_DATABASE_URI": database_uri,
        # A fast hash keeps the suite quick; production uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        **overrides,
    }
    return create_app(config)


@pytest.fixture
def make_app(database_uri: str) -> Iterator[Callable[..., Flask]]:
    """Apps with test settings on this test's database, their connections closed after."""
    made: list[Flask] = []

    def make(**overrides: object) -> Flask:
        made.append(build_app(database_uri, **overrides))
        return made[-1]

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    app = make_app()
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@contextmanager
def sql_statements(app: Flask) -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement (with its parameters) the app runs inside the block:
    for tests that a page's query count stays flat, or that its plans use indexes."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_for(app: Flask, client: FlaskClient, url: str) -> list[tuple[str, Any]]:
    """The SQL statements that showing the page at ``url`` runs."""
    with sql_statements(app) as statements:
        assert client.get(url).status_code == 200
    return statements


def csrf_token(client: FlaskClient, page: str = "/auth/login") -> str:
    """The token a person's browser would hold, read from a page's form."""
    html = client.get(page, follow_redirects=True).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict[str, str], **kwargs: object):
    """POST a form the way a browser does: with the CSRF token of the session."""
    return client.post(url, data={"csrf_token": csrf_token(client), **data}, **kwargs)


@dataclass
class Accounts:
    """Builders for users and sign-in, so tests read as what a person does."""

    app: Flask

    def create(
        self,
        email: str = "learner@example.org",
        role: Role = Role.LEARNER,
        password: str = PASSWORD,
        name: str = "Lee Learner",
    ) -> User:
        from quizapp.auth.services import create_user

        with self.app.app_context():
            user = create_user(email, name, password, role=role)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    def login(self, client: FlaskClient, email: str, password: str = PASSWORD, **extra: str):
        return post_form(client, "/auth/login", {"email": email, "password": password, **extra})

    def logout(self, client: FlaskClient):
        return post_form(client, "/auth/logout", {})


@pytest.fixture
def accounts(app: Flask) -> Accounts:
    return Accounts(app)


@pytest.fixture
def learner(accounts: Accounts) -> User:
    return accounts.create("learner@example.org", Role.LEARNER, name="Lee Learner")


@pytest.fixture
def instructor(accounts: Accounts) -> User:
    return accounts.create("teacher@example.org", Role.INSTRUCTOR, name="Ivy Instructor")


@pytest.fixture
def learner_client(app: Flask, accounts: Accounts, learner: User) -> FlaskClient:
    client = app.test_client()
    assert accounts.login(client, learner.email).status_code == 302
    return client


@pytest.fixture
def instructor_client(app: Flask, accounts: Accounts, instructor: User) -> FlaskClient:
    client = app.test_client()
    assert accounts.login(client, instructor.email).status_code == 302
    return client


BUNDLED_BANK = Path(__file__).resolve().parents[1] / "questions"


@pytest.fixture
def bank(app: Flask):
    """The bundled leukopenia bank, loaded into this test's database."""
    from quizapp import content
    from quizapp.bank.services import store

    loaded = content.read_bank(BUNDLED_BANK)
    with app.app_context():
        store(loaded)
        db.session.commit()
    return loaded
