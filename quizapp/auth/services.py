"""Account rules shared by the web forms and the ``quizapp user`` commands."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp import clock
from quizapp.auth import sessions
from quizapp.extensions import db
from quizapp.models import Role, SetupToken, User
from quizapp.models.user import DEFAULT_TIME_ZONE
from quizapp.progress import activity

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256


class AccountError(Exception):
    """A request the account rules refuse; the message is shown to the person."""


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("quizapp.auth").joinpath("common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().casefold() for line in text.splitlines() if line and not line.startswith("#")
    )


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password is refused, or None (OWASP ASVS V2.1: length, no
    composition rules, no well-known or account-derived passwords)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters; a few words make a good passphrase."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    folded = password.casefold()
    if folded in common_passwords():
        return "This password is on a list of commonly used passwords; choose another."
    personal = {
        email.strip().casefold(),
        email.split("@")[0].strip().casefold(),
        name.strip().casefold(),
    }
    if folded in personal - {""}:
        return "Do not use your email address or name as your password."
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def create_user(
    email: str,
    name: str,
    password: str,
    role: Role = Role.LEARNER,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> User:
    """Add a user to the session (the request or command commits). Raises AccountError.

    ``time_zone`` is an IANA name the caller has checked (the browser's, at registration).
    """
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise AccountError(problem)
    email = User.normalise_email(email)
    if db.session.scalar(select(exists().where(User.email == email))):
        raise AccountError("An account with this email address already exists.")
    user = User(
        email=email,
        display_name=name.strip(),
        password_hash=hash_password(password),
        role=role,
        time_zone=time_zone,
    )
    try:
        with db.session.begin_nested():  # a savepoint: the caller's other work stays
            db.session.add(user)
    except IntegrityError as error:  # registered by another request a moment ago
        raise AccountError("An account with this email address already exists.") from error
    return user


def verify_password(user: User, password: str) -> bool:
    """True when ``password`` is the account's (a placeholder's "!" never matches)."""
    return check_password_hash(user.password_hash, password)


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password match, or None, in about the same time
    either way, so the answer does not reveal which emails have accounts."""
    user = db.session.scalar(User.by_email(email))
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    return user if verify_password(user, password) else None


def change_password(user: User, current: str, new: str) -> None:
    """Replace the password and end every session of the account (the caller starts a new one)."""
    if not verify_password(user, current):
        raise AccountError("The current password is not correct.")
    problem = password_problem(new, email=user.email, name=user.display_name)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(new)
    sessions.end_all(user.id)


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def known_zone(value: str | None) -> str:
    """The IANA zone the browser reported (``static/js/time-zone.js``), or UTC when it
    sent none (no script) or one zoneinfo does not know: nothing the person could fix."""
    return value if value in known_zones() else DEFAULT_TIME_ZONE


def time_zone(user_id: int) -> ZoneInfo:
    """The account's zone: where its days start and how its times are shown."""
    user = db.session.get(User, user_id)
    return ZoneInfo(user.time_zone if user else DEFAULT_TIME_ZONE)


def set_time_zone(user_id: int, name: str) -> None:
    """Store the account's zone (an IANA name the form has checked); when it changes,
    count the learner's days of activity afresh in it (the dashboard's days are the zone's)."""
    changed = db.session.execute(
        update(User).where(User.id == user_id, User.time_zone != name).values(time_zone=name)
    )
    if changed.rowcount:  # type: ignore[attr-defined]
        activity.rebuild(user_id, ZoneInfo(name))


def instructor_exists() -> bool:
    return bool(db.session.scalar(select(exists().where(User.role == Role.INSTRUCTOR))))


def token_hash(token: str) -> str:
    """What is stored of a secret link's token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_setup_token(now: datetime | None = None) -> str:
    """A new one-time token for creating the first instructor."""
    now = now or clock.now()
    token = secrets.token_urlsafe(32)
    minutes = int(current_app.config["SETUP_TOKEN_MAX_AGE_MINUTES"])
    db.session.add(
        SetupToken(token_hash=token_hash(token), expires_at=now + timedelta(minutes=minutes))
    )
    return token


def valid_setup_token(token: str, now: datetime | None = None) -> SetupToken | None:
    """The unused, unexpired token, while no instructor exists yet."""
    now = now or clock.now()
    found = db.session.scalar(select(SetupToken).where(SetupToken.token_hash == token_hash(token)))
    if found is None or found.used_at is not None or found.expires_at <= now or instructor_exists():
        return None
    return found


def redeem_setup_token(
    token: SetupToken, email: str, name: str, password: str, time_zone: str = DEFAULT_TIME_ZONE
) -> User:
    """Create the first instructor (in the browser's ``time_zone``); a second use of
    the same link (double click, another tab) finds the token spent and is refused."""
    spent = db.session.execute(
        update(SetupToken)
        .where(SetupToken.id == token.id, SetupToken.used_at.is_(None))
        .values(used_at=clock.now())
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise AccountError("This setup link has already been used.")
    return create_user(email, name, password, role=Role.INSTRUCTOR, time_zone=time_zone)
