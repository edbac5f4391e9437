"""Creating, editing and retiring a deck's facts in the app.

A fact is checked exactly as the bank files are: its record with the bank's
own fact schema and reader, then the whole deck with the fact in it
(:func:`decks.stored_deck`), so a fact saved in the browser could have been
written in ``questions/``. Its quote must be a verbatim part of its source's
stored text: the source is the document the quote was selected from, so no
item can cite a source for something the source does not say.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from quizapp import clock, content
from quizapp.bank import decks
from quizapp.bank.problems import Problems
from quizapp.bank.services import EditConflict
from quizapp.content.folder import read_deck_files
from quizapp.content.problems import Report
from quizapp.content.records import FACT, read_fact
from quizapp.content.yamlfile import LineDict, LineList
from quizapp.extensions import db
from quizapp.models import Deck, Fact, Source, Topic, User
from quizapp.models.content import WEB_ORIGIN

RECORD = "record"  # where problems go that belong to no single field
NO_TEXT = "This source has no stored document text; add the document first."
NOT_VERBATIM = "The quote must be copied exactly from the source's text; this passage is not in it."
_MISSING = re.compile(r"missing required field '([a-z_]+)'")
# Which field a whole-deck problem of a fact is about, from its message.
_MESSAGE_FIELDS = (
    (re.compile(r"^field '([a-z_]+)'"), ""),
    (re.compile(r"^unknown topic"), "topic"),
    (re.compile(r"^unknown source"), "source"),
    (re.compile(r"^see_also"), "see_also"),
    (re.compile(r"^unknown relation"), "list.relation"),
    (re.compile(r"^unknown member_type"), "list.member_type"),
    (re.compile(r"^false statement"), "false_statements"),
    (re.compile(r"is a true answer for relation"), "list.distractors"),
    (re.compile(r"^distractor"), "distractors"),
    (re.compile(r"^quote "), "quote"),
)
_FACT_START = re.compile(r"^\s*- id: (.+)$")
_BLOCKS = ("number", "list")  # a fact's blocks whose fields have form fields of their own


class FactProblems(Problems):
    """Why a fact was refused: field name -> messages.

    Field names are the record's (``quote``, ``statement``, ``question`` ...);
    a problem inside a block is under the block and field, e.g. ``number.value``
    or ``list.members``; what belongs to no field is under ``record``.
    """


def save_fact(
    deck: Deck,
    fact: Fact | None,
    record: dict[str, Any],
    editor: User,
    base_version: int | None = None,
) -> Fact:
    """Store a new fact (``fact`` None) or an edit of ``fact``, then regenerate its items.

    A field that is None is left out (the bank's facts have no empty fields).
    A save that changes nothing stores nothing; otherwise the fact's origin
    becomes "web" (a bank load keeps it as edited) and its version goes up by
    one. Of two edits made from the same version only the first is stored.

    Raises:
        FactProblems: the record breaks the bank's rules (every problem at once).
        services.EditConflict: ``fact`` changed since ``base_version`` was shown.
    """
    if fact is not None and base_version is not None and base_version != fact.version:
        raise EditConflict
    record = {name: value for name, value in record.items() if value is not None}
    if fact is not None and fact.retired_at is None and record == fact.record:
        return fact  # nothing changed: no new version, and the fact keeps its origin
    problems = _record_problems(record)
    key = record.get("id")
    if fact is not None and key != fact.key:
        _add(problems, "id", "The id of a fact cannot change; make a new fact instead.")
    elif fact is None and isinstance(key, str) and _key_taken(deck, key):
        _add(problems, "id", f"This deck already has a fact '{key}'; choose another id.")
    source = _quoted_source(deck, record, problems, fact)
    topic = db.session.scalar(
        select(Topic).where(Topic.deck_id == deck.id, Topic.key == record.get("topic"))
    )
    if topic is None and "topic" not in problems:
        _add(problems, "topic", "Choose one of the deck's topics.")
    if problems:
        raise FactProblems(problems)
    assert isinstance(key, str) and source is not None and topic is not None  # checked above
    before = _stored(deck)
    bank = _checked(deck, decks.deck_files_of(deck, replace={key: record}), key)
    critical = bank.decks[0].facts[key].critical
    values = {
        "topic_id": topic.id,
        "source_id": source.id,
        "statement": record["statement"],
        "quote": record["quote"],
        "critical": critical,
        "record": record,
        "origin": WEB_ORIGIN,
        "retired_at": None,
        "updated_by_id": editor.id,
    }
    stored = _insert(deck, key, values) if fact is None else _update(fact, values)
    decks.regenerate_from(deck, before, bank, {key}, editor, "edited")
    return stored


def retire_fact(fact: Fact, editor: User) -> decks.RegenerateReport:
    """Retire a fact: it makes no more items, its generated items are retired,
    and items written by hand that link it get a review note.

    The deck's last active fact can be retired too: the deck then has no items.

    Raises:
        FactProblems: other facts need it (a ``see_also``, a list relation ...).
        services.EditConflict: someone else retired or edited it meanwhile.
    """
    deck = db.session.get_one(Deck, fact.deck_id)
    before = _stored(deck)
    others = select(Fact.id).where(
        Fact.deck_id == deck.id, Fact.retired_at.is_(None), Fact.id != fact.id
    )
    bank = None
    if db.session.scalar(others.limit(1)) is not None:
        bank = _checked(deck, decks.deck_files_of(deck, drop={fact.key}), fact.key)
    # Retired in the app: a bank load keeps it retired, as it keeps other edits.
    _update(fact, {"retired_at": clock.now(), "origin": WEB_ORIGIN, "updated_by_id": editor.id})
    return decks.regenerate_from(deck, before, bank, {fact.key}, editor, "retired")


def _stored(deck: Deck) -> content.Bank | None:
    """The stored deck before a change, to tell generated items from ones edited
    by hand since (None: it has no facts yet, or does not pass its checks)."""
    try:
        return decks.stored_deck(deck)
    except content.BankError:
        return None


def _add(problems: dict[str, list[str]], field: str, message: str) -> None:
    problems.setdefault(field, []).append(message)


def _key_taken(deck: Deck, key: str) -> bool:
    query = select(Fact.id).where(Fact.deck_id == deck.id, Fact.key == key)
    return db.session.scalar(query) is not None


# --- the record on its own ----------------------------------------------------


def _record_problems(record: Mapping[str, Any]) -> dict[str, list[str]]:
    """The bank's own fact checks (schema, blocks, question with answer ...),
    each problem under the field it is about."""
    fields: dict[int, str] = {}
    node = _lines(dict(record), fields, RECORD)
    report = Report(RECORD, [])
    read_fact(node, report, node.line)
    problems: dict[str, list[str]] = {}
    for problem in report.problems:
        field = fields.get(problem.line or 0, RECORD)
        if missing := _MISSING.search(problem.message):  # said at the record, not the field
            name = missing.group(1)
            field = name if field == RECORD else f"{field}.{name}" if field in _BLOCKS else field
        _add(problems, field, _sentence(problem.message))
    return problems


def _lines(value: Any, fields: dict[int, str], name: str) -> Any:
    """``value`` as the loader's line-numbered YAML data, each key and entry on a
    line of its own, so that a problem's line says which field it is about:
    ``fields`` maps each line to the field's name (see :class:`FactProblems`)."""

    def line_of(field: str) -> int:
        fields[len(fields) + 1] = field
        return len(fields)

    if isinstance(value, dict):
        node = LineDict(line_of(name))
        for key, entry in value.items():
            field = (key if key in FACT else RECORD) if name == RECORD else name
            field = f"{name}.{key}" if name in _BLOCKS else field
            node.key_lines[key] = line_of(field)
            node[key] = _lines(entry, fields, field)
        return node
    if isinstance(value, list):
        entries = LineList(line_of(name))
        for entry in value:
            entries.lines.append(line_of(name))
            entries.append(_lines(entry, fields, name))
        return entries
    return value


def _sentence(message: str) -> str:
    """A loader message as a sentence for the form."""
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def _quoted_source(
    deck: Deck, record: Mapping[str, Any], problems: dict[str, list[str]], fact: Fact | None
) -> Source | None:
    """The record's source, when the quote is a verbatim part of its stored text.

    A bundled source has no stored text; an edit of one of its facts that keeps
    the quote (checked against the source's seed by ``bank check --seeds``) is
    let through, any other quote of it is refused.
    """
    # Locked, and read afresh, so a source edit that drops the quote waits for
    # this save (or this save sees the edited text): see sources.edit_source.
    source = db.session.scalar(
        select(Source)
        .where(Source.deck_id == deck.id, Source.key == record.get("source"))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if source is None:
        if "source" not in problems:
            _add(problems, "source", "Choose one of the deck's sources.")
        return None
    kept = fact is not None and (fact.source_id, fact.quote) == (source.id, record.get("quote"))
    if source.text is None and not kept:
        _add(problems, "source", NO_TEXT)
    elif source.text is not None and not _quoted(record.get("quote"), source.text):
        _add(problems, "quote", NOT_VERBATIM)
    return source


def _quoted(quote: Any, text: str) -> bool:
    """Whether ``quote`` is in ``text`` verbatim (a missing quote is reported elsewhere)."""
    return not isinstance(quote, str) or quote in text


# --- the whole deck with the fact in it ----------------------------------------


def _checked(deck: Deck, files: Mapping[str, str], key: str) -> content.Bank:
    """The stored deck with the change made (its ``files``) read by the content
    pipeline, or FactProblems with the problems the change brings (problems the
    deck had before are not the change's fault, unless it has no others)."""
    try:
        return read_deck_files(files, deck.slug)
    except content.BankError as error:
        try:
            decks.stored_deck(deck)
            older: Set[tuple[str, str]] = frozenset()
        except content.BankError as before:
            older = {(p.path, p.message) for p in before.problems}
        new = [p for p in error.problems if (p.path, p.message) not in older]
        raise FactProblems(_deck_problems(new or list(error.problems), files, key)) from None


def _deck_problems(
    problems: list[content.Problem], files: Mapping[str, str], key: str
) -> dict[str, list[str]]:
    """Whole-deck problems by field: the fact's own ones by the field they are
    about, others under ``record`` saying which fact or file they are about."""
    starts = _fact_starts(files)
    mapped: dict[str, list[str]] = {}
    for problem in problems:
        owner = _owner(starts.get(problem.path, []), problem.line)
        if owner == key:
            _add(mapped, _field_of(problem.message), _sentence(problem.message))
        elif owner is not None:
            _add(mapped, RECORD, _sentence(f"fact '{owner}': {problem.message}"))
        else:
            _add(mapped, RECORD, f"{problem.path}: {_sentence(problem.message)}")
    return mapped


def _field_of(message: str) -> str:
    for pattern, field in _MESSAGE_FIELDS:
        if match := pattern.search(message):
            return field or match.group(1)
    return RECORD


def _fact_starts(files: Mapping[str, str]) -> dict[str, list[tuple[int, str]]]:
    """For each facts file, the line each fact starts on and its id."""
    return {
        path: [
            (number, match.group(1).strip("'\""))
            for number, line in enumerate(text.splitlines(), start=1)
            if (match := _FACT_START.match(line))
        ]
        for path, text in files.items()
        if path.startswith("facts/")
    }


def _owner(starts: list[tuple[int, str]], line: int | None) -> str | None:
    owner = None
    for start, key in starts:
        if line is not None and start <= line:
            owner = key
    return owner


# --- storing ------------------------------------------------------------------


def _insert(deck: Deck, key: str, values: dict[str, Any]) -> Fact:
    """A new fact; of two added at once with one id, the second is refused."""
    fact = Fact(deck_id=deck.id, key=key, version=1, **values)
    try:
        with db.session.begin_nested():
            db.session.add(fact)
    except IntegrityError:
        raise FactProblems(
            {"id": [f"This deck already has a fact '{key}'; choose another id."]}
        ) from None
    return fact


def _update(fact: Fact, values: dict[str, Any]) -> Fact:
    """Write ``values`` and the next version, only if no one else wrote one since
    ``fact`` was read (the database decides between two saves at once)."""
    changed = db.session.execute(
        update(Fact)
        .where(Fact.id == fact.id, Fact.version == fact.version)
        .values(version=Fact.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        raise EditConflict
    db.session.refresh(fact)
    return fact
