"""The account lifecycle: one-time links that let a person choose a new password."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.clock import now
from quizapp.models.base import Base, UTCDateTime


class PasswordReset(Base):
    """A password reset link: expiring, and spent by its first use.

    Only a SHA-256 hash of the token is stored, as for ``SetupToken``: the link
    in the email, or the one an instructor hands over, is the sole copy of the
    secret. The row goes with its account.
    """

    __tablename__ = "password_reset"
    # Spending every open link of an account at once (a new link, a new password).
    __table_args__ = (Index("ix_password_reset_user_id_used_at", "user_id", "used_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
