"""The shape an imported YAML or JSON file must have, checked before anything else.

An upload is held to a JSON Schema (checked with ``jsonschema``) before any
item is built from it: the keys each item may have, the answer's shape for
its type (a numeric answer is exactly ``{value, tolerance, unit}``), number
ranges and list lengths. So an answer no export, edit page or quiz could
read is refused at the door with ``file:line: reason``, instead of being
stored. The limits here also bound the work one upload can cause.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from jsonschema import (  # type: ignore[import-untyped]  # ships no type information
    Draft202012Validator,
    ValidationError,
)

from quizapp.content import ItemType, Status, TextFormat
from quizapp.content.problems import Problem
from quizapp.content.yamlfile import LineDict, LineList

MAX_ITEMS = 2000  # items (or questions) per file; larger banks are split into several files
MAX_DEPTH = 32  # nesting of mappings and lists; an export nests 4 deep
MAX_NUMBER = 10**15  # beyond this a float no longer holds every whole number
MAX_ENTRIES = 50  # options, accepted answers, facts, feedback or weights of one item
MAX_TEXT = 10_000  # characters of any one text (the item rules allow less)
MAX_PROBLEMS = 100  # problems listed for one file; the rest are counted
MAX_ANSWERS = MAX_ITEMS * MAX_ENTRIES  # answer marks (GIFT ~ and =, XML <answer>) per file

_TEXT = {"type": "string", "maxLength": MAX_TEXT}
_KEY = {"type": "string", "maxLength": 200}
_NUMBER = {"type": "number", "minimum": -MAX_NUMBER, "maximum": MAX_NUMBER}
_TEXTS = {"type": ["array", "null"], "maxItems": MAX_ENTRIES, "items": _TEXT}


def _answer_when(types: Iterable[ItemType], answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "if": {"properties": {"type": {"enum": [t.value for t in types]}}},
        "then": {"properties": {"answer": answer}},
    }


ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "prompt", "answer"],
    "additionalProperties": False,
    "properties": {
        "id": _KEY,
        "deck": _KEY,
        "topic": _KEY,
        "source": _KEY,
        "kind": {"enum": ["card", "question"]},
        "type": {"enum": [t.value for t in ItemType]},
        "status": {"enum": [s.value for s in Status]},
        "format": {"enum": [f.value for f in TextFormat]},
        "prompt": _TEXT,
        "explanation": {"type": ["string", "null"], "maxLength": MAX_TEXT},
        "options": _TEXTS,
        "accept": _TEXTS,
        "facts": {"type": ["array", "null"], "maxItems": MAX_ENTRIES, "items": _KEY},
        "feedback": {
            "type": ["object", "null"],
            "maxProperties": MAX_ENTRIES,
            "propertyNames": _TEXT,
            "additionalProperties": _TEXT,
        },
        "weights": {
            "type": ["object", "null"],
            "maxProperties": MAX_ENTRIES,
            "propertyNames": _TEXT,
            "additionalProperties": {"type": "number", "minimum": -1, "maximum": 1},
        },
        "answer": {},
    },
    "allOf": [
        _answer_when(
            [ItemType.NUMERIC],
            {
                "type": "object",
                "required": ["value", "tolerance", "unit"],
                "additionalProperties": False,
                "properties": {
                    "value": _NUMBER,
                    "tolerance": _NUMBER | {"minimum": 0},
                    "unit": {"type": "string", "maxLength": 300},
                },
            },
        ),
        _answer_when([ItemType.TRUEFALSE], {"type": "boolean"}),
        _answer_when(
            [ItemType.MULTIPLE], {"type": "array", "maxItems": MAX_ENTRIES, "items": _TEXT}
        ),
        _answer_when([ItemType.SINGLE, ItemType.FILLIN, ItemType.QA, ItemType.CLOZE], _TEXT),
    ],
}

FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["items"],
    "additionalProperties": False,
    "properties": {
        # An export also lists the bank's sources and facts; an import leaves them alone.
        "sources": {"type": "array"},
        "facts": {"type": "array"},
        "items": {"type": "array", "maxItems": MAX_ITEMS, "items": ITEM_SCHEMA},
    },
}

_VALIDATOR = Draft202012Validator(FILE_SCHEMA)
_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}


def schema_problems(data: Any, filename: str, lines: dict[int, int]) -> list[Problem]:
    """Every way ``data`` departs from :data:`FILE_SCHEMA`, as ``file:line: where: reason``.

    ``lines`` maps ``id()`` of a parsed JSON object to its line; YAML data
    carries its own lines (:class:`LineDict`, :class:`LineList`).
    """
    items = data.get("items") if isinstance(data, dict) else None
    if isinstance(items, list) and len(items) > MAX_ITEMS:  # before the work of checking them
        return [Problem(filename, None, too_many(len(items)))]
    return [
        Problem(filename, _line(data, error.absolute_path, lines), _describe(error))
        for error in _VALIDATOR.iter_errors(data)
    ]


def answer_marks_problem(text: str, filename: str, xml: bool) -> Problem | None:
    """A GIFT or XML file with more answers than :data:`MAX_ANSWERS` could hold,
    counted before it is parsed (900,000 options once kept a worker busy for 19 s)."""
    marks = text.count("<answer") if xml else text.count("~") + text.count("=")
    if marks <= MAX_ANSWERS:
        return None
    return Problem(filename, None, f"holds {marks} answers; at most {MAX_ANSWERS} are read")


def too_many(count: int) -> str:
    return f"holds {count} items; at most {MAX_ITEMS} are imported from one file: split it"


def capped(problems: Sequence[Problem]) -> list[Problem]:
    """The first :data:`MAX_PROBLEMS` problems, and a count of the rest."""
    if len(problems) <= MAX_PROBLEMS:
        return list(problems)
    kept = sorted(problems, key=lambda p: p.line or 0)[:MAX_PROBLEMS]
    rest = f"… and {len(problems) - MAX_PROBLEMS} more problems"
    return [*kept, Problem(kept[-1].path, kept[-1].line, rest)]


def _line(data: Any, path: Iterable[Any], lines: dict[int, int]) -> int | None:
    """The line of the deepest mapping or list on ``path`` that knows its line."""
    found = data.line if isinstance(data, LineDict | LineList) else lines.get(id(data))
    node = data
    for step in path:
        if isinstance(node, LineDict):
            found = node.line_of(step)
        elif isinstance(node, LineList):
            found = node.line_at(step)
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        found = lines.get(id(node), found)
    return found


def _where(path: deque[Any]) -> str:
    parts = [f"[{step}]" if isinstance(step, int) else f".{step}" for step in path]
    return "".join(parts).lstrip(".")


def _describe(error: ValidationError) -> str:
    """A short reason that never echoes a long value back (a 400-digit number, a huge list)."""
    where = _where(error.absolute_path)
    if not where and error.validator == "type":
        return "expected a mapping with a list under 'items'"
    value, limit = error.instance, error.validator_value
    reasons: dict[str, Callable[[], str]] = {
        "required": lambda: str(error.message).replace("a required property", "missing"),
        "additionalProperties": lambda: f"unknown key(s) {_unexpected(error)}",
        "type": lambda: "must be " + " or ".join(_WORDS[t] for t in _listed(limit)),
        "enum": lambda: "must be one of " + ", ".join(map(str, limit)),
        "minimum": lambda: _range(error),
        "maximum": lambda: _range(error),
        "maxItems": lambda: f"has {len(value)} entries; at most {limit} are allowed",
        "maxProperties": lambda: f"has {len(value)} entries; at most {limit} are allowed",
        "maxLength": lambda: f"is {len(value)} characters long; at most {limit} are allowed",
    }
    reason = reasons.get(str(error.validator), lambda: str(error.message)[:200])()
    return f"{where}: {reason}" if where else reason


def _listed(value: Any) -> list[str]:
    return list(value) if isinstance(value, list) else [value]


def _unexpected(error: ValidationError) -> str:
    allowed = set(error.schema.get("properties", {}))
    extra = [repr(str(key)[:40]) for key in error.instance if key not in allowed]
    return ", ".join(extra) + " (allowed: " + ", ".join(sorted(allowed)) + ")"


def _range(error: ValidationError) -> str:
    low, high = error.schema.get("minimum"), error.schema.get("maximum")
    return f"must be a number from {low:g} to {high:g}"
