"""Sign-in sessions kept on the server, so that signing out really ends them.

Each sign-in adds a :class:`LoginSession` row and gives the browser a random
secret: Flask's session cookie holds it as ``_user_id``, and so does the
remember-me cookie when the person asked to stay signed in. Flask-Login hands
that secret to :func:`load_user`, which finds the row by the secret's hash.
Deleting the row (signing out, "sign out everywhere", a password change) makes
every copy of those cookies worthless, wherever it was captured.

A remember-me cookie is single-use: restoring a session from it gives the row a
new secret and the browser new cookies, so an old copy stops working.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache
from typing import Any

from flask import Flask, current_app, g, request, session
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie
from sqlalchemy import Select, bindparam, delete, select

from quizapp import clock
from quizapp.database import commit_early
from quizapp.extensions import db
from quizapp.models import LoginSession, User
from quizapp.models.sessions import USER_AGENT_LENGTH

# "Last seen" is written at most this often per session, not on every request.
LAST_SEEN_EVERY = timedelta(minutes=5)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _remember_duration() -> timedelta:
    """How long a remember-me cookie lasts; Flask-Login also accepts seconds."""
    value = current_app.config["REMEMBER_COOKIE_DURATION"]
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


def _idle_timeout() -> timedelta:
    return timedelta(minutes=int(current_app.config["SESSION_IDLE_MINUTES"]))


def create(user: User, remember: bool, user_agent: str) -> tuple[LoginSession, str]:
    """Add a session row for ``user``; the secret returned with it is the only copy."""
    now = clock.now()
    secret = secrets.token_urlsafe(32)
    db.session.execute(
        delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_at <= now)
    )
    row = LoginSession(
        user=user,
        secret_hash=_hash(secret),
        remember=remember,
        user_agent=user_agent[:USER_AGENT_LENGTH],
        created_at=now,
        last_seen_at=now,
        expires_at=now + (_remember_duration() if remember else _idle_timeout()),
    )
    db.session.add(row)
    return row, secret


@cache
def _find_statement() -> Select[LoginSession]:
    """Built once: every signed-in request runs it."""
    return select(LoginSession).where(
        LoginSession.secret_hash == bindparam("secret_hash"),
        LoginSession.expires_at > bindparam("now"),
    )


def find(secret: str) -> LoginSession | None:
    """The unexpired session holding ``secret``; notes that it was seen just now."""
    now = clock.now()
    row = db.session.scalar(_find_statement(), {"secret_hash": _hash(secret), "now": now})
    if row is not None and now - row.last_seen_at >= LAST_SEEN_EVERY:
        row.last_seen_at = now
        if not row.remember:  # an idle timeout: use keeps a plain session alive
            row.expires_at = now + _idle_timeout()
    return row


def rotate(row: LoginSession) -> str:
    """Give the session a new secret (and a new remember-me term); the old one is dead."""
    secret = secrets.token_urlsafe(32)
    row.secret_hash = _hash(secret)
    row.expires_at = clock.now() + _remember_duration()
    return secret


def of_user(user_id: int) -> list[LoginSession]:
    """The account's signed-in devices, the most recently used first."""
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(LoginSession.user_id == user_id, LoginSession.expires_at > clock.now())
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


def own(user_id: int, session_id: int) -> LoginSession | None:
    """The account's session with this id; another account's is as good as missing."""
    row = db.session.get(LoginSession, session_id)
    return row if row is not None and row.user_id == user_id else None


def end(row: LoginSession) -> None:
    """Sign out the device that holds this session."""
    db.session.delete(row)


def end_all(user_id: int, keep: LoginSession | None = None) -> None:
    """Sign the account out on every device (but ``keep``, when given)."""
    statement = delete(LoginSession).where(LoginSession.user_id == user_id)
    if keep is not None:
        statement = statement.where(LoginSession.id != keep.id)
    db.session.execute(statement)


def _loaded() -> LoginSession | None:
    """The session :func:`load_user` found for this request (it runs at most once)."""
    row: LoginSession | None = g.get("login_session")
    return row


def current() -> LoginSession | None:
    """The session this request is signed in with, if any."""
    # Asking has Flask-Login load the user, and so the session, if it has not yet.
    return _loaded() if current_user.is_authenticated else None


def load_user(secret: str) -> User | None:
    """Flask-Login's user loader: the secret comes from the session or remember cookie."""
    row = find(secret)
    g.login_session = row
    return row.user if row is not None else None


def _establish(user: User, secret: str, remember: bool, fresh: bool = True) -> None:
    login_user(user, remember=remember, fresh=fresh)
    session["_user_id"] = secret  # what load_user receives: the secret, not the account id


def sign_in(user: User, remember: bool = False) -> None:
    """A new session on a clean slate, so nothing set before it (a planted id) carries over."""
    previous = session.get("_user_id")
    if isinstance(previous, str):  # signing in again on this browser replaces its session
        db.session.execute(delete(LoginSession).where(LoginSession.secret_hash == _hash(previous)))
    g.login_session, secret = create(user, remember, request.user_agent.string)
    session.clear()
    _establish(user, secret, remember)


def sign_out() -> None:
    """End this browser's session on the server and delete both of its cookies."""
    row = current()
    if row is not None:
        end(row)
    session.clear()
    logout_user()  # after clear(): it leaves the instruction to delete the remember cookie


def _restored_from_cookie(_app: Flask, user: User, **_extra: Any) -> None:
    """A remember-me cookie signed the browser in: give it a new secret at once.

    The rotation is committed now because the new cookies go out with this
    response whatever its status, and a rolled-back rotation would sign the
    person out on their next page.
    """
    row = _loaded()  # not current(): Flask-Login is still loading the user
    if row is None:
        return
    secret = rotate(row)
    commit_early()
    _establish(user, secret, remember=True, fresh=False)


def init_app(app: Flask) -> None:
    user_loaded_from_cookie.connect(_restored_from_cookie, app)
