"""The question bank in the database: decks, their sources and facts, and the
items generated from them (with every past version of each item)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
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
from sqlalchemy.sql.expression import false, text

from quizapp.clock import now
from quizapp.content import ItemType, Kind, Status, TextFormat
from quizapp.models.base import Base, JSONType, UTCDateTime, enum_column
from quizapp.models.user import User

# Where an item's content comes from: the bank files, or the web app's editor.
BANK_ORIGIN = "bank"
WEB_ORIGIN = "web"


class Deck(Base):
    __tablename__ = "deck"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)

    topics: Mapped[list[Topic]] = relationship(
        back_populates="deck", order_by="Topic.position", cascade="all, delete-orphan"
    )


class Topic(Base):
    """A part of a deck (definition, causes, ...): what quizzes and progress group by."""

    __tablename__ = "topic"
    __table_args__ = (UniqueConstraint("deck_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]
    # From deck.yaml: a topic's weight in a quiz draw (1-5), and whether every
    # default quiz must ask about it (seeking help, preventing infection).
    importance: Mapped[int] = mapped_column(default=1, server_default="1")
    core: Mapped[bool] = mapped_column(default=False, server_default=false())

    deck: Mapped[Deck] = relationship(back_populates="topics")


class Source(Base):
    """A document facts come from; learners see its citation on every item."""

    __tablename__ = "source"
    __table_args__ = (UniqueConstraint("deck_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    author: Mapped[str | None] = mapped_column(String(300))
    publisher: Mapped[str | None] = mapped_column(String(300))
    seed: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)

    @property
    def citation(self) -> str:
        by = self.author or self.publisher
        return f"{self.title} ({by})" if by else self.title


item_fact = Table(
    "item_fact",
    Base.metadata,
    Column("item_id", ForeignKey("item.id", ondelete="CASCADE"), primary_key=True),
    Column("fact_id", ForeignKey("fact.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Fact(Base):
    __tablename__ = "fact"
    __table_args__ = (UniqueConstraint("deck_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    statement: Mapped[str] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text)
    # From the bank (deck.yaml ``critical_topics`` or the fact's ``critical``):
    # seeking help, preventing infection. Its cards keep a higher retention and
    # are never buried.
    critical: Mapped[bool] = mapped_column(default=False, server_default=false())

    topic: Mapped[Topic] = relationship()
    source: Mapped[Source] = relationship()


class Item(Base):
    """A flashcard or quiz question. ``uid`` is the bank's stable id; ``version``
    counts content changes, and each one is kept in ``ItemVersion``."""

    __tablename__ = "item"
    __table_args__ = (
        Index("ix_item_deck_status_type", "deck_id", "status", "type"),
        Index("ix_item_updated_at", "updated_at"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint(f"origin IN ('{BANK_ORIGIN}', '{WEB_ORIGIN}')", name="origin"),
        CheckConstraint(
            "text_format IN (" + ", ".join(f"'{f.value}'" for f in TextFormat) + ")",
            name="text_format",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(200), unique=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    type: Mapped[ItemType] = mapped_column(enum_column(ItemType, "type"))
    status: Mapped[Status] = mapped_column(enum_column(Status, "status"), default=Status.DRAFT)
    version: Mapped[int] = mapped_column(default=1)
    prompt: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str] | None] = mapped_column(JSONType)
    answer: Mapped[Any] = mapped_column(JSONType)
    accept: Mapped[list[str]] = mapped_column(JSONType, default=list)
    explanation: Mapped[str] = mapped_column(Text)
    # Option's (or accepted answer's) text -> what the learner is told after choosing it.
    option_feedback: Mapped[dict[str, str]] = mapped_column(
        JSONType, default=dict, server_default=text("'{}'")
    )
    # How prompt and explanation are written: plain text, HTML or Markdown (imports).
    text_format: Mapped[str] = mapped_column(
        String(10), default=TextFormat.PLAIN.value, server_default=TextFormat.PLAIN.value
    )
    # Option or accepted answer -> fraction of a point (-1..1); empty: all-or-nothing.
    option_weights: Mapped[dict[str, float]] = mapped_column(
        JSONType, default=dict, server_default=text("'{}'")
    )
    # Hash of the content fields: a bank load rewrites an item only when it changed.
    content_hash: Mapped[str] = mapped_column(String(64))
    # "bank" items follow the bank files (and are retired when they leave them);
    # items written in the web app are left alone by a bank load.
    origin: Mapped[str] = mapped_column(String(10), default=BANK_ORIGIN)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)
    # None when the last change came from the bank files rather than a person.
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    deck: Mapped[Deck] = relationship()
    topic: Mapped[Topic] = relationship()
    source: Mapped[Source] = relationship()
    facts: Mapped[list[Fact]] = relationship(secondary=item_fact, order_by=Fact.key)
    updated_by: Mapped[User | None] = relationship()

    @property
    def kind(self) -> Kind:
        return self.type.kind


class ItemVersion(Base):
    """An item's content as it was at one version, so past answers keep their meaning."""

    __tablename__ = "item_version"
    __table_args__ = (
        UniqueConstraint("item_id", "version"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    version: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    item: Mapped[Item] = relationship()
    created_by: Mapped[User | None] = relationship()
