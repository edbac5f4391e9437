"""JSON reading for imports: the standard library's parser, plus where each object starts.

JSON is read as JSON (``1e-05`` is a number, ``\\ud83e\\udd12`` one character),
never through a YAML loader. Nesting is measured on the text before the
parser recurses, and the line of every object is recorded so a problem can
say ``file:line``.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from json.scanner import py_make_scanner  # type: ignore[attr-defined]  # untyped in typeshed
from typing import Any

from .problems import Report

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_LONE_SURROGATE = re.compile(
    r"(?<!\\)(?:\\\\)*\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


class _LineDecoder(json.JSONDecoder):
    """A decoder whose (pure Python) scanner notes the line each object starts on."""

    parse_object: Callable[..., tuple[Any, int]]  # set by JSONDecoder, untyped in typeshed
    scan_once: Callable[[str, int], tuple[Any, int]]

    def __init__(self, text: str) -> None:
        super().__init__(parse_constant=_refuse_constant)
        self.lines: dict[int, int] = {}
        newlines = [match.start() for match in re.finditer("\n", text)]
        parse_object = self.parse_object

        def located(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
            value, end = parse_object(s_and_end, *args)
            self.lines[id(value)] = bisect.bisect(newlines, s_and_end[1]) + 1
            return value, end

        self.parse_object = located
        self.scan_once = py_make_scanner(self)


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def nesting_depth(text: str, limit: int) -> int | None:
    """The line where brackets first nest deeper than ``limit``, or None."""
    depth = 0
    for token in _TOKEN.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, token.start()) + 1
        elif mark in "]}":
            depth -= 1
    return None


def parse_json(text: str, report: Report, max_depth: int) -> tuple[Any, dict[int, int]]:
    """The data of a JSON text and the line of each object in it (by ``id()``).

    Returns ``(None, {})``, with the reason reported, when the text is not
    usable JSON, nests deeper than ``max_depth``, or holds half a surrogate pair.
    """
    if (deep := nesting_depth(text, max_depth)) is not None:
        report.add(deep, f"invalid JSON: nested deeper than {max_depth} levels")
        return None, {}
    decoder = _LineDecoder(text)
    try:
        data = decoder.decode(text)
    except json.JSONDecodeError as error:
        report.add(error.lineno, f"invalid JSON: {error.msg}")
        return None, {}
    except ValueError as error:  # a constant like NaN, or an integer of over 4,300 digits
        reason = "a number with too many digits" if "digits" in str(error) else str(error)
        report.add(None, f"invalid JSON: {reason}")
        return None, {}
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        lone = _LONE_SURROGATE.search(text)
        report.add(
            text.count("\n", 0, lone.start()) + 1 if lone else None,
            "invalid JSON: a \\u escape names half of a surrogate pair, not a character",
        )
        return None, {}
    return data, decoder.lines
