"""The Flask extensions, created once and bound to an app in ``create_app``."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from quizapp.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
login_manager = LoginManager()


class _Limiter(Limiter):
    """Flask-Limiter, set so that a limit store (Redis) that stops answering costs
    no one a 500: each worker counts in its own memory and says so in the app's
    log, and goes back to the store once it answers again."""

    def init_app(self, app: Flask) -> None:
        # The extension object outlives an app (tests make many): a new app starts
        # with its own store, trusted until it fails.
        self._storage_dead = False
        # Flask-Limiter's own logger ends in a NullHandler: under gunicorn its
        # "falling back to in-memory storage" would reach no log.
        self.logger = app.logger.getChild("limiter")
        super().init_app(app)


limiter = _Limiter(
    key_func=get_remote_address,
    default_limits=[],
    in_memory_fallback_enabled=True,
    # Also for the count a refused attempt adds after the page is made.
    swallow_errors=True,
    # Redis's errors as limits.errors.StorageError; a second, not a hung request,
    # when the store's host does not answer at all.
    storage_options={"wrap_exceptions": True, "socket_connect_timeout": 1, "socket_timeout": 1},
)


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers and a writer work at once; the busy timeout makes a writer
    wait for the lock instead of failing; SQLite leaves foreign keys off unless asked."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "savepoint")
def _begin_before_sqlite_savepoint(connection: Connection, _name: str) -> None:
    """Python's sqlite3 opens a transaction only before a write, so a savepoint
    that comes first (after reads) would open one of its own, and releasing it
    would commit: the request's unit of work would lose its all-or-nothing."""
    dbapi_connection = connection.connection.dbapi_connection
    if isinstance(dbapi_connection, sqlite3.Connection) and not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN")
