"""A document's text cut into plain and quoted passages, for showing it with each
quoted passage highlighted. Pure: no Flask, no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

CONTEXT_CHARS = 300


class Span(Protocol):
    """A quoted part ``text[start:end]`` and the facts that quote it."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def facts(self) -> tuple[object, ...]: ...


@dataclass(frozen=True)
class Passage:
    text: str
    facts: tuple[object, ...] = ()


def passages(text: str, spans: Iterable[Span]) -> list[Passage]:
    """The whole ``text`` in order, as passages: quoted ones carry their facts.

    Spans come sorted and apart (``quote_spans`` merges overlapping quotes); the
    passages joined give back ``text`` exactly, so a selection in the page can be
    measured against the stored text.
    """
    cut: list[Passage] = []
    at = 0
    for span in spans:
        if span.start > at:
            cut.append(Passage(text[at : span.start]))
        cut.append(Passage(text[span.start : span.end], span.facts))
        at = span.end
    if at < len(text):
        cut.append(Passage(text[at:]))
    return cut


@dataclass(frozen=True)
class InContext:
    before: str
    quote: str
    after: str


def in_context(text: str, quote: str, chars: int = CONTEXT_CHARS) -> InContext | None:
    """The quote with up to ``chars`` characters either side (cut at a space), or
    None when the text does not hold it."""
    start = text.find(quote)
    if start < 0:
        return None
    end = start + len(quote)
    before = text[max(0, start - chars) : start]
    after = text[end : end + chars]
    if start > chars:
        before = "…" + before[before.find(" ") + 1 :]
    if end + chars < len(text):
        after = after[: after.rfind(" ")] + "…"
    return InContext(before, quote, after)
