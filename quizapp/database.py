"""The unit of work: the app, not a service or a view, ends each transaction.

- A request commits once, after its view has built a response with a status
  below 400, and before a byte of it is sent; a 4xx/5xx answer or an exception
  rolls everything back. A failed commit is an exception in ``after_request``,
  which Flask turns into the 500 page: never a success page for unsaved work.
- A ``quizapp`` command (made with :class:`quizapp.cli_groups.Group` or
  :func:`quizapp.cli_groups.command`) commits when it returns and rolls back
  when it raises.
- Services and views only add and flush. Where a duplicate key is an expected
  outcome (a double submit, a race between two requests), the service writes
  inside a savepoint, ``with db.session.begin_nested():``, and catches
  ``IntegrityError`` outside it: only the savepoint is undone, and the rest of
  the request's work stays.
- :func:`commit_early` is for the rare caller that must know its work is saved
  before it goes on: ``quizapp serve`` before it starts serving for good, and a
  remember-me cookie's rotation, whose new cookie goes out whatever the page's
  status (``quizapp.auth.sessions``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import Flask, got_request_exception, session
from flask.wrappers import Response
from sqlalchemy.dialects import postgresql, sqlite

from quizapp.extensions import db

P = ParamSpec("P")
R = TypeVar("R")


def dialect() -> str:
    """The name of the database in use: "postgresql" or "sqlite"."""
    return db.session.get_bind().dialect.name


def conflict_insert(dialect_name: str, entity: Any) -> postgresql.Insert | sqlite.Insert:
    """An ``INSERT`` that can say ``ON CONFLICT …`` in ``dialect_name``'s SQL."""
    make = postgresql.insert if dialect_name == "postgresql" else sqlite.insert
    return make(entity)


def commit_early() -> None:
    """Commit now, inside the unit of work; what follows starts a new transaction."""
    db.session.commit()


def _end_request(response: Response) -> Response:
    if response.status_code >= 400:
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        session.pop("_flashes", None)  # no "saved" message for what was not saved
        raise
    return response


def _discard(_sender: Flask, **_extra: Any) -> None:
    """An unhandled exception: roll back before the error page is rendered, so
    the page can still read the database (PostgreSQL refuses an aborted one)."""
    db.session.rollback()


def transactional(command: Callable[P, R]) -> Callable[P, R]:
    """Run a CLI command as one unit of work: commit on return, roll back on error."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = command(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return run


def init_app(app: Flask) -> None:
    app.after_request(_end_request)
    got_request_exception.connect(_discard, app)
