"""Importing items from a file (Moodle GIFT or XML, or the project's YAML/JSON) and
writing the bank out in those formats; shared by the web page and the CLI.

Identity survives Moodle: our exports carry each item's uid where Moodle
keeps it (the GIFT question name, the Moodle XML idnumber), so a question is
the same item when its idnumber or name equals the uid of an item of the
deck. Any other name ("Q1") is a label: it never overwrites an item, and
repeats are fine. A new question whose content equals an item of the deck
counts as that item, unchanged, rather than as a duplicate.

Nothing changes that the file does not say: a topic, facts or numeric unit
the file leaves out (Moodle drops our ``// facts:`` comments) keeps its
stored value, so a file of unchanged questions writes nothing. A source in
the file is ignored: an item's source follows from its facts, and a new
question without facts is stored as a draft without a source until an
instructor links its facts in the editor.

A file is checked whole before anything is stored, YAML/JSON first against
:mod:`quizapp.bank.import_schema`: any problem refuses it with every reason
as ``file:line: reason``, and the bank stays as it was. Questions of types
this site lacks (essay, matching, description) are listed and left out only
when the instructor asks to import the rest; what a conversion could not
keep is listed line by line.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import yaml
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from quizapp import content
from quizapp.bank import gate, publishing
from quizapp.bank.authoring import ItemDraft, problems, save
from quizapp.bank.import_schema import (
    MAX_DEPTH,
    MAX_ITEMS,
    answer_marks_problem,
    capped,
    schema_problems,
    too_many,
)
from quizapp.bank.services import (
    DeckRows,
    content_hash,
    content_item,
    export,
    item_content,
    stored_items,
)
from quizapp.content.gift import read_gift, render_gift
from quizapp.content.interchange import ForeignQuestion
from quizapp.content.jsonfile import parse_json
from quizapp.content.lint import LintContext
from quizapp.content.moodlexml import read_moodle_xml, render_moodle_xml
from quizapp.content.problems import BankError, Problem, Report
from quizapp.content.yamlfile import ImportLoader, LineList, parse_yaml
from quizapp.extensions import db
from quizapp.models import Deck, Item, Topic, User

EXPORT_FORMATS = {
    "json": "application/json",
    "yaml": "application/yaml",
    "gift": "text/plain",
    "xml": "application/xml",
}
GIFT_SUFFIXES = (".gift", ".txt")
SUFFIXES = (*GIFT_SUFFIXES, ".xml", ".yaml", ".yml", ".json")
MAX_UID = 200  # Item.uid's column length
IMPORT_SECONDS = 15.0  # default of the IMPORT_SECONDS setting: under a worker's 30 s timeout
_MOODLE_CONTEXT = re.compile(r"\$\w+\$")  # $course$, $system$, $module$, $cat1$ …


def export_text(fmt: str) -> str:
    """The whole stored bank as JSON, YAML or (quiz questions only) GIFT or Moodle XML."""
    if fmt == "gift":
        return render_gift(stored_items())
    if fmt == "xml":
        return render_moodle_xml(stored_items())
    if fmt == "json":
        return json.dumps(export(), ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(export(), allow_unicode=True, sort_keys=False, width=100)


@dataclass(frozen=True)
class Defaults:
    """Where new items land when the file does not say: a Moodle file names no topic of ours."""

    topic: str

    @classmethod
    def of(cls, deck: Deck, topic: str | None = None) -> Defaults:
        """The given topic key, else the deck's first topic (by position)."""
        first_topic = db.session.scalar(
            select(Topic.key).where(Topic.deck_id == deck.id).order_by(Topic.position, Topic.id)
        )
        return cls(topic or first_topic or "")


class Budget:
    """The seconds one file may take to check and store (setting ``IMPORT_SECONDS``,
    environment ``QUIZAPP_IMPORT_SECONDS``).

    It measures work time with :func:`time.monotonic`, not the app's clock:
    it bounds how long a worker is held, and says nothing about the data.
    """

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.seconds = float(current_app.config.get("IMPORT_SECONDS", IMPORT_SECONDS))
        self.deadline = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            reason = f"took more than {self.seconds:g} s to import; nothing was stored: split it"
            raise BankError([Problem(self.filename, None, reason)])


@dataclass(frozen=True)
class _Entry:
    """One question or item as the file gives it. ``said`` names which of topic,
    facts and (numeric) unit the file really gives; the draft holds
    blanks for the others until it is merged with the stored item or the defaults."""

    line: int
    ids: tuple[str, ...]
    draft: ItemDraft
    said: frozenset[str]


@dataclass(frozen=True)
class Incoming:
    """An item to store: ``uid`` is the existing item's it updates, or the new item's;
    ``label`` is how the file names it (for problems), else the uid."""

    line: int
    uid: str
    draft: ItemDraft
    label: str


@dataclass
class Upload:
    """A checked file: what to store, and what to tell the instructor about it."""

    incoming: list[Incoming]
    budget: Budget
    unchanged: int = 0  # new questions identical to an item the deck already has
    skipped: list[Problem] = field(default_factory=list)
    lossy: list[Problem] = field(default_factory=list)


@dataclass
class ImportReport:
    items: Counter[str] = field(default_factory=Counter)
    withdrawn: list[str] = field(default_factory=list)  # "uid: why" of unpublished items
    skipped: list[Problem] = field(default_factory=list)
    lossy: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [f"{self.items[key]} {key}" for key in ("added", "updated", "unchanged")]
        text = "Imported: " + ", ".join(parts) + "; new items are drafts."
        if self.skipped:
            text += (
                f" Skipped: {len(self.skipped)} question(s) this product cannot hold"
                " (see the lines)."
            )
        if self.withdrawn:
            text += f" {len(self.withdrawn)} changed item(s) moved back to drafts."
        return text


def read_upload(text: str, filename: str, deck: Deck, defaults: Defaults) -> Upload:
    """The file's items checked against the deck and matched to its items.

    Raises:
        BankError: with every problem (at most ``MAX_PROBLEMS`` listed); nothing is stored.
    """
    budget = Budget(filename)
    if "\x00" in text:
        raise BankError([Problem(filename, None, "holds a NUL byte: it is not a text file")])
    name = filename.lower()
    rows = DeckRows.of(deck.id)
    skipped: list[Problem] = []
    lossy: list[Problem] = []
    if name.endswith((*GIFT_SUFFIXES, ".xml")):
        if marks := answer_marks_problem(text, filename, xml=name.endswith(".xml")):
            raise BankError([marks])
        parsed = (read_gift if name.endswith(GIFT_SUFFIXES) else read_moodle_xml)(text, filename)
        if len(parsed.questions) + len(parsed.skipped) > MAX_ITEMS:
            count = len(parsed.questions) + len(parsed.skipped)
            raise BankError([Problem(filename, None, too_many(count))])
        skipped, lossy = list(parsed.skipped), list(parsed.lossy)
        entries = [_from_foreign(q, deck, rows, Report(filename, lossy)) for q in parsed.questions]
    elif name.endswith(SUFFIXES):
        entries = _from_data(text, filename, deck)
    else:
        types = ", ".join(SUFFIXES)
        raise BankError([Problem(filename, None, f"unknown file type: use {types}")])
    budget.check()
    upload = _match(entries, deck, defaults, Report(filename, lossy), budget)
    upload.skipped = skipped
    found = [
        Problem(filename, entry.line, f"{entry.label}: {message}")
        for entry in upload.incoming
        for messages in problems(entry.draft, rows, require_facts=False).values()
        for message in messages
    ]
    if not entries and not skipped:
        found.append(Problem(filename, None, "holds no items"))
    if found:
        raise BankError(capped(found))
    budget.check()
    return upload


def _from_foreign(question: ForeignQuestion, deck: Deck, rows: DeckRows, notes: Report) -> _Entry:
    """A GIFT or Moodle XML question; metadata the deck does not know is noted and left out."""
    topic = _topic_of(question.category, deck, rows)
    facts = [key for key in question.facts if key in rows.facts]
    if unknown := [key for key in question.facts if key not in rows.facts]:
        notes.add(question.line, f"fact(s) {', '.join(unknown)} not in this deck: left out")
    answer: Any = question.answer
    if isinstance(answer, content.NumericAnswer):
        answer = {"value": answer.value, "tolerance": answer.tolerance, "unit": answer.unit}
    elif isinstance(answer, tuple):
        answer = list(answer)
    said = {"topic": topic, "facts": facts, "unit": question.unit is not None}
    draft = ItemDraft(
        type=question.type,
        topic=topic or "",
        facts=facts,
        prompt=question.prompt,
        explanation=question.explanation,
        options=None if question.options is None else list(question.options),
        answer=answer,
        accept=list(question.accept),
        feedback=dict(question.feedback),
        text_format=str(question.text_format),
        weights=dict(question.weights),
    )
    ids = tuple(i for i in (question.idnumber, question.name) if i)
    return _Entry(question.line, ids, draft, frozenset(key for key, v in said.items() if v))


def _topic_of(category: str | None, deck: Deck, rows: DeckRows) -> str | None:
    """The topic a category names, written as we do (``deck/topic``) or as Moodle
    does (``$course$/top/deck/topic``), by key or title in any case; else None."""
    parts = [part.strip().casefold() for part in (category or "").split("/") if part.strip()]
    if parts and _MOODLE_CONTEXT.fullmatch(parts[0]):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    if parts and parts[0] in (deck.slug.casefold(), deck.title.casefold()):
        parts = parts[1:]
    if len(parts) != 1:
        return None
    return next(
        (key for key, t in rows.topics.items() if parts[0] in (key.casefold(), t.title.casefold())),
        None,
    )


def _from_data(text: str, filename: str, deck: Deck) -> list[_Entry]:
    """The items of a YAML (1.2 core schema) or JSON file of the export shape,
    held to the import schema before any is read."""
    report = Report(filename, [])
    lines: dict[int, int] = {}
    if filename.lower().endswith(".json"):
        data, lines = parse_json(text, report, MAX_DEPTH)
    else:
        data = parse_yaml(text, report, ImportLoader)
    if report.problems:
        raise BankError(report.problems)
    found = schema_problems(data, filename, lines)
    if found:
        raise BankError(capped(found))
    entries, items = [], data["items"]
    for index, entry in enumerate(items):
        line = _item_line(items, index, lines)
        if entry.get("deck", deck.slug) != deck.slug:
            found.append(Problem(filename, line, f"belongs to deck '{entry['deck']}', not here"))
        else:
            entries.append(_from_entry(entry, line))
    if found:
        raise BankError(capped(found))
    return entries


def _item_line(items: Any, index: int, lines: dict[int, int]) -> int:
    """The line an item starts on: YAML lists know it, JSON objects were noted by ``id()``."""
    return items.line_at(index) if isinstance(items, LineList) else lines[id(items[index])]


def _from_entry(entry: dict[str, Any], line: int) -> _Entry:
    """An item of the export shape (stored content: a cloze has blanks, not braces)."""
    stored = {
        "type": entry["type"],
        "topic": entry.get("topic") or "",
        "facts": list(entry.get("facts") or []),
        "prompt": entry["prompt"],
        "explanation": entry.get("explanation") or "",
        "options": entry.get("options"),
        "answer": entry["answer"],
        "accept": list(entry.get("accept") or []),
        "feedback": dict(entry.get("feedback") or {}),
        "format": entry.get("format"),
        "weights": dict(entry.get("weights") or {}),
    }
    said = {"topic"} if entry.get("topic") else set()
    said.add("unit")
    if entry.get("facts") is not None:
        said.add("facts")
    ids = (str(entry["id"]),) if entry.get("id") else ()
    return _Entry(line, ids, ItemDraft.from_content(stored), frozenset(said))


def _match(
    entries: list[_Entry], deck: Deck, defaults: Defaults, notes: Report, budget: Budget
) -> Upload:
    """Each entry paired with the item it updates (by uid, or by identical content)
    or given a uid of its own; what the file leaves out is filled in."""
    rows = db.session.scalars(
        select(Item)
        .where(Item.deck_id == deck.id)
        .options(*(selectinload(r) for r in (Item.deck, Item.topic, Item.source, Item.facts)))
    ).all()
    stored = {row.uid: item_content(content_item(row)) for row in rows}
    twins: dict[str, str] = {}  # fingerprint of the question alone -> uid
    for uid, data in stored.items():
        for keep_unit in (True, False):
            twins.setdefault(_fingerprint(data, keep_unit), uid)
    wanted = {i for entry in entries for i in entry.ids if _ours(i, deck)}
    taken = (
        set(db.session.scalars(select(Item.uid).where(Item.uid.in_(wanted)))) if wanted else set()
    )
    claimed: dict[str, int] = {}  # uid -> line of the entry that has it
    upload = Upload([], budget)
    for entry in entries:
        budget.check()
        match = next((i for i in entry.ids if i in stored and i not in claimed), None)
        draft = _merged(entry, stored.get(match) if match else None, defaults)
        if match is not None:
            uid = match
        else:
            twin = twins.get(_fingerprint(draft.content(), "unit" in entry.said))
            if twin is not None:
                upload.unchanged += 1
                continue
            uid = next(
                (i for i in entry.ids if _ours(i, deck) and i not in taken and i not in claimed),
                f"{deck.slug}:import:{secrets.token_hex(5)}",
            )
        for repeat in (i for i in entry.ids if i in claimed and _ours(i, deck)):
            notes.add(
                entry.line,
                f"'{repeat}' was already imported from line {claimed[repeat]}: "
                "this question is a new item",
            )
        claimed[uid] = entry.line
        upload.incoming.append(Incoming(entry.line, uid, draft, next(iter(entry.ids), uid)))
    upload.lossy = sorted(notes.problems, key=lambda problem: problem.line or 0)
    return upload


def _ours(identifier: str, deck: Deck) -> bool:
    """Whether a name or id has the shape of this deck's uids (and fits the column)."""
    return identifier.startswith(f"{deck.slug}:") and len(identifier) <= MAX_UID


def _merged(entry: _Entry, stored: dict[str, Any] | None, defaults: Defaults) -> ItemDraft:
    """The entry's draft with what it leaves out taken from the stored item, else the defaults."""
    base = ItemDraft.from_content(stored) if stored else None
    draft = entry.draft
    topic = draft.topic if "topic" in entry.said else base.topic if base else defaults.topic
    facts = draft.facts if "facts" in entry.said else base.facts if base else []
    answer = draft.answer
    if isinstance(answer, dict) and "unit" not in entry.said:
        unit = base.answer.get("unit", "") if base and isinstance(base.answer, dict) else ""
        answer = answer | {"unit": unit}
    return replace(draft, topic=topic, facts=facts, answer=answer)


def _fingerprint(data: dict[str, Any], keep_unit: bool) -> str:
    """The content's hash without what a foreign file does not carry."""
    answer = data["answer"]
    if isinstance(answer, dict) and not keep_unit:
        answer = {key: value for key, value in answer.items() if key != "unit"}
    return content_hash(data | {"topic": "", "source": "", "facts": [], "answer": answer})


def store_import(deck: Deck, upload: Upload, editor: User | None) -> ImportReport:
    """Add new items as drafts and new versions of changed ones.

    A changed item keeps its status, except that a published item which no
    longer meets the publishing rules (a linked fact, no item-writing error
    of the quality gate) goes back to the drafts, as after an edit in the app.

    Raises:
        BankError: the file's time budget ran out (the caller rolls back).
    """
    report = ImportReport(skipped=upload.skipped, lossy=upload.lossy)
    rows = DeckRows.of(deck.id)
    uids = [entry.uid for entry in upload.incoming]
    existing = {
        item.uid: item
        for item in db.session.scalars(
            select(Item)
            .where(Item.deck_id == deck.id, Item.uid.in_(uids))
            .options(*(selectinload(r) for r in (Item.deck, Item.topic, Item.source, Item.facts)))
        )
    }
    context = gate.context_for(deck.slug)
    with db.session.no_autoflush:
        for entry in upload.incoming:
            upload.budget.check()
            item = existing.get(entry.uid)
            before = item.version if item else None
            item = save(deck, item, entry.draft, editor, uid=entry.uid, rows=rows)
            if before is None:
                report.items["added"] += 1
            elif item.version == before:
                report.items["unchanged"] += 1
            else:
                report.items["updated"] += 1
                if why := _unpublishable(item, context):
                    item.status = content.Status.DRAFT
                    report.withdrawn.append(f"{item.uid}: {why}")
    report.items["unchanged"] += upload.unchanged
    db.session.flush()
    return report


def _unpublishable(item: Item, context: LintContext) -> str:
    """Why a changed published item may no longer be (empty when it may, or is no
    published item)."""
    if item.status is not content.Status.PUBLISHED:
        return ""
    if not item.facts:
        return publishing.UNLINKED
    return "; ".join(f"{f.code}: {f.reason}" for f in publishing.errors(item, context))
