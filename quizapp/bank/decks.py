"""Decks as stored in the database, read back through the content pipeline.

The stored deck (topics, sources, active facts, the deck's extras and the
items written by hand) is turned into the files of a deck folder, so the
same loader, generator and validator that check ``questions/`` check a fact
edited in the browser, and ``bank export --format folder`` writes exactly
what they read. Services never commit: the request or command does.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from quizapp import content
from quizapp.bank.problems import Problems
from quizapp.bank.services import DeckRows, content_hash, item_content, write_version
from quizapp.content.folder import deck_files, read_deck_files
from quizapp.content.model import DEFAULT_IMPORTANCE
from quizapp.content.schema import slug as slug_problem
from quizapp.content.schema import text as text_problem
from quizapp.extensions import db
from quizapp.models import Deck, Fact, Item, ItemVersion, Source, Topic, User
from quizapp.models.content import WEB_ORIGIN

Status = content.Status


class DeckProblems(Problems):
    """Why a deck or topic was refused: form field name -> messages."""


@dataclass
class RegenerateReport:
    """What regenerating some facts' items changed."""

    added: int = 0
    changed: int = 0
    retired: int = 0
    flagged: int = 0  # items written by hand that link an edited fact: marked for review

    def __str__(self) -> str:
        return (
            f"{self.added} new draft(s), {self.changed} changed, {self.retired} retired, "
            f"{self.flagged} written by hand to check."
        )


def edited_note(fact_key: str) -> str:
    """The review note of a generated item that an edit of a fact changed."""
    return (
        f"The fact '{fact_key}' was edited, which changed this item: "
        "check it before publishing it again."
    )


def linked_note(fact_key: str, change: str) -> str:
    """The review note of an item written by hand that links a changed fact."""
    return f"The fact '{fact_key}' was {change}: check that this item still agrees with it."


# --- the stored deck as files -------------------------------------------------


def deck_files_of(
    deck: Deck, replace: Mapping[str, dict[str, Any]] | None = None, drop: Set[str] = frozenset()
) -> dict[str, str]:
    """The stored deck as the files of a deck folder (relative path -> text).

    Active facts only; a source with stored text gets ``documents/<key>.txt``;
    items written by hand (in items.yaml or in the app) that link facts go to
    items.yaml. Generated items are not written: loading the folder makes them.
    ``replace`` and ``drop`` change facts as in :func:`stored_deck`.
    """
    return _files(deck, replace or {}, drop)


def stored_deck(
    deck: Deck, replace: Mapping[str, dict[str, Any]] | None = None, drop: Set[str] = frozenset()
) -> content.Bank:
    """The stored deck read back through the content pipeline (load, generate, validate).

    ``replace`` maps fact keys to records that replace (or add) those facts,
    ``drop`` names facts left out: how an edit is checked before it is stored.

    Raises:
        content.BankError: every problem, as ``facts/x.yaml:3: reason``.
    """
    return read_deck_files(deck_files_of(deck, replace, drop), deck.slug)


def _files(deck: Deck, replace: Mapping[str, dict[str, Any]], drop: Set[str]) -> dict[str, str]:
    topics = list(deck.topics)
    stored = db.session.scalars(
        select(Fact)
        .join(Fact.topic)
        .where(Fact.deck_id == deck.id, Fact.retired_at.is_(None))
        .order_by(Topic.position, Fact.id)
    ).all()
    records = {fact.key: fact.record for fact in stored} | dict(replace)
    facts = {key: record for key, record in records.items() if key not in drop}
    sources = db.session.scalars(
        select(Source).where(Source.deck_id == deck.id).order_by(Source.id)
    ).all()
    extras = deck.extras or {}
    pools: dict[str, Any] = {k: extras[k] for k in ("pools", "synonyms") if k in extras}
    header = _header(deck, topics)
    if _has_generated_drafts(deck):
        header["new_items"] = Status.DRAFT.value
    return deck_files(
        header,
        [_source_record(source) for source in sources],
        list(facts.values()),
        documents={_document(s): s.text for s in sources if s.text is not None},
        pools=pools or None,
        decisions=extras.get("decisions"),
        items=_handwritten(deck, set(facts)) or None,
    )


def _header(deck: Deck, topics: list[Topic]) -> dict[str, Any]:
    """deck.yaml: the deck's own columns, its topics' columns, and the extras."""
    extras = deck.extras or {}
    header: dict[str, Any] = {"id": deck.slug, "title": deck.title}
    if deck.description:
        header["description"] = deck.description
    header["topics"] = {topic.key: topic.title for topic in topics}
    importance = {t.key: t.importance for t in topics if t.importance != DEFAULT_IMPORTANCE}
    core = [topic.key for topic in topics if topic.core]
    fields = {
        "relations": extras.get("relations"),
        "importance": importance,
        "core_topics": core,
        "critical_topics": extras.get("critical_topics"),
        "glossary": extras.get("glossary"),
        "new_items": extras.get("new_items"),
    }
    return header | {name: value for name, value in fields.items() if value}


def _has_generated_drafts(deck: Deck) -> bool:
    """Whether some generated item waits for review: the folder then makes drafts
    (deck.yaml ``new_items: draft``), so loading it elsewhere publishes nothing
    that no one reviewed here."""
    keys = set(db.session.scalars(select(Fact.key).where(Fact.deck_id == deck.id)))
    drafts = db.session.scalars(
        select(Item.uid).where(Item.deck_id == deck.id, Item.status == Status.DRAFT)
    )
    return any(is_generated(uid, deck, keys) for uid in drafts)


def _document(source: Source) -> str:
    return f"{source.key}.txt"


def _source_record(source: Source) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": source.key,
        "title": source.title,
        "author": source.author,
        "publisher": source.publisher,
    }
    optional = {
        "seed": source.seed or None,
        "document": _document(source) if source.text is not None else None,
        "address": source.address,
        "date": source.published,
        "note": source.note,
    }
    return record | {name: value for name, value in optional.items() if value is not None}


def is_generated(uid: str, deck: Deck, fact_keys: Set[str]) -> bool:
    """Whether ``uid`` is the id the generator gives an item of one of ``fact_keys``
    (``deck:fact:template...``); every other id was written by hand."""
    parts = uid.split(":", 2)
    return len(parts) == 3 and parts[0] == deck.slug and parts[1] in fact_keys and bool(parts[2])


def _handwritten(deck: Deck, active: Set[str]) -> list[dict[str, Any]]:
    """items.yaml: the deck's items written by hand that are not retired and
    still link an active fact (links to other facts are left out).

    Facts keep the order the item's author gave (its current version's
    content): the first is the fact the item tests.
    """
    rows = db.session.execute(
        select(Item, ItemVersion.content)
        .join(ItemVersion, (ItemVersion.item_id == Item.id) & (ItemVersion.version == Item.version))
        .options(selectinload(Item.facts), selectinload(Item.topic))
        .where(Item.deck_id == deck.id, Item.status != Status.RETIRED)
        .order_by(Item.id)
    ).all()
    records = []
    for row, written in rows:
        linked = {fact.key for fact in row.facts}
        ordered = [key for key in written.get("facts", ()) if key in linked]
        facts = [key for key in ordered + sorted(linked - set(ordered)) if key in active]
        if facts and not is_generated(row.uid, deck, linked):
            records.append(_item_record(row, facts))
    return records


def _item_record(row: Item, facts: list[str]) -> dict[str, Any]:
    """An item as its items.yaml entry (what that file can say of it)."""
    record: dict[str, Any] = {
        "id": row.uid,
        "type": row.type.value,
        "topic": row.topic.key,
        "prompt": row.prompt,
    }
    if row.options is not None:
        record["options"] = list(row.options)
    answer = row.answer
    if isinstance(answer, dict):  # numeric: unit and tolerance only when they say something
        answer = {key: value for key, value in answer.items() if value or key == "value"}
    record["answer"] = answer
    if row.accept:
        record["accept"] = list(row.accept)
    if row.option_feedback and row.type.has_options:
        record["feedback"] = dict(row.option_feedback)
    if row.explanation:
        record["explanation"] = row.explanation
    record["facts"] = facts
    record["status"] = row.status.value
    return record


# --- creating decks and topics ------------------------------------------------


def create_deck(slug: str, title: str, description: str | None, editor: User) -> Deck:
    """A new empty deck (topics, sources and facts are added next).

    ``editor`` is who asked; decks keep no author, their facts and items do.

    Raises:
        DeckProblems: the short name is malformed or taken, or the title is empty.
    """
    problems: dict[str, list[str]] = {}
    if error := slug_problem(slug):
        problems["slug"] = [f"The short name {error}."]
    elif db.session.scalar(select(Deck.id).where(Deck.slug == slug)) is not None:
        problems["slug"] = [f"A deck called '{slug}' already exists."]
    if text_problem(title):
        problems["title"] = ["Give the deck a title."]
    if problems:
        raise DeckProblems(problems)
    deck = Deck(slug=slug, title=title.strip(), description=description or None, extras={})
    db.session.add(deck)
    db.session.flush()
    return deck


def add_topic(deck: Deck, key: str, title: str) -> Topic:
    """The deck's topic ``key``, added at the end if it is new (idempotent by key).

    Raises:
        DeckProblems: the key is malformed or the title empty.
    """
    existing = db.session.scalar(select(Topic).where(Topic.deck_id == deck.id, Topic.key == key))
    if existing is not None:
        return existing
    problems: dict[str, list[str]] = {}
    if error := slug_problem(key):
        problems["key"] = [f"The topic key {error}."]
    if text_problem(title):
        problems["title"] = ["Give the topic a title."]
    if problems:
        raise DeckProblems(problems)
    last = db.session.scalar(select(func.max(Topic.position)).where(Topic.deck_id == deck.id))
    position = 0 if last is None else last + 1
    topic = Topic(deck=deck, key=key, title=title.strip(), position=position)
    db.session.add(topic)
    db.session.flush()
    return topic


def declare_list(
    deck: Deck,
    relation: str,
    member_type: str,
    relation_entry: dict[str, Any] | None = None,
    pool: list[Any] | None = None,
) -> None:
    """Give the deck what a list fact names when it lacks it: the relation
    (deck.yaml ``relations``) and the pool of wrong answers of its kind of member
    (pools.yaml; empty until the instructor adds some). Existing entries stay."""
    extras = dict(deck.extras or {})
    relations = dict(extras.get("relations") or {})
    pools = dict(extras.get("pools") or {})
    if relation in relations and member_type in pools:
        return
    relations.setdefault(relation, relation_entry or {})
    pools.setdefault(member_type, pool or [])
    deck.extras = extras | {"relations": relations, "pools": pools}


# --- regenerating items -------------------------------------------------------


def regenerate(deck: Deck, facts: Set[str], editor: User | None) -> RegenerateReport:
    """Regenerate the items of the facts ``facts`` (keys) from the stored deck.

    New items are drafts (origin web); an item whose content changed gets a
    new version and goes back to draft with a review note; items no longer
    generated are retired; items written by hand that link one of the facts
    get a review note. Unchanged items are not touched, and past attempts
    keep the versions they answered.

    Raises:
        content.BankError: the stored deck does not pass the bank's checks.
    """
    bank = stored_deck(deck)
    return regenerate_from(deck, bank, bank, facts, editor, "edited")


def regenerate_from(
    deck: Deck,
    before: content.Bank | None,
    bank: content.Bank | None,
    facts: Set[str],
    editor: User | None,
    change: str,
) -> RegenerateReport:
    """:func:`regenerate` after the facts ``facts`` changed: ``before`` and ``bank``
    are the stored deck read before and after the change (None: the deck had or
    has no facts), ``change`` says what happened ("edited", "retired").

    Every generated item of the deck is compared, not only the facts' own: a
    list fact's members are other list facts' wrong answers. An item retired by
    an instructor stays retired, and one edited by hand in the item editor (its
    content is not what the deck generated before the change) is not
    overwritten: it gets a review note instead, when the change alters what
    the deck generates for it.
    """
    report = RegenerateReport()
    rows = DeckRows.of(deck.id)
    stored = {
        row.uid: row
        for row in db.session.scalars(
            select(Item).options(selectinload(Item.facts)).where(Item.deck_id == deck.id)
        )
    }
    previous = {item.id: item for item in (before.items if before else ()) if item.id in stored}
    generated = {
        item.id: item
        for item in (bank.items if bank else ())
        if is_generated(item.id, deck, set(item.facts))
        and (facts & set(item.facts) or item.id in stored)
    }
    edited = min(facts, default="")
    with db.session.no_autoflush:
        for uid, item in generated.items():
            row = stored.get(uid)
            if row is not None and row.status is Status.RETIRED:
                continue  # retired by an instructor (or with its fact): it stays retired
            earlier = _hash_of(previous.get(uid), before)
            if row is not None and earlier not in (None, row.content_hash):  # edited by hand
                if _hash_of(item, bank) != earlier:  # and the change alters what it came from
                    row.review_note = linked_note(edited, change)
                    report.flagged += 1
                continue
            _write_generated(item, row, deck, rows, editor, edited, report)
    for uid, row in stored.items():
        linked = {fact.key for fact in row.facts} | _uid_fact(uid, deck)
        touched = sorted(facts & linked)
        if not touched or uid in generated:
            continue
        if is_generated(uid, deck, linked):
            if row.status is not Status.RETIRED:
                row.status = Status.RETIRED
                row.updated_by = editor
                report.retired += 1
        elif row.status is not Status.RETIRED:
            row.review_note = linked_note(touched[0], change)
            report.flagged += 1
    db.session.flush()
    return report


def _hash_of(item: content.Item | None, bank: content.Bank | None) -> str | None:
    """The content hash a generated item of ``bank`` is stored with (as
    :func:`services.cited` gives it: the source of its first fact by key, in
    that bank, so a fact moved to another source does not hide a hand edit)."""
    if item is None or bank is None:
        return None
    data = item_content(item)
    keys = data["facts"]
    source = bank.decks[0].facts[min(keys)].source if keys else None
    return content_hash(data | {"source": source})


def _uid_fact(uid: str, deck: Deck) -> set[str]:
    """The fact a generated id names, so an item whose links were lost is still found."""
    parts = uid.split(":", 2)
    return {parts[1]} if len(parts) == 3 and parts[0] == deck.slug else set()


def _write_generated(
    item: content.Item,
    row: Item | None,
    deck: Deck,
    rows: DeckRows,
    editor: User | None,
    edited: str,
    report: RegenerateReport,
) -> None:
    """Store a generated item: new, or a new version of a changed one, which goes
    back to draft with a note naming the edited fact (it may be another fact's
    item: a list fact's members are wrong answers of its siblings)."""
    data = item_content(item)
    if row is None:
        if _add_item(item.id, data, deck, rows, editor):
            report.added += 1
        return
    if not write_version(row, data, rows, editor):
        return
    row.origin = WEB_ORIGIN  # a bank load must not undo what the app regenerated
    row.status = Status.DRAFT
    row.review_note = edited_note(edited)
    report.changed += 1


def _add_item(
    uid: str, data: dict[str, Any], deck: Deck, rows: DeckRows, editor: User | None
) -> bool:
    """Add a new draft item; False when another request just added one with this
    id (two clicks at once): the savepoint keeps the rest of this request's work."""
    row = Item(uid=uid, deck=deck, status=Status.DRAFT, version=1, origin=WEB_ORIGIN)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            write_version(row, data, rows, editor)
    except IntegrityError:
        if db.session.scalar(select(Item.id).where(Item.uid == uid)) is None:
            raise  # not the other request's item: a real fault
        return False
    return True
