"""Each learner's activity per local day, kept as it happens, for the dashboard.

The streak and the reviews-per-day chart read at most one row per day here
instead of scanning and bucketing the whole review log and every quiz answer
on each view (see :mod:`quizapp.progress.activity`, which keeps the rows).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.models.base import Base


class DailyActivity(Base):
    """What one learner did on one of their days (midnight to midnight in the
    account's time zone): ratings of any origin, study-page ratings among them,
    and quiz answers. A row may fall back to zeros after an undo."""

    __tablename__ = "daily_activity"
    __table_args__ = (
        CheckConstraint("reviews >= 0", name="reviews"),
        CheckConstraint("study_reviews BETWEEN 0 AND reviews", name="study_reviews"),
        CheckConstraint("answers >= 0", name="answers"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    reviews: Mapped[int] = mapped_column(default=0, server_default="0")
    study_reviews: Mapped[int] = mapped_column(default=0, server_default="0")
    answers: Mapped[int] = mapped_column(default=0, server_default="0")
