"""Classes: an instructor's group of learners, joined with a code."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.clock import now
from quizapp.models.base import Base, JSONType, UTCDateTime
from quizapp.models.user import User


class Classroom(Base):
    __tablename__ = "classroom"
    # One name per instructor: also what makes a double-clicked "Create" make one class.
    __table_args__ = (UniqueConstraint("instructor_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # The owner: the only one who archives the class and chooses its co-instructors.
    instructor_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # Stored without the dashes people see; unique so a code names one class.
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    joining_open: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    # Set while the class is archived: read-only, kept for its reports.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The zone assignment times are given in (migration 0015); None: the owner's zone.
    time_zone: Mapped[str | None] = mapped_column(String(64))

    instructor: Mapped[User] = relationship()
    enrolments: Mapped[list[Enrolment]] = relationship(
        back_populates="classroom", cascade="all, delete-orphan"
    )
    co_instructors: Mapped[list[ClassInstructor]] = relationship(
        back_populates="classroom", cascade="all, delete-orphan"
    )

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class Enrolment(Base):
    """A learner's membership of a class; the primary key makes joining twice a no-op."""

    __tablename__ = "enrolment"

    classroom_id: Mapped[int] = mapped_column(
        ForeignKey("classroom.id", ondelete="CASCADE"), primary_key=True
    )
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    classroom: Mapped[Classroom] = relationship(back_populates="enrolments")
    learner: Mapped[User] = relationship()


class ClassInstructor(Base):
    """Another instructor who teaches the class with its owner (a co-instructor)."""

    __tablename__ = "class_instructor"

    classroom_id: Mapped[int] = mapped_column(
        ForeignKey("classroom.id", ondelete="CASCADE"), primary_key=True
    )
    # Indexed for "the classes this instructor teaches", asked on every class page.
    instructor_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    classroom: Mapped[Classroom] = relationship(back_populates="co_instructors")
    instructor: Mapped[User] = relationship()


class ClassSummary(Base):
    """A class's figures as last computed: every member's roster numbers and
    mastery cells (:mod:`quizapp.classes.summaries` writes and reads them).

    The class page shows these instead of counting 500 learners' history on
    each view; names, e-mails and joining dates are not kept here, they are
    read live. One row per class, replaced when it is refreshed.
    """

    __tablename__ = "class_summary"

    classroom_id: Mapped[int] = mapped_column(
        ForeignKey("classroom.id", ondelete="CASCADE"), primary_key=True
    )
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    figures: Mapped[dict[str, Any]] = mapped_column(JSONType)
