"""Two versions of an item compared field by field, so an instructor sees what a
restore would bring back before doing it.

Each field is put as text (lists one entry a line, maps ``key: value``) and
compared word by word with the standard library's :mod:`difflib`; the page
shows the result as ``<del>``/``<ins>`` runs.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select

from quizapp.bank.services import OPTIONAL_FIELDS
from quizapp.extensions import db
from quizapp.models import Item, ItemVersion
from quizapp.web.templating import answer_text

# (content key, label), in the order the editor shows them.
FIELDS = (
    ("prompt", "Question"),
    ("options", "Options"),
    ("answer", "Answer"),
    ("accept", "Also accepted"),
    ("explanation", "Explanation"),
    ("feedback", "Why the wrong options are wrong"),
    ("weights", "Partial credit"),
    ("facts", "Facts"),
    ("topic", "Topic"),
    ("source", "Source"),
    ("type", "Type"),
    ("format", "Text format"),
)
SIDES = ("current", "previous")  # what a version is compared with
TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Segment:
    """A run of text that both versions share, or that only one has."""

    kind: Literal["same", "del", "ins"]
    text: str


@dataclass(frozen=True)
class FieldDiff:
    key: str
    label: str
    before: str
    after: str
    segments: tuple[Segment, ...]

    @property
    def changed(self) -> bool:
        return self.before != self.after


def shown(content: dict[str, Any]) -> dict[str, Any]:
    """A version's content with its optional keys at their defaults, as the preview needs."""
    return {**OPTIONAL_FIELDS, **{k: v for k, v in content.items() if v is not None}}


def field_text(key: str, value: Any) -> str:
    """One field of the content as a person reads it."""
    if value is None:
        return ""
    if key == "answer":
        return answer_text(value)
    if key == "weights":
        return "\n".join(f"{option}: {float(w) * 100:g}%" for option, w in value.items())
    if isinstance(value, dict):
        return "\n".join(f"{name}: {text}" for name, text in value.items())
    if isinstance(value, list | tuple):
        return "\n".join(str(entry) for entry in value)
    return str(value)


def text_diff(before: str, after: str) -> tuple[Segment, ...]:
    """``before`` turned into ``after`` as kept, removed and added runs of words."""
    old, new = TOKENS.findall(before), TOKENS.findall(after)
    runs: list[Segment] = []

    def add(kind: Literal["same", "del", "ins"], tokens: list[str]) -> None:
        if not tokens:
            return
        text = "".join(tokens)
        if runs and runs[-1].kind == kind:
            runs[-1] = Segment(kind, runs[-1].text + text)
        else:
            runs.append(Segment(kind, text))

    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("same", old[i1:i2])
        else:
            add("del", old[i1:i2])
            add("ins", new[j1:j2])
    return tuple(runs)


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[FieldDiff]:
    """Every field of two versions' content, each with its word-level diff."""
    old, new = shown(before), shown(after)
    diffs = []
    for key, label in FIELDS:
        was, now = field_text(key, old.get(key)), field_text(key, new.get(key))
        diffs.append(FieldDiff(key, label, was, now, text_diff(was, now)))
    return diffs


@dataclass(frozen=True)
class Comparison:
    """A version set against the current one or the one before it."""

    against: str  # one of SIDES
    other: ItemVersion | None
    diffs: list[FieldDiff] | None  # None: no other version (version 1, or the current one)


def comparison(item: Item, viewed: ItemVersion, against: str | None) -> Comparison:
    """``viewed`` against the current version (by default, for an old one) or the one
    before; the diff goes from the other version to ``viewed``: what a restore brings
    back, or what ``viewed`` changed."""
    default = "previous" if viewed.version == item.version else "current"
    side = against if against in SIDES else default
    number = item.version if side == "current" else viewed.version - 1
    other = db.session.scalar(
        select(ItemVersion).where(ItemVersion.item_id == item.id, ItemVersion.version == number)
    )
    if other is None or number == viewed.version:
        return Comparison(side, None, None)
    return Comparison(side, other, compare(other.content, viewed.content))
