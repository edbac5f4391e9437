"""Flashcard study: each learner's FSRS schedule per card, every rating, and settings.

States and ratings are stored as the ``fsrs`` package's stable integer values
(``State.Learning`` = 1, ``Rating.Again`` = 1, ...); a card a learner has never
rated has no ``CardState`` row at all, which is what makes it "new".
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.models.base import Base, UTCDateTime


class CardState(Base):
    """One learner's schedule for one card: the fields of ``fsrs.Card``.

    ``version`` goes up with every change (a rating or an undo). A study page
    carries the version it showed, and a rating is written only ``WHERE version``
    still equals it, so a double click or a stale tab is recorded once.
    """

    __tablename__ = "card_state"
    __table_args__ = (
        UniqueConstraint("user_id", "item_id"),
        # The next card and the counts: one learner's cards in order of due time.
        Index("ix_card_state_user_id_due", "user_id", "due"),
        CheckConstraint("state BETWEEN 1 AND 3", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    state: Mapped[int] = mapped_column(SmallInteger)
    step: Mapped[int | None]
    stability: Mapped[float]
    difficulty: Mapped[float]
    due: Mapped[datetime] = mapped_column(UTCDateTime())
    last_review: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)


class ReviewLog(Base):
    """One rating, with the card as it was before it (``state_before`` is NULL for
    a new card): enough to undo it exactly and to recompute a schedule."""

    __tablename__ = "review_log"
    __table_args__ = (
        # Today's new cards and the last rating (undo): recent rows of one learner.
        Index("ix_review_log_user_id_reviewed_at", "user_id", "reviewed_at"),
        CheckConstraint("rating BETWEEN 1 AND 4", name="rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(SmallInteger)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_ms: Mapped[int | None]
    state_before: Mapped[int | None] = mapped_column(SmallInteger)
    step_before: Mapped[int | None]
    stability_before: Mapped[float | None]
    difficulty_before: Mapped[float | None]
    due_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_review_before: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StudySettings(Base):
    """A learner's choices; a learner without a row studies with the defaults."""

    __tablename__ = "study_settings"

    DEFAULT_RETENTION = 0.9
    DEFAULT_NEW_PER_DAY = 20
    DEFAULT_TIME_ZONE = "UTC"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    desired_retention: Mapped[float] = mapped_column(default=DEFAULT_RETENTION)
    new_per_day: Mapped[int] = mapped_column(default=DEFAULT_NEW_PER_DAY)
    # IANA name; the learner's day (and so the new-card limit) starts at local midnight.
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIME_ZONE)

    @classmethod
    def defaults(cls, user_id: int) -> StudySettings:
        """Unsaved settings with every default filled in (column defaults apply only on insert)."""
        return cls(
            user_id=user_id,
            desired_retention=cls.DEFAULT_RETENTION,
            new_per_day=cls.DEFAULT_NEW_PER_DAY,
            time_zone=cls.DEFAULT_TIME_ZONE,
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)
