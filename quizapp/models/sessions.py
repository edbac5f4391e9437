"""Signed-in devices: one row per sign-in, so signing out can end it on the server."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.clock import now
from quizapp.models.base import Base, UTCDateTime
from quizapp.models.user import User

USER_AGENT_LENGTH = 255


class LoginSession(Base):
    """A sign-in on one device, found by a hash of the secret its cookies hold.

    The session cookie and the remember-me cookie carry the secret; only its
    SHA-256 is stored, so a copy of the database cannot sign anyone in. Deleting
    the row signs that device out, whatever cookies it still holds.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "Keep me signed in": the row then lasts as long as the remember-me cookie.
    remember: Mapped[bool] = mapped_column(default=False)
    user_agent: Mapped[str] = mapped_column(String(USER_AGENT_LENGTH), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)
