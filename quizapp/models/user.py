"""Accounts: who signs in, and with which role."""

from __future__ import annotations

import enum
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_login import UserMixin
from sqlalchemy import Select, String, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.clock import now
from quizapp.models.base import Base, UTCDateTime, enum_column


class Role(enum.StrEnum):
    LEARNER = "learner"
    INSTRUCTOR = "instructor"


DEFAULT_TIME_ZONE = "UTC"
# The owner of every deleted account's anonymised quiz attempts (quizapp.account.deletion).
# No form accepts this address (".invalid" has no mail), so no person can claim it.
PLACEHOLDER_EMAIL = "deleted-accounts@invalid"


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # IANA name. Every area shows times and starts the learner's day in this zone.
    time_zone: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE
    )

    @property
    def is_instructor(self) -> bool:
        return self.role is Role.INSTRUCTOR

    @hybrid_property
    def is_placeholder(self) -> bool:
        """The "Deleted accounts" learner: counted in item analysis, listed nowhere."""
        return self.email == PLACEHOLDER_EMAIL

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
