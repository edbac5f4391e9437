"""Accounts: who signs in, and with which role."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_login import UserMixin
from sqlalchemy import Select, String, select
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.clock import now
from quizapp.models.base import Base, UTCDateTime, enum_column


class Role(enum.StrEnum):
    LEARNER = "learner"
    INSTRUCTOR = "instructor"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


DEFAULT_TIME_ZONE = "UTC"


class User(UserMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        enum_column(Role, "role"),
        default=Role.LEARNER,
    )
    # What the session cookie holds instead of the id: replacing it (on a password
    # change) signs the account out everywhere else.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # IANA name. Every area shows times and starts the learner's day in this zone.
    time_zone: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE
    )

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_instructor(self) -> bool:
        return self.role is Role.INSTRUCTOR

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    @classmethod
    def by_email(cls, email: str) -> Select[User]:
        return select(cls).where(cls.email == cls.normalise_email(email))

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class SetupToken(Base):
    """A one-time link that creates the first instructor (no default account exists).

    Only a hash of the token is stored: the link printed on the console is the
    sole copy of the secret.
    """

    __tablename__ = "setup_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
