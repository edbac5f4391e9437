"""Field specifications for bank records, and one checker that applies them.

Each check returns what is wrong with a value, phrased to follow
"field 'name' …", or None when the value is fine. Keeping the shapes as data
lets every record (deck, source, fact, item …) be checked the same way, and
every problem in a file be reported, not just the first.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .model import IMPORTANCE_RANGE
from .problems import Report
from .text import cloze_problem, normalise
from .yamlfile import LineDict

Check = Callable[[Any], str | None]
DISTRACTOR_FIELDS = frozenset({"text", "why"})

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MEMBER_PLACEHOLDER = "{member}"


@dataclass(frozen=True)
class Field:
    check: Check
    required: bool = False


Spec = Mapping[str, Field]


def required(check: Check) -> Field:
    return Field(check, required=True)


def optional(check: Check) -> Field:
    return Field(check)


def text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "must be non-empty text (quote it if YAML reads it as a number, date or yes/no)"
    return None


def nullable_text(value: Any) -> str | None:
    return None if value is None else text(value)


def anything(value: Any) -> str | None:
    """For fields whose shape depends on another field (an item's answer on its type)."""
    return None


def slug(value: Any) -> str | None:
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        return "must be a kebab-case identifier such as 'white-cell-count'"
    return None


def boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "must be a number"
    return None


def non_negative(value: Any) -> str | None:
    if error := number(value):
        return error
    return "must not be negative" if value < 0 else None


def mapping(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be a mapping"


def mappings(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        return "must be a list of mappings"
    return None


def texts(minimum: int = 0, distinct: bool = False) -> Check:
    """A list of non-empty texts with at least ``minimum`` entries.

    ``distinct`` refuses two entries that read the same after :func:`normalise`;
    elsewhere such variants are harmless (answers are compared normalised anyway).
    """

    def check(value: Any) -> str | None:
        if not isinstance(value, list) or any(text(entry) for entry in value):
            return "must be a list of non-empty texts"
        if len(value) < minimum:
            return f"needs at least {minimum} entries"
        return _repeated(value) if distinct else None

    return check


def text_lists(value: Any) -> str | None:
    """Synonym groups: lists of at least two names each."""
    if not isinstance(value, list) or any(texts(2)(group) for group in value):
        return "must be a list of groups of at least 2 names"
    return None


def titles(value: Any) -> str | None:
    """Topics: kebab-case keys mapped to their titles."""
    if not isinstance(value, dict) or not value:
        return "must map at least one topic key to its title"
    for key, title in value.items():
        if slug(key) or text(title):
            return f"must map kebab-case keys to titles (see '{key}')"
    return None


def distractor(value: Any) -> str | None:
    """A wrong answer: plain text (legacy) or ``{text, why}`` with why it is wrong."""
    if isinstance(value, str):
        return text(value)
    if not isinstance(value, dict):
        return "must be a text or a mapping {text, why}"
    unknown = sorted(set(value) - DISTRACTOR_FIELDS)
    if unknown:
        return f"has unknown field '{unknown[0]}' (a distractor has only text and why)"
    for name in sorted(DISTRACTOR_FIELDS):
        if name not in value:
            return f"is missing '{name}' (write {{text: ..., why: ...}})"
        if text(value[name]):
            return f"has an empty '{name}'"
    return None


def distractors(minimum: int = 0) -> Check:
    """A list of wrong answers (see :func:`distractor`), no two reading the same."""

    def check(value: Any) -> str | None:
        if not isinstance(value, list):
            return "must be a list of distractors"
        for entry in value:
            if error := distractor(entry):
                return f"entry {entry!r} {error}"
        if len(value) < minimum:
            return f"needs at least {minimum} entries"
        return _repeated([entry if isinstance(entry, str) else entry["text"] for entry in value])

    return check


def named_lists(value: Any) -> str | None:
    """Pools: kebab-case names mapped to lists of distractors."""
    if not isinstance(value, dict):
        return "must be a mapping of pool names to lists"
    for key, entries in value.items():
        if error := slug(key) or distractors()(entries):
            return f"entry '{key}' {error}"
    return None


def importance(value: Any) -> str | None:
    """Topic weights: topic keys mapped to whole numbers from 1 to 5."""
    if not isinstance(value, dict):
        return "must map topic keys to a weight from 1 to 5"
    for key, weight in value.items():
        if isinstance(weight, bool) or weight not in IMPORTANCE_RANGE:
            return f"must map topic keys to a weight from 1 to 5 (see '{key}': {weight!r})"
    return None


def text_map(keys: str, values: str, *, required: bool = False) -> Check:
    """Text keys mapped to non-empty text: a deck's glossary (terms to their
    explanation), an item's feedback (wrong options to why each is wrong)."""

    def check(value: Any) -> str | None:
        if not isinstance(value, dict) or (required and not value):
            return f"must map {keys} to {values}"
        for key, meaning in value.items():
            if text(key) or text(meaning):
                return f"must map {keys} to non-empty explanations (see '{key}')"
        return None

    return check


glossary = text_map("terms", "their explanation in plain words", required=True)
text_mapping = text_map("option texts", "why each is wrong")


def cloze(value: Any) -> str | None:
    return text(value) or cloze_problem(value)


def claim(value: Any) -> str | None:
    if error := text(value):
        return error
    return None if MEMBER_PLACEHOLDER in value else f"must contain {MEMBER_PLACEHOLDER}"


def one_of(choices: type[Any]) -> Check:
    """One of the values of a StrEnum, e.g. an item type."""
    return among(*(choice.value for choice in choices))


def among(*allowed: str) -> Check:
    """One of a few words, e.g. the statuses a generated item may start with."""

    def check(value: Any) -> str | None:
        return None if value in allowed else f"must be one of {', '.join(allowed)}"

    return check


def file_name(value: Any) -> str | None:
    """A plain file name (no folder part), so it cannot point outside its folder."""
    if error := text(value):
        return error
    if "/" in value or "\\" in value or value in (".", "..") or value != value.strip():
        return "must be a file name such as 'leaflet.txt', without a folder"
    return None


def a_date(value: Any) -> str | None:
    """A calendar date, written unquoted as YYYY-MM-DD (YAML reads it as a date)."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return None
    return "must be a date written as YYYY-MM-DD, without quotes"


def check_record(node: Any, spec: Spec, what: str, report: Report, line: int | None) -> bool:
    """Report unknown, missing and badly typed fields of one record; True when it is well-formed."""
    if not isinstance(node, LineDict):
        report.add(line, f"{what} must be a mapping")
        return False
    problems = len(report.problems)
    for key in node:
        if key not in spec:
            report.add(node.line_of(key), _unknown(key, spec, what))
    for name, field in spec.items():
        if name not in node:
            if field.required:
                report.add(node.line, f"{what} is missing required field '{name}'")
        elif error := field.check(node[name]):
            report.add(node.line_of(name), f"field '{name}' {error}")
    return len(report.problems) == problems


def _unknown(key: Any, spec: Spec, what: str) -> str:
    close = difflib.get_close_matches(str(key), list(spec), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown field '{key}' in {what}{hint}"


def _repeated(values: list[str]) -> str | None:
    seen: set[str] = set()
    for value in values:
        folded = normalise(value)
        if folded in seen:
            return f"lists '{value}' twice"
        seen.add(folded)
    return None
