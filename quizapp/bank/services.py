"""Storing a checked bank in the database, and writing the stored bank out.

``quizapp bank load``, ``quizapp serve`` and (later) the instructors' import
all call :func:`store`; the caller commits, so a load is one transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from quizapp import content
from quizapp.extensions import db
from quizapp.models import Deck, Fact, Item, ItemVersion, Source, Topic

BANK_ORIGIN = "bank"


@dataclass
class LoadReport:
    """What a load changed, so a second load of the same bank can show it changed nothing."""

    decks: list[str] = field(default_factory=list)
    items: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        counts = ", ".join(
            f"{self.items[k]} {k}" for k in ("added", "updated", "unchanged", "retired")
        )
        return f"Decks: {', '.join(self.decks) or 'none'}. Items: {counts}."


def bank_path() -> Path:
    """The bank ``quizapp bank`` and ``serve`` use unless given a path: ``questions/``."""
    return Path(current_app.config["BANK_PATH"]).resolve()


def bank_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Item))


def _upsert(model: type, rows: dict[str, Any], row_key: str, /, **values: Any) -> Any:
    """The row ``rows[row_key]`` updated with ``values``, or a new one added to the session."""
    row = rows.get(row_key)
    if row is None:
        row = rows[row_key] = model(**values)
        db.session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    return row


def _store_deck(
    deck: content.Deck,
) -> tuple[Deck, dict[str, Topic], dict[str, Source], dict[str, Fact]]:
    row = db.session.scalar(select(Deck).where(Deck.slug == deck.id)) or Deck(slug=deck.id)
    row.title, row.description = deck.title, deck.description
    db.session.add(row)
    db.session.flush()
    topics = {t.key: t for t in db.session.scalars(select(Topic).where(Topic.deck_id == row.id))}
    for position, (key, title) in enumerate(deck.topics.items()):
        _upsert(Topic, topics, key, deck_id=row.id, key=key, title=title, position=position)
    sources = {s.key: s for s in db.session.scalars(select(Source).where(Source.deck_id == row.id))}
    for source in deck.sources.values():
        _upsert(
            Source,
            sources,
            source.id,
            deck_id=row.id,
            key=source.id,
            title=source.title,
            author=source.author,
            publisher=source.publisher,
            seed=source.seed,
            note=source.note,
        )
    db.session.flush()
    facts = {f.key: f for f in db.session.scalars(select(Fact).where(Fact.deck_id == row.id))}
    for fact in deck.facts.values():
        _upsert(
            Fact,
            facts,
            fact.id,
            deck_id=row.id,
            key=fact.id,
            topic=topics[fact.topic],
            source=sources[fact.source],
            statement=fact.statement,
            quote=fact.quote,
        )
    db.session.flush()
    return row, topics, sources, facts


def item_content(item: content.Item) -> dict[str, Any]:
    """The fields whose change makes a new version of an item."""
    exported = item.to_dict()
    return {
        key: exported[key]
        for key in (
            "topic",
            "type",
            "prompt",
            "options",
            "answer",
            "accept",
            "explanation",
            "facts",
            "source",
        )
    }


def _hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def store(bank: content.Bank) -> LoadReport:
    """Add or update every deck, fact and item of a checked bank, by id.

    An unchanged item is not touched; a changed one gets a new version (its
    status, chosen by an instructor, stays); a bank item that left the files is
    retired, never deleted, so learners' history on it remains.
    """
    report = LoadReport()
    for deck in bank.decks:
        deck_row, topics, sources, facts = _store_deck(deck)
        report.decks.append(deck.id)
        existing = {
            item.uid: item
            for item in db.session.scalars(select(Item).where(Item.deck_id == deck_row.id))
        }
        seen: set[str] = set()
        for item in (i for i in bank.items if i.deck == deck.id):
            seen.add(item.id)
            data = item_content(item)
            digest = _hash(data)
            row = existing.get(item.id)
            if row is not None and row.content_hash == digest:
                report.items["unchanged"] += 1
                continue
            if row is None:
                row = Item(
                    uid=item.id, deck=deck_row, status=item.status, version=1, origin=BANK_ORIGIN
                )
                db.session.add(row)
                report.items["added"] += 1
            else:
                row.version += 1
                report.items["updated"] += 1
            row.topic, row.source = topics[item.topic], sources[item.source]
            row.type, row.prompt, row.options = item.type, item.prompt, data["options"]
            row.answer, row.accept, row.explanation = (
                data["answer"],
                data["accept"],
                item.explanation,
            )
            row.facts = [facts[key] for key in item.facts]
            row.content_hash = digest
            db.session.flush()
            db.session.add(ItemVersion(item_id=row.id, version=row.version, content=data))
        for uid, row in existing.items():
            if (
                uid not in seen
                and row.origin == BANK_ORIGIN
                and row.status is not content.Status.RETIRED
            ):
                row.status = content.Status.RETIRED
                report.items["retired"] += 1
    db.session.flush()
    return report


def export() -> dict[str, Any]:
    """The stored bank in the export shape of questions/README.md."""
    decks = {d.id: d.slug for d in db.session.scalars(select(Deck))}
    sources = db.session.scalars(select(Source).order_by(Source.deck_id, Source.key)).all()
    facts = db.session.scalars(
        select(Fact)
        .options(selectinload(Fact.topic), selectinload(Fact.source))
        .order_by(Fact.deck_id, Fact.key)
    ).all()
    items = db.session.scalars(
        select(Item)
        .options(selectinload(Item.topic), selectinload(Item.source), selectinload(Item.facts))
        .order_by(Item.deck_id, Item.uid)
    ).all()
    return {
        "sources": [
            {
                "id": s.key,
                "deck": decks[s.deck_id],
                "title": s.title,
                "author": s.author,
                "publisher": s.publisher,
                "seed": s.seed,
                "note": s.note,
            }
            for s in sources
        ],
        "facts": [
            {
                "id": f.key,
                "deck": decks[f.deck_id],
                "topic": f.topic.key,
                "statement": f.statement,
                "source": f.source.key,
                "quote": f.quote,
            }
            for f in facts
        ],
        "items": [
            {
                "id": i.uid,
                "deck": decks[i.deck_id],
                "topic": i.topic.key,
                "kind": i.kind.value,
                "type": i.type.value,
                "prompt": i.prompt,
                "options": i.options,
                "answer": i.answer,
                "accept": i.accept,
                "explanation": i.explanation,
                "facts": [f.key for f in i.facts],
                "source": i.source.key,
                "status": i.status.value,
            }
            for i in items
        ],
    }


def overview() -> list[tuple[str, str, str, int]]:
    """(deck title, item type, status, count) for every combination present, counted in SQL."""
    rows = db.session.execute(
        select(Deck.title, Item.type, Item.status, func.count())
        .join(Item.deck)
        .group_by(Deck.title, Item.type, Item.status)
        .order_by(Deck.title, Item.type, Item.status)
    ).all()
    return [(title, type_.value, status.value, count) for title, type_, status, count in rows]
