"""Storing a checked bank in the database, and writing the stored bank out.

``quizapp bank load``, ``quizapp serve`` and (later) the instructors' import
all call :func:`store`; the request or command commits, so a load is one
transaction. The instructors' rules (publishing, edit conflicts, flags) are at the end.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from quizapp import clock, content
from quizapp.bank.filerecords import deck_extras, fact_record
from quizapp.extensions import db
from quizapp.models import (
    Deck,
    Fact,
    Flag,
    Item,
    ItemVersion,
    Source,
    SourceVersion,
    Topic,
    User,
)
from quizapp.models.content import BANK_ORIGIN


@dataclass
class LoadReport:
    """What a load changed, so a second load of the same bank can show it changed nothing."""

    decks: list[str] = field(default_factory=list)
    items: Counter[str] = field(default_factory=Counter)
    # Only what is worth telling: facts kept as edited in the app, or retired.
    facts: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        shown = ["added", "updated", "unchanged", "retired"]
        shown += [key for key in self.items if key not in shown]
        counts = ", ".join(f"{self.items[key]} {key}" for key in shown)
        facts = ", ".join(f"{count} {key}" for key, count in self.facts.items())
        told = f" Facts: {facts}." if facts else ""
        return f"Decks: {', '.join(self.decks) or 'none'}. Items: {counts}.{told}"


def bank_path() -> Path:
    """The bank ``quizapp bank`` and ``serve`` use unless given a path: ``questions/``."""
    return Path(current_app.config["BANK_PATH"]).resolve()


def bank_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Item))


def load_bundled_if_empty() -> LoadReport | None:
    """A new database starts with the bundled bank; one that has items keeps its own.
    Returns what was loaded, or None."""
    if not bank_is_empty():
        return None
    return store(content.read_bank(bank_path()))


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


def _store_deck(deck: content.Deck, report: LoadReport) -> tuple[Deck, set[str]]:
    """Store a deck's topics, sources and facts; returns the row and the keys of
    the facts kept as edited in the app (their items are the app's too)."""
    row = db.session.scalar(select(Deck).where(Deck.slug == deck.id)) or Deck(slug=deck.id)
    row.title, row.description = deck.title, deck.description
    row.extras = deck_extras(deck)
    db.session.add(row)
    db.session.flush()
    topics = {t.key: t for t in db.session.scalars(select(Topic).where(Topic.deck_id == row.id))}
    for position, (key, title) in enumerate(deck.topics.items()):
        _upsert(
            Topic,
            topics,
            key,
            deck_id=row.id,
            key=key,
            title=title,
            position=position,
            importance=deck.weight(key),
            core=key in deck.core_topics,
        )
    sources = {s.key: s for s in db.session.scalars(select(Source).where(Source.deck_id == row.id))}
    for source in deck.sources.values():
        _store_source(source, deck.documents.get(source.id), row, sources)
    db.session.flush()
    facts = {f.key: f for f in db.session.scalars(select(Fact).where(Fact.deck_id == row.id))}
    kept = set()
    for fact in deck.facts.values():
        stored = facts.get(fact.id)
        if stored is not None and stored.origin != BANK_ORIGIN:
            kept.add(fact.id)
            continue
        values = {
            "topic": topics[fact.topic],
            "source": sources[fact.source],
            "statement": fact.statement,
            "quote": fact.quote,
            "critical": fact.critical,
            "record": fact_record(fact, deck.critical_topics),
            "retired_at": None,
        }
        if stored is None:
            facts[fact.id] = Fact(deck_id=row.id, key=fact.id, origin=BANK_ORIGIN, **values)
            db.session.add(facts[fact.id])
        elif _differs(stored, values):
            _set(stored, values)
            stored.version += 1
    for key, stored in facts.items():
        if key not in deck.facts and stored.origin == BANK_ORIGIN and stored.retired_at is None:
            stored.retired_at = clock.now()
            report.facts["retired"] += 1
    if kept:
        report.facts["kept as edited in the app"] += len(kept)
    db.session.flush()
    return row, kept


def _differs(row: Any, values: dict[str, Any]) -> bool:
    return any(getattr(row, name) != value for name, value in values.items())


def _set(row: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(row, name, value)


def _store_source(
    source: content.Source, text: str | None, deck: Deck, sources: dict[str, Source]
) -> None:
    """Add or update a bank source (a new version when it changed); one edited in the app stays."""
    stored = sources.get(source.id)
    if stored is not None and stored.origin != BANK_ORIGIN:
        return
    values = {
        "title": source.title,
        "author": source.author,
        "publisher": source.publisher,
        "seed": source.seed or "",
        "note": source.note,
        "address": source.address,
        "published": source.date,
        "text": text,
    }
    if stored is None:
        stored = sources[source.id] = Source(deck_id=deck.id, key=source.id, version=1, **values)
        db.session.add(stored)
    elif _differs(stored, values):
        _set(stored, values)
        stored.version += 1
    else:
        return
    add_source_version(stored, None)


def add_source_version(source: Source, editor: User | None) -> SourceVersion:
    """Keep the source as it now is under its current version number."""
    version = SourceVersion(
        source=source,
        version=source.version,
        content={
            "title": source.title,
            "author": source.author,
            "publisher": source.publisher,
            "address": source.address,
            "published": source.published.isoformat() if source.published else None,
            "text": source.text,
            "note": source.note,
        },
        created_by=editor,
    )
    db.session.add(version)
    return version


CONTENT_FIELDS = (
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


# Keys written only when they hold something other than their default, so an
# item without them keeps the content (and hash) it had before they existed.
OPTIONAL_FIELDS = {"feedback": {}, "format": content.TextFormat.PLAIN.value, "weights": {}}


def without_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the optional keys that hold their default (or are absent)."""
    return {
        key: value
        for key, value in data.items()
        if key not in OPTIONAL_FIELDS or value not in (None, OPTIONAL_FIELDS[key])
    }


def item_content(item: content.Item) -> dict[str, Any]:
    """The fields whose change makes a new version of an item (keys of the export).

    Option feedback, text format and answer weights are part of the content
    only when not at their default (see ``OPTIONAL_FIELDS``).
    """
    exported = item.to_dict()
    keys = (*CONTENT_FIELDS, *OPTIONAL_FIELDS)
    return without_defaults({key: exported[key] for key in keys if key in exported})


def content_hash(data: dict[str, Any]) -> str:
    """A fingerprint of the content in a canonical form, so that the same item
    read from any file hashes alike: facts as a set, 3 and 3.0 as one number,
    an optional key at its default as no key at all."""
    canonical = without_defaults(data) | {"facts": sorted(data["facts"])}
    answer = data["answer"]
    if isinstance(answer, dict):
        canonical["answer"] = {k: v if k == "unit" else float(v) for k, v in answer.items()}
    if "weights" in canonical:
        canonical["weights"] = {k: float(v) for k, v in canonical["weights"].items()}
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class DeckRows:
    """A deck's topics, sources and facts by key: what item content refers to."""

    topics: dict[str, Topic]
    sources: dict[str, Source]
    facts: dict[str, Fact]

    @classmethod
    def of(cls, deck_id: int) -> DeckRows:
        return cls(
            {t.key: t for t in db.session.scalars(select(Topic).where(Topic.deck_id == deck_id))},
            {s.key: s for s in db.session.scalars(select(Source).where(Source.deck_id == deck_id))},
            {f.key: f for f in db.session.scalars(select(Fact).where(Fact.deck_id == deck_id))},
        )


def write_version(
    row: Item, data: dict[str, Any], rows: DeckRows, editor: User | None = None
) -> bool:
    """Give ``row`` the content ``data`` as its next version; False when nothing changed.

    The one path by which item content changes, for bank loads, web edits and
    restores alike, so every change is versioned the same way. The item's
    source is never chosen: it follows from the linked facts (see :func:`cited`),
    so an old version's ``source`` cannot disagree with its quotes when restored.
    """
    data = cited(data, rows)
    digest = content_hash(data)
    if row.id is not None and row.content_hash == digest:
        return False
    if row.id is not None:
        row.version += 1
    row.topic = rows.topics[data["topic"]]
    row.source = rows.sources[data["source"]] if data["source"] else None
    row.type, row.prompt, row.options = (
        content.ItemType(data["type"]),
        data["prompt"],
        data["options"],
    )
    row.answer, row.accept, row.explanation = data["answer"], data["accept"], data["explanation"]
    row.option_feedback = data.get("feedback") or {}
    row.text_format = data.get("format") or content.TextFormat.PLAIN.value
    row.option_weights = data.get("weights") or {}
    row.facts = [rows.facts[key] for key in data["facts"]]
    row.content_hash = digest
    row.updated_by = editor
    db.session.add(ItemVersion(item=row, version=row.version, content=data, created_by=editor))
    return True


def cited(data: dict[str, Any], rows: DeckRows) -> dict[str, Any]:
    """Item content whose ``source`` is its first linked fact's (by key), as
    learners see it cited; None for content without facts (an imported draft)."""
    if not data["facts"]:
        return data | {"source": None}
    return data | {"source": rows.facts[min(data["facts"])].source.key}


def _store_item(
    item: content.Item,
    row: Item | None,
    deck: Deck,
    rows: DeckRows,
    report: LoadReport,
    kept_facts: set[str],
) -> None:
    if (row is not None and row.origin != BANK_ORIGIN) or kept_facts.intersection(item.facts):
        report.items["kept as edited in the app"] += 1
        return
    if row is None:
        row = Item(uid=item.id, deck=deck, status=item.status, version=1, origin=BANK_ORIGIN)
    added = row.id is None
    if write_version(row, item_content(item), rows):
        report.items["added" if added else "updated"] += 1
    else:
        report.items["unchanged"] += 1


def store(bank: content.Bank) -> LoadReport:
    """Add or update every deck, fact and item of a checked bank, by id.

    An unchanged item is not touched; a changed one gets a new version (its
    status, chosen by an instructor, stays); an item (or fact, or source) an
    instructor has edited in the app is left as they made it, and so are the
    items of such a fact; a bank item or fact that left the files is retired,
    never deleted, so learners' history on it remains.
    """
    report = LoadReport()
    for deck in bank.decks:
        deck_row, kept_facts = _store_deck(deck, report)
        rows = DeckRows.of(deck_row.id)
        report.decks.append(deck.id)
        existing = {
            item.uid: item
            for item in db.session.scalars(select(Item).where(Item.deck_id == deck_row.id))
        }
        with db.session.no_autoflush:  # one flush for the deck, not one per item
            for item in (i for i in bank.items if i.deck == deck.id):
                _store_item(item, existing.get(item.id), deck_row, rows, report, kept_facts)
        in_bank = {item.id for item in bank.items}
        for uid, row in existing.items():
            if (
                uid not in in_bank
                and row.origin == BANK_ORIGIN
                and row.status is not content.Status.RETIRED
            ):
                row.status = content.Status.RETIRED
                report.items["retired"] += 1
    db.session.flush()
    return report


def content_item(row: Item) -> content.Item:
    """A stored item as the content pipeline's :class:`content.Item` (for exports)."""
    answer = row.answer
    if isinstance(answer, dict):
        answer = content.NumericAnswer(**answer)
    elif isinstance(answer, list):
        answer = tuple(answer)
    return content.Item(
        id=row.uid,
        deck=row.deck.slug,
        topic=row.topic.key,
        type=row.type,
        prompt=row.prompt,
        options=None if row.options is None else tuple(row.options),
        answer=answer,
        accept=tuple(row.accept),
        explanation=row.explanation,
        feedback=dict(row.option_feedback or {}),
        text_format=content.TextFormat(row.text_format),
        weights=dict(row.option_weights or {}),
        facts=tuple(fact.key for fact in row.facts),
        source=row.source.key if row.source else "",
        status=row.status,
        origin=content.Location("database", row.id),
    )


def stored_items() -> list[content.Item]:
    """Every stored item, in a stable order, loaded in a fixed number of queries."""
    rows = db.session.scalars(
        select(Item)
        .options(
            selectinload(Item.deck),
            selectinload(Item.topic),
            selectinload(Item.source),
            selectinload(Item.facts),
        )
        .order_by(Item.deck_id, Item.uid)
    ).all()
    return [content_item(row) for row in rows]


def export() -> dict[str, Any]:
    """The stored bank in the export shape of questions/README.md."""
    decks = {d.id: d.slug for d in db.session.scalars(select(Deck))}
    sources = db.session.scalars(select(Source).order_by(Source.deck_id, Source.key)).all()
    facts = db.session.scalars(
        select(Fact)
        .options(selectinload(Fact.topic), selectinload(Fact.source))
        .order_by(Fact.deck_id, Fact.key)
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
        "items": [item.to_dict() for item in stored_items()],
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


# --- instructors' rules: publishing, edit conflicts, flags --------------------

NEEDS_FACTS = "Link at least one fact: the explanation and citation come from it."


class EditConflict(Exception):
    """Someone saved the item after the editor opened it (the page answers 409)."""


def ensure_current(item: Item, base_version: int | None) -> None:
    """Refuse an edit made from an older version than the item's current one.

    Raises:
        EditConflict: the item moved on since ``base_version`` was shown.
    """
    if base_version != item.version:
        raise EditConflict


def resolve_flag(flag_id: int, resolver: User, resolution: str) -> bool:
    """Close a learner's report; False when it was already closed (of two
    instructors resolving at once, only the first counts)."""
    resolved = db.session.execute(
        update(Flag)
        .where(Flag.id == flag_id, Flag.resolved_at.is_(None))
        .values(resolved_at=clock.now(), resolved_by_id=resolver.id, resolution=resolution)
    )
    return bool(resolved.rowcount)  # type: ignore[attr-defined]
