"""Quizzes: a learner's attempts, the questions drawn for them, the answers given,
and the "this looks wrong" flags learners raise on items."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.clock import now
from quizapp.models.base import Base, JSONType, UTCDateTime, enum_column
from quizapp.models.content import Deck, ItemVersion, Topic
from quizapp.models.user import User


class QuizMode(enum.StrEnum):
    """Which published questions a new attempt draws from."""

    ALL = "all"
    NEW = "new"  # never answered by this learner
    WRONG = "wrong"  # the learner's latest answer was not fully right
    WEAKEST = "weakest"  # topics with the lowest accuracy first


class FeedbackTiming(enum.StrEnum):
    EACH = "each"  # right or wrong, with the explanation, after every answer
    END = "end"  # everything on the results page


attempt_topic = Table(
    "attempt_topic",
    Base.metadata,
    Column("attempt_id", ForeignKey("attempt.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Attempt(Base):
    """One quiz a learner takes. ``topics`` is empty when the learner chose all topics.

    ``start_token`` comes from the start form, so a double click or a resent
    form finds the attempt it already made instead of starting a second one.
    ``score`` (points, one per question) is cached when the attempt finishes.
    """

    __tablename__ = "attempt"
    __table_args__ = (
        UniqueConstraint("learner_id", "start_token"),
        Index("ix_attempt_learner_started", "learner_id", "started_at"),
        CheckConstraint("length >= 1", name="length"),
        CheckConstraint("score BETWEEN 0 AND length", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id", ondelete="CASCADE"), index=True)
    start_token: Mapped[str] = mapped_column(String(64))
    mode: Mapped[QuizMode] = mapped_column(enum_column(QuizMode, "mode"))
    feedback: Mapped[FeedbackTiming] = mapped_column(enum_column(FeedbackTiming, "feedback"))
    length: Mapped[int]
    # Seeds the draw and the shuffles; their outcome is stored too, so a reload
    # never depends on re-running them.
    seed: Mapped[int] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    score: Mapped[float | None]
    # Set when the attempt was made for a class assignment; None is the learner's own practice.
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignment.id", ondelete="SET NULL"), index=True
    )

    learner: Mapped[User] = relationship()
    deck: Mapped[Deck] = relationship()
    topics: Mapped[list[Topic]] = relationship(secondary=attempt_topic, order_by=Topic.position)
    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt",
        order_by="AttemptQuestion.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class AttemptQuestion(Base):
    """A question as drawn for one attempt: the item version shown and its option order.

    ``option_order`` lists indexes into the version's options in the order the
    learner sees them (None for questions without options).
    """

    __tablename__ = "attempt_question"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position"),
        UniqueConstraint("attempt_id", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    position: Mapped[int]
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    item_version_id: Mapped[int] = mapped_column(
        ForeignKey("item_version.id", ondelete="CASCADE"), index=True
    )
    # The topic the item had when drawn: what the per-topic results group by.
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    option_order: Mapped[list[int] | None] = mapped_column(JSONType)

    attempt: Mapped[Attempt] = relationship(back_populates="questions")
    item_version: Mapped[ItemVersion] = relationship()
    topic: Mapped[Topic] = relationship()
    response: Mapped[Response | None] = relationship(
        back_populates="question", cascade="all, delete-orphan", passive_deletes=True
    )


class Response(Base):
    """The learner's answer to one attempt question, graded on the server.

    The unique ``attempt_question_id`` is what makes an answer sent twice
    (double click, back button, two tabs) count once.
    """

    __tablename__ = "response"
    __table_args__ = (CheckConstraint("score BETWEEN 0 AND 1", name="score"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_question_id: Mapped[int] = mapped_column(
        ForeignKey("attempt_question.id", ondelete="CASCADE"), unique=True
    )
    # As given: option texts, true/false, or the text typed (see quiz.grading).
    answer: Mapped[Any] = mapped_column(JSONType)
    score: Mapped[float]
    correct: Mapped[bool]
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    question: Mapped[AttemptQuestion] = relationship(back_populates="response")


class Flag(Base):
    """A learner's report that an item looks wrong, for the instructors' review queue.

    It names the version the learner saw, since a later edit may already have
    fixed it. One report per learner and version keeps double clicks out.
    """

    __tablename__ = "flag"
    __table_args__ = (
        UniqueConstraint("learner_id", "item_version_id"),
        Index("ix_flag_open", "resolved_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    item_version_id: Mapped[int] = mapped_column(
        ForeignKey("item_version.id", ondelete="CASCADE"), index=True
    )
    # The report stays for the instructors when the learner's account goes.
    learner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    resolution: Mapped[str | None] = mapped_column(Text)
    # When the learner dismissed the notice of the resolution (None: still shown).
    learner_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    item_version: Mapped[ItemVersion] = relationship()
    learner: Mapped[User | None] = relationship(foreign_keys=[learner_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
