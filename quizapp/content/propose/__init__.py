"""Candidate facts proposed from a new document, for an instructor to accept, edit or reject.

A first draft of a deck is slow to write by hand and easy to get wrong; a
proposal does the mechanical part (finding definitions, figures with units,
lists, and advice, each with a verbatim quote and a record in the bank's own
fact format) and nothing more: no candidate reaches a learner until an
instructor has reviewed it and published its items.

Proposed statements are not offered as true/false items (``truefalse:
false``): a proposal has no false statements to balance them, and a deck of
only True statements teaches guessing "True".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..text import kebab, normalise
from .candidates import (
    LIST,
    Draft,
    advice,
    bulleted,
    definition,
    enumeration,
    numbers,
)
from .layout import Layout, read_layout

__all__ = ["MAX_PROPOSE_CHARS", "Candidate", "Proposal", "ProposeError", "propose"]

DEFAULT_TOPIC = "General"
POOL_SIZE = 12  # wrong answers offered per list: enough to vary, few enough to review
KEY_WORDS = 5  # words of a title or sentence that make a readable key
# Longer texts are refused: sentence splitting grows faster than the text, and a
# proposal of hundreds of candidates is more than anyone reviews in one go.
MAX_PROPOSE_CHARS = 60_000


class ProposeError(ValueError):
    """Why a text cannot be proposed from, in words the instructor can act on."""


@dataclass(frozen=True)
class Candidate:
    kind: str  # "definition", "number", "list" or "statement"
    topic: str
    topic_title: str
    quote: str
    record: dict[str, Any]  # a fact as a facts/*.yaml entry
    start: int  # where the quote starts in the text (to show it in context)


@dataclass(frozen=True)
class Proposal:
    candidates: tuple[Candidate, ...]
    topics: dict[str, str]  # the topics the candidates use: key -> title
    relations: dict[str, dict[str, Any]]  # deck.yaml relations the list facts name
    pools: dict[str, list[dict[str, str]]]  # pools.yaml pools the list facts name


def propose(
    text: str, *, deck: str, source: str, topics: Mapping[str, str] | None = None
) -> Proposal:
    """Candidate facts from ``text``, quoting it verbatim, for the source ``source``.

    ``topics`` are the deck's existing topics (key -> title): a heading with the
    same title files its candidates under that key. ``deck`` is the deck the
    candidates are for; keys are unique within the proposal.
    """
    del deck  # every key the proposal makes is local to it; the caller knows the deck
    if len(text) > MAX_PROPOSE_CHARS:
        raise ProposeError(
            "This document is too long to propose facts from at once "
            f"({len(text):,} characters; at most {MAX_PROPOSE_CHARS:,}). Split it into parts."
        )
    drafts = sorted(_drafts(read_layout(text)), key=lambda draft: draft.start)
    names = _Topics(topics or {})
    ids = _Keys()
    relations = _Keys()
    candidates: list[Candidate] = []
    lists: list[tuple[str, Draft]] = []
    for draft in drafts:
        key, title = names.of(draft.heading)
        quote = text[draft.start : draft.end]
        record: dict[str, Any] = {
            "id": ids.new(draft.name, prefix=key),
            "topic": key,
            "source": source,
            "quote": quote,
            **draft.fields,
            "truefalse": False,
        }
        if draft.kind == LIST:
            relation = relations.new(draft.name)
            record["list"] = {"relation": relation, "member_type": relation, **draft.fields["list"]}
            lists.append((relation, draft))
        candidates.append(Candidate(draft.kind, key, title, quote, record, draft.start))
    return Proposal(
        tuple(candidates),
        {c.topic: c.topic_title for c in candidates},
        {relation: {"label": _label(draft)} for relation, draft in lists},
        _pools(lists),
    )


def _drafts(layout: Layout) -> Iterator[Draft]:
    """Every draft: bulleted lists, then each sentence's definition, numbers and
    enumeration, or its advice when it gave none of those; a sentence written twice
    is proposed once."""
    for bullets in layout.lists:
        if draft := bulleted(bullets):
            yield draft
    seen: set[str] = set()
    for sentence in layout.sentences:
        folded = normalise(sentence.span.text)
        text = sentence.span.text
        if folded in seen or not text[0].isupper() or text.endswith(":"):
            continue  # proposed already, the tail of something cut, or a list's intro
        seen.add(folded)
        found = [
            draft
            for draft in (
                definition(sentence.span, sentence.heading),
                *numbers(sentence.span, sentence.heading),
                enumeration(sentence.span, sentence.heading),
            )
            if draft
        ]
        yield from found or filter(None, [advice(sentence.span, sentence.heading)])


def _pools(lists: list[tuple[str, Draft]]) -> dict[str, list[dict[str, str]]]:
    """For each list, members of the other lists as wrong answers, nearest lists in the
    document first, at most :data:`POOL_SIZE`: near-misses from the same document.
    Their feedback says only where the document lists them, which is true; whether
    each is really wrong is for the instructor to check."""
    folded = [{normalise(member): member for member in draft.members} for _, draft in lists]
    pools: dict[str, list[dict[str, str]]] = {}
    for index, (relation, draft) in enumerate(lists):
        nearest = sorted(range(len(lists)), key=lambda other: abs(other - index))
        entries: dict[str, dict[str, str]] = {}
        for other in nearest[1:]:
            if not draft.label and _same(lists[other][1].heading, draft.heading):
                continue  # its question asks what the heading lists: these are listed there too
            for key, member in folded[other].items():
                if key not in folded[index] and len(entries) < POOL_SIZE:
                    why = _elsewhere(member, lists[other][1], draft)
                    entries.setdefault(key, {"text": member, "why": why})
        pools[relation] = list(entries.values())
    return pools


def _label(draft: Draft) -> str:
    """What a list's members are, as "… is one of the <label>" needs it: the noun of
    its intro ("symptoms"), else the heading it stands under."""
    if draft.label:
        return draft.label
    return f"things listed under “{draft.heading}”" if draft.heading else "things the text lists"


def _same(heading: str | None, other: str | None) -> bool:
    return normalise(heading or "") == normalise(other or "")


def _elsewhere(member: str, there: Draft, here: Draft) -> str:
    """Why a member of another list is offered: where the text lists it (true of the
    text), by heading, else by what the two lists are."""
    if there.heading and here.heading and not _same(there.heading, here.heading):
        return f"The text lists “{member}” under “{there.heading}”, not under “{here.heading}”."
    if there.label and here.label:
        return f"The text lists “{member}” among the {there.label}, not among the {here.label}."
    return f"The text lists “{member}” in another list, not in this one."


class _Keys:
    """Unique kebab-case keys: a repeated one gets ``-2``, ``-3`` …"""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def new(self, name: str, prefix: str = "") -> str:
        base = kebab(name, prefix or "fact", words=KEY_WORDS)
        key, number = base, 1
        while key in self.taken:
            number += 1
            key = f"{base}-{number}"
        self.taken.add(key)
        return key


class _Topics:
    """Topic keys for headings: the deck's own key for a title it has, else a new key."""

    def __init__(self, known: Mapping[str, str]) -> None:
        self.known = {normalise(title): (key, title) for key, title in known.items()}
        self.keys = _Keys()
        self.keys.taken |= set(known)
        self.made: dict[str, str] = {}

    def of(self, heading: str | None) -> tuple[str, str]:
        title = heading or DEFAULT_TOPIC
        folded = normalise(title)
        if folded in self.known:
            return self.known[folded]
        if folded not in self.made:
            self.made[folded] = self.keys.new(title, prefix="topic")
        return self.made[folded], title
