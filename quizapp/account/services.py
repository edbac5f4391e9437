"""Account rules: password reset links, name and email, registration by email.

Routes and the ``quizapp user reset-link`` command both call these; they add and
flush, and the request or command commits.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from quizapp import clock
from quizapp.auth import sessions
from quizapp.auth.services import (
    AccountError,
    hash_password,
    known_zone,
    password_problem,
    token_hash,
    verify_password,
)
from quizapp.classes.services import teaching
from quizapp.extensions import db
from quizapp.models import Classroom, Enrolment, PasswordReset, Role, User
from quizapp.models.user import PLACEHOLDER_EMAIL

LINK_USED = "This link has expired or has already been used. Ask for a new one."


def link_minutes() -> int:
    """How long a reset or registration link works."""
    return int(current_app.config["PASSWORD_RESET_MAX_AGE_MINUTES"])


def _max_age() -> timedelta:
    return timedelta(minutes=link_minutes())


def email_taken(email: str) -> bool:
    return bool(
        db.session.scalar(select(exists().where(User.email == User.normalise_email(email))))
    )


def _spend_open_links(user_id: int, now: datetime) -> None:
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )


def issue_reset_link(user: User) -> str:
    """A new reset token for ``user``; links issued before it stop working."""
    if user.is_placeholder:
        raise AccountError("This account cannot sign in.")
    now = clock.now()
    _spend_open_links(user.id, now)
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + _max_age(),
        )
    )
    return token


def valid_reset(token: str) -> PasswordReset | None:
    """The link's row while it is unused and unexpired."""
    return db.session.scalar(
        select(PasswordReset).where(
            PasswordReset.token_hash == token_hash(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > clock.now(),
        )
    )


def reset_password(token: str, new: str) -> User:
    """Set a new password through a reset link, spend the link and sign the account
    out everywhere. A second use (double click, another tab) is refused."""
    reset = valid_reset(token)
    user = db.session.get(User, reset.user_id) if reset else None
    if reset is None or user is None:
        raise AccountError(LINK_USED)
    problem = password_problem(new, email=user.email, name=user.display_name)
    if problem:
        raise AccountError(problem)
    now = clock.now()
    spent = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise AccountError(LINK_USED)
    _spend_open_links(user.id, now)
    user.password_hash = hash_password(new)
    sessions.end_all(user.id)
    return user


def learner_of(instructor_id: int, learner_id: int) -> User | None:
    """The learner when they are in a class the instructor teaches (owns or
    co-teaches), else None."""
    return db.session.scalar(
        select(User)
        .join(Enrolment, Enrolment.learner_id == User.id)
        .join(Classroom, Classroom.id == Enrolment.classroom_id)
        .where(
            User.id == learner_id,
            User.role == Role.LEARNER,
            teaching(instructor_id),
        )
        .limit(1)
    )


def update_profile(user: User, name: str, email: str, password: str) -> bool:
    """Rename the account and/or move it to another address; True if the address
    changed. A new address needs the current password, and must be free."""
    email = User.normalise_email(email)
    changed = email != user.email
    if changed:
        if not password or not verify_password(user, password):
            raise AccountError("To change your email address, enter your current password.")
        if email == PLACEHOLDER_EMAIL or email_taken(email):
            raise AccountError("Another account uses this email address.")
    user.display_name = name.strip()
    if changed:
        user.email = email
        _spend_open_links(user.id, clock.now())  # they were mailed to the old address
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError as error:  # taken by another request a moment ago
            raise AccountError("Another account uses this email address.") from error
    return changed


def _registrations() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="quizapp.account.register")


def registration_token(email: str, name: str, time_zone: str) -> str:
    """A signed, expiring link that lets the owner of ``email`` finish registering.

    Nothing is stored: the link carries the address, name and the browser's time
    zone, signed with the secret key; the account is made when the password is
    chosen, so the link works once (the address is then taken).
    """
    expires = (clock.now() + _max_age()).isoformat()
    return _registrations().dumps(
        {
            "email": User.normalise_email(email),
            "name": name.strip(),
            "zone": time_zone,
            "expires": expires,
        }
    )


def read_registration(token: str) -> tuple[str, str, str] | None:
    """The (email, name, time zone) of an unexpired registration link not used yet."""
    try:
        data = _registrations().loads(token)
        email, name, expires = str(data["email"]), str(data["name"]), str(data["expires"])
        zone = known_zone(str(data.get("zone", "")))
        if datetime.fromisoformat(expires) <= clock.now() or email_taken(email):
            return None
    except (BadSignature, KeyError, TypeError, ValueError, AttributeError):
        return None
    return email, name, zone
