"""Fixtures: an app per test on a fresh database (SQLite, or PostgreSQL when
``TEST_DATABASE_URL`` is set), a client, the CLI runner and account helpers."""

from __future__ import annotations

import os
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event

from quizapp import content, create_app
from quizapp.bank.services import store
from quizapp.extensions import db
from quizapp.models import Role, User
from tests import _databases as databases
from tests._requirements import require_all

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
PASSWORD = "correct horse battery staple"
CSRF_INPUT = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def on_postgres() -> bool:
    return bool(TEST_DATABASE_URL)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked slow (over about 5 s) unless asked for; CI always runs them."""
    if config.getoption("--run-slow") or require_all():
        return
    skip = pytest.mark.skip(
        reason="slow: runs with --run-slow or QUIZAPP_TESTS_REQUIRE_ALL=1 (as .ci/run sets)"
    )
    for item in items:
        if item.get_closest_marker("slow"):
            item.add_marker(skip)


@pytest.fixture
def database_uri(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database no other test touches: a SQLite file, or a PostgreSQL schema
    created for this test and dropped after it.

    A test that uses ``bank`` starts instead from a copy of the session's
    ``bank_template``, so the bundled bank is read and stored once per session,
    not once per test.
    """
    template = (
        request.getfixturevalue("bank_template")
        if "bank_template" in request.fixturenames
        else None
    )
    if not on_postgres():
        target = tmp_path / "test.db"
        yield databases.copy_sqlite(template, target) if template else f"sqlite:///{target}"
    elif template:
        with databases.postgres_schema_copy(TEST_DATABASE_URL, template, db.metadata) as uri:
            yield uri
    else:
        with databases.postgres_schema(TEST_DATABASE_URL) as uri:
            yield uri


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


def at_the_same_moment(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` in threads released together (two tabs, a double click), and
    return their results in the order given; a call that raised raises here."""
    ready = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        ready.wait()
        try:
            results[index] = call()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


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


@pytest.fixture(scope="session")
def bundled_bank() -> content.Bank:
    """The bundled bank as questions/ holds it when the session starts."""
    return content.read_bank(BUNDLED_BANK)


@pytest.fixture(scope="session")
def bank_template(
    tmp_path_factory: pytest.TempPathFactory, bundled_bank: content.Bank
) -> Iterator[str]:
    """A database with today's schema and the bundled bank stored, built once per
    session and never kept between sessions (models and bank files change)."""

    def fill(uri: str) -> str:
        app = build_app(uri)
        with app.app_context():
            db.create_all()
            store(bundled_bank)
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        return uri

    if not on_postgres():
        yield fill(f"sqlite:///{tmp_path_factory.mktemp('bank') / 'template.db'}")
        return
    with databases.postgres_schema(TEST_DATABASE_URL) as uri:
        yield fill(uri)


@pytest.fixture
def bank(app: Flask, bank_template: str, bundled_bank: content.Bank) -> content.Bank:
    """The bundled leukopenia bank in this test's database. Nothing is loaded here:
    asking for ``bank_template`` makes ``database_uri`` start from a copy of it."""
    return bundled_bank
