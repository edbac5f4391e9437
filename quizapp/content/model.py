"""The bank as plain data: sources, facts and decks as written, items as generated."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .problems import Location

DEFAULT_IMPORTANCE = 1
IMPORTANCE_RANGE = range(1, 6)


class Kind(StrEnum):
    """Cards are studied with the scheduler; questions are graded in quizzes."""

    CARD = "card"
    QUESTION = "question"


class ItemType(StrEnum):
    QA = "qa"
    CLOZE = "cloze"
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUEFALSE = "truefalse"
    FILLIN = "fillin"
    NUMERIC = "numeric"

    @property
    def kind(self) -> Kind:
        return Kind.CARD if self in (ItemType.QA, ItemType.CLOZE) else Kind.QUESTION

    @property
    def has_options(self) -> bool:
        return self in (ItemType.SINGLE, ItemType.MULTIPLE)


class TextFormat(StrEnum):
    """How an item's prompt and explanation are written (Moodle's ``[html]``,
    ``[markdown]`` and ``[plain]``); see :mod:`quizapp.content.markup`."""

    PLAIN = "plain"
    HTML = "html"
    MARKDOWN = "markdown"


class Status(StrEnum):
    """Only published items reach learners; the bundled bank ships reviewed."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


@dataclass(frozen=True)
class Source:
    """A document facts quote: a bundled seed (kept outside the repository) or a
    ``document`` kept in the deck folder's documents/, whose quotes are checked on load."""

    id: str
    title: str
    origin: Location = field(compare=False)
    seed: str | None = None
    document: str | None = None
    author: str | None = None
    publisher: str | None = None
    address: str | None = None
    date: datetime.date | None = None
    note: str | None = None


@dataclass(frozen=True)
class Relation:
    """What a list fact's members are true answers for; ``broader`` relations inherit them."""

    id: str
    origin: Location = field(compare=False)
    broader: tuple[str, ...] = ()
    label: str | None = None  # a plural noun phrase: "medicines that can lower the count"


@dataclass(frozen=True)
class Decision:
    """How the bank reads a garbled or disputed passage, so nothing is silently invented."""

    source: str
    quote: str
    decision: str
    origin: Location = field(compare=False)


@dataclass(frozen=True)
class Distractor:
    """A wrong answer and, when the bank gives it, why it is wrong (shown after answering)."""

    text: str
    why: str | None = None


@dataclass(frozen=True)
class NumberBlock:
    question: str
    value: float
    unit: str = ""
    tolerance: float = 0


@dataclass(frozen=True)
class FalseStatement:
    """A statement that is false, with the correction the learner is shown."""

    text: str
    correction: str


@dataclass(frozen=True)
class ListBlock:
    relation: str
    member_type: str
    question: str
    members: tuple[str, ...]
    card_question: str | None = None
    distractors: tuple[Distractor, ...] = ()
    claim: str | None = None

    @property
    def flashcard_question(self) -> str:
        return self.card_question or self.question


@dataclass(frozen=True)
class Fact:
    """A small checkable statement from one source, and the optional blocks that make items."""

    id: str
    topic: str
    source: str
    quote: str
    statement: str
    origin: Location = field(compare=False)
    question: str | None = None
    answer: str | None = None
    accept: tuple[str, ...] = ()
    distractors: tuple[Distractor, ...] = ()
    cloze: str | None = None
    number: NumberBlock | None = None
    false_statements: tuple[FalseStatement, ...] = ()
    list_block: ListBlock | None = None
    see_also: tuple[str, ...] = ()
    truefalse: bool = True
    # Safety-critical: its own ``critical`` field, or its topic is in ``critical_topics``.
    critical: bool = False


def explain(facts: Iterable[Fact]) -> str:
    """An item's explanation: the statements of the facts it links to, in order."""
    return " ".join(fact.statement for fact in facts)


@dataclass(frozen=True)
class NumericAnswer:
    value: float
    tolerance: float
    unit: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "tolerance": self.tolerance, "unit": self.unit}


Answer = str | tuple[str, ...] | bool | NumericAnswer


@dataclass(frozen=True)
class Item:
    """A flashcard or quiz question, generated from facts or written by hand.

    ``relation`` is set on choice questions about a list, so the validator can
    prove no wrong option is a true answer; ``origin`` points at the fact (or
    hand-written entry) the item came from. ``feedback`` maps an option's (or
    accepted answer's, or ``"true"``/``"false"``) text to what the learner is told
    after choosing it. ``text_format`` says how prompt and explanation are written.
    ``weights`` maps an option or accepted answer to the fraction of a point it
    earns (-1..1, Moodle's answer grades); empty means all-or-nothing grading.
    """

    id: str
    deck: str
    topic: str
    type: ItemType
    prompt: str
    options: tuple[str, ...] | None
    answer: Answer
    accept: tuple[str, ...]
    explanation: str
    facts: tuple[str, ...]
    source: str
    status: Status
    origin: Location = field(compare=False)
    relation: str | None = None
    feedback: Mapping[str, str] = field(default_factory=dict, hash=False)
    text_format: TextFormat = TextFormat.PLAIN
    weights: Mapping[str, float] = field(default_factory=dict, hash=False)

    @property
    def kind(self) -> Kind:
        return self.type.kind

    @property
    def answers(self) -> tuple[str, ...]:
        """The correct texts of a text or choice item (empty for true/false and numeric)."""
        if isinstance(self.answer, tuple):
            return self.answer
        return (self.answer,) if isinstance(self.answer, str) else ()

    def to_dict(self) -> dict[str, Any]:
        """The export shape of questions/README.md, ready for JSON or YAML.

        ``format`` and ``weights`` appear only when not at their default, so
        items written before they existed keep their exported shape and hash.
        """
        answer = self.answer
        extra: dict[str, Any] = {}
        if self.text_format != TextFormat.PLAIN:
            extra["format"] = str(self.text_format)
        if self.weights:
            extra["weights"] = dict(self.weights)
        return {
            "id": self.id,
            "deck": self.deck,
            "topic": self.topic,
            "kind": self.kind.value,
            "type": self.type.value,
            "prompt": self.prompt,
            "options": None if self.options is None else list(self.options),
            "feedback": dict(self.feedback),
            "answer": answer.to_dict() if isinstance(answer, NumericAnswer) else _plain(answer),
            "accept": list(self.accept),
            "explanation": self.explanation,
            "facts": list(self.facts),
            "source": self.source,
            "status": self.status.value,
        } | extra


def _plain(answer: str | tuple[str, ...] | bool) -> str | list[str] | bool:
    return list(answer) if isinstance(answer, tuple) else answer


@dataclass(frozen=True)
class Deck:
    """One subject of the bank: everything read from its folder, nothing generated yet."""

    id: str
    title: str
    description: str | None
    topics: Mapping[str, str]
    relations: Mapping[str, Relation]
    sources: Mapping[str, Source]
    facts: Mapping[str, Fact]
    pools: Mapping[str, tuple[Distractor, ...]]
    synonyms: tuple[tuple[str, ...], ...]
    decisions: tuple[Decision, ...]
    items: tuple[Item, ...]
    origin: Location = field(compare=False)
    importance: Mapping[str, int] = field(default_factory=dict)
    core_topics: tuple[str, ...] = ()
    glossary: Mapping[str, str] = field(default_factory=dict)
    # Topics whose facts are all safety-critical (seeking help, preventing infection).
    critical_topics: tuple[str, ...] = ()
    # The texts of the sources that have a ``document`` (source id -> text).
    documents: Mapping[str, str] = field(default_factory=dict)
    # The status generated items get: a deck proposed from a document starts as drafts.
    new_items: Status = Status.PUBLISHED

    def weight(self, topic: str) -> int:
        """How much a topic counts in a quiz draw (deck.yaml ``importance``, default 1)."""
        return self.importance.get(topic, DEFAULT_IMPORTANCE)
