"""Assignments: a quiz an instructor sets for a class, open between two times.

The times are stored in UTC; the form reads and shows them in the class's zone
(:attr:`quizapp.models.Classroom.time_zone`, or the instructor's zone when unset).
Attempts made for an assignment carry ``Attempt.assignment_id``; a learner's own
practice has none.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.clock import now
from quizapp.models.base import Base, JSONType, UTCDateTime, enum_column
from quizapp.models.classes import Classroom
from quizapp.models.content import Deck
from quizapp.models.quiz import FeedbackTiming


class Assignment(Base):
    """A quiz set for a class.

    ``topic_ids`` (empty: every topic) bound the draw, unless ``item_ids`` hand-picks
    the questions, which are then asked in that order. ``late_allowed`` lets learners
    start after ``closes_at``; such work is shown as late.
    """

    __tablename__ = "assignment"
    __table_args__ = (
        CheckConstraint("length >= 1", name="length"),
        CheckConstraint("attempts_allowed >= 1", name="attempts_allowed"),
        CheckConstraint("closes_at > opens_at", name="window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(
        ForeignKey("classroom.id", ondelete="CASCADE"), index=True
    )
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    topic_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    item_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    length: Mapped[int]
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts_allowed: Mapped[int] = mapped_column(default=1)
    feedback: Mapped[FeedbackTiming] = mapped_column(enum_column(FeedbackTiming, "feedback"))
    late_allowed: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    classroom: Mapped[Classroom] = relationship()
    deck: Mapped[Deck] = relationship()
