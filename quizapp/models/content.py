"""The question bank in the database: decks, their sources and facts, and the
items generated from them (with every past version of each item)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
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

# Where an item's (or a fact's, or a source's) content comes from: the bank
# files, or the web app's editors.
BANK_ORIGIN = "bank"
WEB_ORIGIN = "web"
_ORIGIN_CHECK = f"origin IN ('{BANK_ORIGIN}', '{WEB_ORIGIN}')"


class Deck(Base):
    __tablename__ = "deck"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    # The rest of the deck as the bank files write it, so the stored deck can be
    # generated from and written back out as a folder: deck.yaml's relations,
    # glossary and critical_topics, pools.yaml's pools and synonyms, and
    # decisions.yaml's decisions, each in its file's shape.
    extras: Mapped[dict[str, Any]] = mapped_column(
        JSONType, default=dict, server_default=text("'{}'")
    )

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
    """A document facts come from; learners see its citation on every item.

    ``text`` is the document as stored (facts' quotes are verbatim parts of it);
    it is None for the bundled sources, whose documents are not shipped.
    Every change of the fields below is kept in :class:`SourceVersion`.
    """

    __tablename__ = "source"
    __table_args__ = (
        UniqueConstraint("deck_id", "key"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint(_ORIGIN_CHECK, name="origin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    author: Mapped[str | None] = mapped_column(String(300))
    publisher: Mapped[str | None] = mapped_column(String(300))
    seed: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(500))
    published: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    origin: Mapped[str] = mapped_column(String(10), default=BANK_ORIGIN, server_default=BANK_ORIGIN)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=now, onupdate=now)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    updated_by: Mapped[User | None] = relationship()

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


class SourceVersion(Base):
    """A source document as it was at one version (title, authors, address, text)."""

    __tablename__ = "source_version"
    __table_args__ = (
        UniqueConstraint("source_id", "version"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    version: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    source: Mapped[Source] = relationship()
    created_by: Mapped[User | None] = relationship()


class Fact(Base):
    """A small checkable statement with a verbatim quote of its source.

    ``record`` is the fact exactly as a bank file's ``facts:`` entry holds it
    (statement, quote and the blocks items are generated from); the columns
    beside it repeat what queries need. A retired fact makes no items.
    """

    __tablename__ = "fact"
    __table_args__ = (
        UniqueConstraint("deck_id", "key"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint(_ORIGIN_CHECK, name="origin"),
    )

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
    record: Mapped[dict[str, Any]] = mapped_column(
        JSONType, default=dict, server_default=text("'{}'")
    )
    origin: Mapped[str] = mapped_column(String(10), default=BANK_ORIGIN, server_default=BANK_ORIGIN)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=now, onupdate=now)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    topic: Mapped[Topic] = relationship()
    source: Mapped[Source] = relationship()
    updated_by: Mapped[User | None] = relationship()


class Item(Base):
    """A flashcard or quiz question. ``uid`` is the bank's stable id; ``version``
    counts content changes, and each one is kept in ``ItemVersion``."""

    __tablename__ = "item"
    __table_args__ = (
        Index("ix_item_deck_status_type", "deck_id", "status", "type"),
        Index("ix_item_updated_at", "updated_at"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint(_ORIGIN_CHECK, name="origin"),
        CheckConstraint(
            "text_format IN (" + ", ".join(f"'{f.value}'" for f in TextFormat) + ")",
            name="text_format",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(200), unique=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), index=True)
    # The source of its first linked fact; None while an imported item has no facts.
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"), index=True)
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
    # Why the item waits for an instructor's review (a fact it comes from was
    # edited or retired); cleared when it is published again.
    review_note: Mapped[str | None] = mapped_column(Text)

    deck: Mapped[Deck] = relationship()
    topic: Mapped[Topic] = relationship()
    source: Mapped[Source | None] = relationship()
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


CANDIDATE_KINDS = ("definition", "number", "list", "statement")
CANDIDATE_STATUSES = ("pending", "accepted", "rejected")


class FactCandidate(Base):
    """A fact proposed from a source document, waiting for an instructor's decision.

    ``record`` is the proposed fact in the bank's fact shape; accepting it (as
    proposed or edited) stores a :class:`Fact` and links it here.
    """

    __tablename__ = "fact_candidate"
    __table_args__ = (
        UniqueConstraint("source_id", "position"),
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in CANDIDATE_KINDS) + ")", name="kind"
        ),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in CANDIDATE_STATUSES) + ")",
            name="status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    topic_key: Mapped[str] = mapped_column(String(64))
    topic_title: Mapped[str] = mapped_column(String(200))
    quote: Mapped[str] = mapped_column(Text)
    record: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    edited: Mapped[bool] = mapped_column(default=False, server_default=false())
    fact_id: Mapped[int | None] = mapped_column(
        ForeignKey("fact.id", ondelete="SET NULL"), index=True
    )
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    deck: Mapped[Deck] = relationship()
    source: Mapped[Source] = relationship()
    fact: Mapped[Fact | None] = relationship()
    decided_by: Mapped[User | None] = relationship()
