"""Flashcard study: each learner's FSRS schedule per card, every rating, and settings.

States and ratings are stored as the ``fsrs`` package's stable integer values
(``State.Learning`` = 1, ``Rating.Again`` = 1, ...); a card a learner has never
rated has no ``CardState`` row at all, which is what makes it "new".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.models.base import Base, UTCDateTime


def fsrs_card_checks(suffix: str = "") -> tuple[CheckConstraint, ...]:
    """The ranges of an ``fsrs.Card``'s fields: a ``State`` (1-3), a learning step
    from 0, a positive stability and a difficulty from 1 to 10 (fsrs clamps both).
    ``suffix`` names the columns of the card as it was before a rating."""
    return tuple(
        CheckConstraint(f"{column}{suffix} {rule}", name=f"{column}{suffix}")
        for column, rule in (
            ("state", "BETWEEN 1 AND 3"),
            ("step", ">= 0"),
            ("stability", "> 0"),
            ("difficulty", "BETWEEN 1 AND 10"),
        )
    )


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
        *fsrs_card_checks(),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint("reviews >= 0", name="reviews"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    state: Mapped[int] = mapped_column(SmallInteger)
    step: Mapped[int | None]
    stability: Mapped[float]
    difficulty: Mapped[float]
    due: Mapped[datetime] = mapped_column(UTCDateTime())
    last_review: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)
    # Ratings behind this state (study and quiz alike): how sure mastery can be.
    reviews: Mapped[int] = mapped_column(default=1, server_default="1")


# Where a rating comes from: the study page, or a quiz answer on the card's facts.
STUDY_ORIGIN = "study"
QUIZ_ORIGIN = "quiz"


class ReviewLog(Base):
    """One rating, with the card as it was before it (``state_before`` is NULL for
    a new card): enough to undo it exactly and to recompute a schedule.

    ``origin`` says who rated: the learner on the study page, or a quiz answer
    (``response_id``) by the rule of :mod:`quizapp.study.services.quiz_link`.
    A response rates each card at most once (the unique pair).
    """

    __tablename__ = "review_log"
    __table_args__ = (
        # Today's new cards and the last rating (undo): recent rows of one learner.
        Index("ix_review_log_user_id_reviewed_at", "user_id", "reviewed_at"),
        CheckConstraint("rating BETWEEN 1 AND 4", name="rating"),
        *fsrs_card_checks("_before"),
        CheckConstraint("duration_ms >= 0", name="duration_ms"),
        CheckConstraint(f"origin IN ('{STUDY_ORIGIN}', '{QUIZ_ORIGIN}')", name="origin"),
        UniqueConstraint("response_id", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column(SmallInteger)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_ms: Mapped[int | None]
    state_before: Mapped[int | None] = mapped_column(SmallInteger)
    step_before: Mapped[int | None]
    stability_before: Mapped[float | None]
    difficulty_before: Mapped[float | None]
    due_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_review_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    origin: Mapped[str] = mapped_column(
        String(5), default=STUDY_ORIGIN, server_default=STUDY_ORIGIN
    )
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id", ondelete="SET NULL"))


class StudySettings(Base):
    """A learner's choices; a learner without a row studies with the defaults."""

    DEFAULT_RETENTION = 0.9
    DEFAULT_NEW_PER_DAY = 20
    # What the settings form offers; the database refuses anything else.
    MIN_RETENTION, MAX_RETENTION = 0.70, 0.97
    MAX_NEW_PER_DAY = 9999

    __tablename__ = "study_settings"
    __table_args__ = (
        CheckConstraint(
            f"desired_retention BETWEEN {MIN_RETENTION} AND {MAX_RETENTION}",
            name="desired_retention",
        ),
        CheckConstraint(f"new_per_day BETWEEN 0 AND {MAX_NEW_PER_DAY}", name="new_per_day"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    desired_retention: Mapped[float] = mapped_column(default=DEFAULT_RETENTION)
    new_per_day: Mapped[int] = mapped_column(default=DEFAULT_NEW_PER_DAY)

    @classmethod
    def defaults(cls, user_id: int) -> StudySettings:
        """Unsaved settings with every default filled in (column defaults apply only on insert)."""
        return cls(
            user_id=user_id,
            desired_retention=cls.DEFAULT_RETENTION,
            new_per_day=cls.DEFAULT_NEW_PER_DAY,
        )
