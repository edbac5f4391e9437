"""Importing items from a file (Moodle GIFT or the project's YAML/JSON) and
writing the bank out in those formats; shared by the web page and the CLI.

A file is checked whole before anything is stored: any problem refuses it
with every reason as ``file:line: reason``, and the bank stays as it was.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import yaml
from sqlalchemy import select

from quizapp import content
from quizapp.bank.authoring import ItemDraft, problems, save
from quizapp.bank.services import DeckRows, export, stored_items
from quizapp.content.gift import GiftQuestion, parse_gift, render_gift
from quizapp.content.problems import BankError, Problem, Report
from quizapp.content.yamlfile import LineDict, LineList, parse_yaml
from quizapp.extensions import db
from quizapp.models import Deck, Item, User

EXPORT_FORMATS = {"json": "application/json", "yaml": "application/yaml", "gift": "text/plain"}
GIFT_SUFFIXES = (".gift", ".txt")
YAML_SUFFIXES = (".yaml", ".yml", ".json")
MAX_UID = 200  # Item.uid's column length


def export_text(fmt: str) -> str:
    """The whole stored bank as JSON, YAML or (quiz questions only) GIFT."""
    if fmt == "gift":
        return render_gift(stored_items())
    if fmt == "json":
        return json.dumps(export(), ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(export(), allow_unicode=True, sort_keys=False, width=100)


@dataclass(frozen=True)
class Defaults:
    """Where items land when the file does not say: a Moodle file names no topic or source."""

    topic: str
    source: str


@dataclass(frozen=True)
class Incoming:
    line: int
    uid: str | None
    draft: ItemDraft


@dataclass
class ImportReport:
    items: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        parts = [f"{self.items[key]} {key}" for key in ("added", "updated", "unchanged")]
        return "Imported as drafts: " + ", ".join(parts) + "."


def read_upload(text: str, filename: str, deck: Deck, defaults: Defaults) -> list[Incoming]:
    """The file's items checked against the deck; raises BankError with every problem."""
    rows = DeckRows.of(deck.id)
    if "\x00" in text:
        raise BankError([Problem(filename, None, "holds a NUL byte: it is not a text file")])
    if filename.lower().endswith(GIFT_SUFFIXES):
        incoming = [_from_gift(question, deck, defaults) for question in parse_gift(text, filename)]
    elif filename.lower().endswith(YAML_SUFFIXES):
        incoming = _from_yaml(text, filename, deck, defaults)
    else:
        raise BankError(
            [Problem(filename, None, "unknown file type: use .gift, .txt, .yaml, .yml or .json")]
        )
    found = [
        Problem(filename, entry.line, f"{entry.uid or 'item'}: {message}")
        for entry in incoming
        for messages in problems(entry.draft, rows, require_facts=False).values()
        for message in messages
    ]
    found += [
        Problem(filename, entry.line, f"the id is longer than {MAX_UID} characters")
        for entry in incoming
        if entry.uid and len(entry.uid) > MAX_UID
    ]
    if not incoming:
        found.append(Problem(filename, None, "holds no items"))
    if found:
        raise BankError(found)
    return incoming


def _from_gift(question: GiftQuestion, deck: Deck, defaults: Defaults) -> Incoming:
    category_deck, _, category_topic = (question.category or "").partition("/")
    topic = category_topic if category_deck == deck.slug else defaults.topic
    answer: Any = question.answer
    if isinstance(answer, content.NumericAnswer):
        answer = answer.to_dict()
    elif isinstance(answer, tuple):
        answer = list(answer)
    draft = ItemDraft(
        type=question.type,
        topic=topic,
        source=question.source or defaults.source,
        facts=list(question.facts),
        prompt=question.prompt,
        explanation=question.explanation,
        options=None if question.options is None else list(question.options),
        answer=answer,
        accept=list(question.accept),
        feedback=dict(question.feedback),
    )
    return Incoming(question.line, _uid(question.title, deck), draft)


def _from_yaml(text: str, filename: str, deck: Deck, defaults: Defaults) -> list[Incoming]:
    report = Report(filename, [])
    data = parse_yaml(text, report)
    entries = data.get("items") if isinstance(data, dict) else None
    if report.problems:
        raise BankError(report.problems)
    if not isinstance(entries, LineList):  # every YAML sequence parse_yaml builds is one
        raise BankError([Problem(filename, 1, "expected a mapping with a list under 'items'")])
    incoming, found = [], []
    for index, entry in enumerate(entries):
        line = entries.line_at(index)
        try:
            incoming.append(_from_entry(entry, line, deck, defaults))
        except (KeyError, TypeError, ValueError) as error:
            found.append(Problem(filename, line, f"item is incomplete or malformed ({error})"))
    if found:
        raise BankError(found)
    return incoming


def _from_entry(entry: LineDict, line: int, deck: Deck, defaults: Defaults) -> Incoming:
    """An item of the export shape (stored content: a cloze has blanks, not braces)."""
    if not isinstance(entry, dict):
        raise TypeError("not a mapping")
    if entry.get("deck", deck.slug) != deck.slug:
        raise ValueError(f"it belongs to deck '{entry['deck']}', not '{deck.slug}'")
    options = entry.get("options")
    stored = {
        "type": content.ItemType(entry["type"]).value,
        "topic": str(entry.get("topic") or defaults.topic),
        "source": str(entry.get("source") or defaults.source),
        "facts": [str(fact) for fact in entry.get("facts") or []],
        "prompt": str(entry["prompt"]),
        "explanation": str(entry.get("explanation") or ""),
        "options": None if options is None else [str(option) for option in options],
        "answer": entry["answer"],
        "accept": [str(alternative) for alternative in entry.get("accept") or []],
        "feedback": _feedback(entry.get("feedback")),
    }
    return Incoming(line, _uid(entry.get("id"), deck), ItemDraft.from_content(stored))


def _feedback(value: Any) -> dict[str, str]:
    """Option-level feedback of the export: each wrong option's text mapped to why it is wrong."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("'feedback' must map wrong options to why each is wrong")
    return {str(option): str(why) for option, why in value.items()}


def _uid(title: Any, deck: Deck) -> str | None:
    """Our own ids come back as they were; another system's names get this deck's prefix."""
    if not title:
        return None
    name = str(title)
    if name.startswith(f"{deck.slug}:"):
        return name
    return f"{deck.slug}:import:" + re.sub(r"[^\w.-]+", "-", name).strip("-")[:120]


def store_import(deck: Deck, incoming: list[Incoming], editor: User | None) -> ImportReport:
    """Add new items and new versions of changed ones, all as drafts for review."""
    report = ImportReport()
    rows = DeckRows.of(deck.id)
    uids = [entry.uid for entry in incoming if entry.uid]
    existing = {
        item.uid: item for item in db.session.scalars(select(Item).where(Item.uid.in_(uids)))
    }
    for entry in incoming:
        item = existing.get(entry.uid) if entry.uid else None
        before = item.version if item else None
        item = save(deck, item, entry.draft, editor, uid=entry.uid, rows=rows)
        if before is None:
            report.items["added"] += 1
        elif item.version != before:
            item.status = content.Status.DRAFT
            report.items["updated"] += 1
        else:
            report.items["unchanged"] += 1
    return report
