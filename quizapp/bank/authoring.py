"""Instructors' items: the rules a hand-made item must meet, and saving it as a version.

The rules are plain functions of an :class:`ItemDraft`, so the web form and
the file import refuse the same things with the same words.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError

from quizapp.bank.services import (
    NEEDS_FACTS,
    DeckRows,
    EditConflict,
    ensure_current,
    without_defaults,
    write_version,
)
from quizapp.content import ItemType, Status, TextFormat
from quizapp.content.text import (
    CLOZE_ANSWER_SEPARATOR,
    CLOZE_GAP,
    cloze_deletions,
    cloze_gaps,
    cloze_problem,
)
from quizapp.extensions import db
from quizapp.models import Deck, Item, User
from quizapp.models.content import WEB_ORIGIN

MAX_PROMPT = 2000
MAX_OPTION = 300
MAX_ANSWER = 1000
MAX_EXPLANATION = 4000
MAX_OPTIONS = 10


@dataclass
class ItemDraft:
    """An item as an instructor wrote it, before it is checked and stored.

    ``answer`` has the stored shape: text for single, fill-in and cards, a list
    for multiple, a bool for true/false, ``{value, tolerance, unit}`` for numeric.
    There is no source to choose: storing the draft derives it from ``facts``.
    """

    type: ItemType
    topic: str
    facts: list[str]
    prompt: str
    explanation: str
    options: list[str] | None = None
    answer: Any = None
    accept: list[str] = field(default_factory=list)
    feedback: dict[str, str] = field(default_factory=dict)  # option/answer -> what it tells
    text_format: str = TextFormat.PLAIN.value  # of prompt and explanation
    weights: dict[str, float] = field(default_factory=dict)  # option/answer -> -1..1 point

    def content(self) -> dict[str, Any]:
        """The version content, in the same shape the bank stores."""
        prompt, answer = self.prompt, self.answer
        if self.type is ItemType.CLOZE:
            deletions = cloze_deletions(self.prompt)
            prompt = cloze_gaps(self.prompt)
            answer = CLOZE_ANSWER_SEPARATOR.join(deletions)
        data = {
            "topic": self.topic,
            "type": self.type.value,
            "prompt": prompt,
            "options": self.options,
            "answer": answer,
            "accept": self.accept,
            "explanation": self.explanation,
            "facts": sorted(set(self.facts)),
            "feedback": self.feedback,
            "format": self.text_format,
            "weights": self.weights,
        }
        return without_defaults(data)

    @classmethod
    def from_content(cls, data: dict[str, Any]) -> ItemDraft:
        """The draft that edits stored content (a cloze gets its deletions back in
        braces); a stored ``source`` is left behind, as storing derives it again."""
        prompt = data["prompt"]
        if data["type"] == ItemType.CLOZE.value:
            for deletion in str(data["answer"]).split(CLOZE_ANSWER_SEPARATOR):
                prompt = prompt.replace(CLOZE_GAP, "{{" + deletion + "}}", 1)
        return cls(
            type=ItemType(data["type"]),
            topic=data["topic"],
            facts=list(data["facts"]),
            prompt=prompt,
            explanation=data["explanation"],
            options=data["options"],
            answer=data["answer"],
            accept=list(data["accept"]),
            feedback=dict(data.get("feedback") or {}),
            text_format=data.get("format") or TextFormat.PLAIN.value,
            weights=dict(data.get("weights") or {}),
        )


def problems(draft: ItemDraft, rows: DeckRows, require_facts: bool = True) -> dict[str, list[str]]:
    """Every reason the draft cannot be saved, by the name of the field it concerns.

    An imported item may come without facts (Moodle files have none); it is
    stored as a draft and cannot be published until facts are linked.
    """
    found: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        found.setdefault(name, []).append(message)

    if draft.topic not in rows.topics:
        add("topic", "Choose a topic of this deck.")
    if require_facts and not draft.facts:
        add("facts", NEEDS_FACTS)
    for key in draft.facts:
        if key not in rows.facts:
            add("facts", f"There is no fact '{key}' in this deck.")
    _check_length(add, "prompt", draft.prompt, MAX_PROMPT)
    _check_length(add, "explanation", draft.explanation, MAX_EXPLANATION, required=False)
    for message in [*_type_problems(draft), *_format_problems(draft)]:
        add(*message)
    return found


def _check_length(add: Any, name: str, text: str, limit: int, required: bool = True) -> None:
    if required and not text.strip():
        add(name, "This field is required.")
    if len(text) > limit:
        add(name, f"Keep this under {limit} characters (it has {len(text)}).")


def _type_problems(draft: ItemDraft) -> list[tuple[str, str]]:
    """The rules of the item's type; any answer shape a file may hold is judged,
    never assumed, so an import cannot store an answer no learner could match."""
    kind = draft.type
    if kind in (ItemType.SINGLE, ItemType.MULTIPLE):
        return _choice_problems(draft)
    if kind is ItemType.NUMERIC:
        return _numeric_problems(draft.answer)
    if kind is ItemType.TRUEFALSE:
        return (
            []
            if isinstance(draft.answer, bool)
            else [("truth", "Say whether the statement is true or false.")]
        )
    found = _text_answer_problems(draft) if kind in (ItemType.QA, ItemType.FILLIN) else []
    if kind is ItemType.CLOZE and (problem := cloze_problem(draft.prompt)):
        example = "mark each hidden part with double braces, e.g. {{4.0 × 10⁹/L}}"
        found.append(("prompt", f"The text {problem}: {example}."))
    return found


def _text_answer_problems(draft: ItemDraft) -> list[tuple[str, str]]:
    if not isinstance(draft.answer, str) or not draft.answer.strip():
        return [("answer", "This field is required.")]
    found = []
    if len(draft.answer) > MAX_ANSWER:
        found.append(("answer", f"Keep this under {MAX_ANSWER} characters."))
    seen = {draft.answer.strip()}
    for alternative in draft.accept:
        if alternative.strip() in seen:
            found.append(("accept", f"'{alternative}' is listed twice (or equals the answer)."))
        seen.add(alternative.strip())
    return found


def _number(value: Any) -> float | None:
    """A finite number, or None (text, NaN and infinity are not answers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _numeric_problems(answer: Any) -> list[tuple[str, str]]:
    if not isinstance(answer, dict):
        return [("value", "Give the correct value as a number.")]
    found = []
    if _number(answer.get("value")) is None:
        found.append(("value", "Give the correct value as a finite number."))
    tolerance = _number(answer.get("tolerance", 0))
    if tolerance is None or tolerance < 0:
        found.append(("tolerance", "The tolerance must be a number, zero or more."))
    if not isinstance(answer.get("unit", ""), str) or len(answer.get("unit", "")) > MAX_OPTION:
        found.append(("unit", f"The unit must be text under {MAX_OPTION} characters."))
    return found


def _choice_problems(draft: ItemDraft) -> list[tuple[str, str]]:
    options = draft.options or []
    answer = draft.answer
    right = answer if isinstance(answer, list) else [answer] if answer else []
    found: list[tuple[str, str]] = []
    if len(options) < 2:
        found.append(("options", "Give at least two options."))
    if len(options) > MAX_OPTIONS:
        found.append(("options", f"Give at most {MAX_OPTIONS} options."))
    seen: set[str] = set()
    for option in options:
        # Options are choice text: "GB" and "Gb", "1" and "-1" are different choices.
        if " ".join(option.split()) in seen:
            found.append(("options", f"The option '{option}' appears twice."))
        seen.add(" ".join(option.split()))
        if len(option) > MAX_OPTION:
            found.append(("options", f"Keep each option under {MAX_OPTION} characters."))
    for choice in right:
        if choice not in options:
            found.append(("options", f"The correct answer '{choice}' is not one of the options."))
    if draft.type is ItemType.SINGLE and (len(right) != 1 or not isinstance(answer, str)):
        found.append(("options", f"Mark exactly one option as correct (now {len(right)})."))
    if draft.type is ItemType.MULTIPLE and (not right or not isinstance(answer, list)):
        found.append(("options", "Mark at least one option as correct."))
    return found


def answer_texts(draft: ItemDraft) -> list[str]:
    """What feedback and weights may name: the options, the accepted answers,
    or ``true``/``false``."""
    if draft.type.has_options:
        return list(draft.options or [])
    if draft.type in (ItemType.FILLIN, ItemType.QA) and isinstance(draft.answer, str):
        return [draft.answer, *draft.accept]
    return ["true", "false"] if draft.type is ItemType.TRUEFALSE else []


def _format_problems(draft: ItemDraft) -> list[tuple[str, str]]:
    """Text format, per-answer feedback and weights (Moodle's answer grades)."""
    found = []
    if draft.text_format not in set(TextFormat):
        formats = ", ".join(TextFormat)
        found.append(("text_format", f"The text format must be one of {formats}."))
    named = answer_texts(draft)
    for option, why in draft.feedback.items():
        if option not in named:
            found.append(("feedback", f"'{option}' is not one of the answers."))
        elif not isinstance(why, str) or len(why) > MAX_EXPLANATION:
            message = f"Say in under {MAX_EXPLANATION} characters what '{option}' tells."
            found.append(("feedback", message))
    return found + _weight_problems(draft, named)


def _weight_problems(draft: ItemDraft, named: list[str]) -> list[tuple[str, str]]:
    """Moodle's rules: a single answer has one 100% option; the positive
    grades of a multiple answer add up to 100%; the key of a fill-in earns 100%.
    An option left out weighs what it does without weights, except in a
    multiple answer, where it weighs nothing."""
    if not draft.weights:
        return []
    if draft.type not in (ItemType.SINGLE, ItemType.MULTIPLE, ItemType.FILLIN):
        return [("weights", "Only choice and fill-in questions can give partial credit.")]
    found = []
    for option, weight in draft.weights.items():
        if option not in named:
            found.append(("weights", f"'{option}' is not one of the answers."))
        elif _number(weight) is None or not -1 <= weight <= 1:
            found.append(("weights", f"The weight of '{option}' must be between -100% and 100%."))
    if found:
        return found
    answer = draft.answer
    right = answer if isinstance(answer, list) else [answer]
    if draft.type is ItemType.MULTIPLE:
        weights = {option: draft.weights.get(option, 0.0) for option in named}
        total = sum(weight for weight in weights.values() if weight > 0)
        if round(total, 2) != 1:
            found.append(("weights", f"The positive weights add up to {total:.0%}, not 100%."))
        for option, weight in weights.items():
            if (weight > 0) != (option in right):
                marked = "correct" if option in right else "wrong"
                found.append(("weights", f"'{option}' is marked {marked} but weighs {weight:.0%}."))
    elif draft.weights.get(str(answer), 1) != 1:
        found.append(("weights", f"The correct answer '{answer}' must earn 100%."))
    elif draft.type is ItemType.SINGLE and any(
        weight == 1 for option, weight in draft.weights.items() if option != answer
    ):
        found.append(("weights", f"Only the correct answer '{answer}' may earn 100%."))
    return found


def save(
    deck: Deck,
    item: Item | None,
    draft: ItemDraft,
    editor: User | None,
    uid: str | None = None,
    rows: DeckRows | None = None,
) -> Item:
    """Store the draft as a new item (a draft) or as the item's next version.

    An edited item is detached from the bank files (``origin`` web), so a later
    ``quizapp bank load`` does not overwrite what the instructor wrote.
    """
    if item is None:
        item = Item(
            uid=uid or f"{deck.slug}:web:{secrets.token_hex(5)}",
            deck=deck,
            status=Status.DRAFT,
            version=1,
            origin=WEB_ORIGIN,
        )
    if write_version(item, draft.content(), rows or DeckRows.of(deck.id), editor):
        item.origin = WEB_ORIGIN
    return item


def restore(item: Item, content: dict[str, Any], editor: User) -> bool:
    """Make an earlier version's content the newest version (history stays whole)."""
    if write_version(item, content, DeckRows.of(item.deck_id), editor):
        item.origin = WEB_ORIGIN
        return True
    return False


def save_edit(item: Item, draft: ItemDraft, editor: User, base_version: int | None) -> bool:
    """Save an edit made from ``base_version``; False when nothing changed.

    Raises:
        EditConflict: someone saved first, before or at the same moment (the
            version number is unique per item, so the second save hits it).
    """
    ensure_current(item, base_version)
    before = item.version
    try:
        with db.session.begin_nested():
            save(item.deck, item, draft, editor)
    except IntegrityError:
        raise EditConflict from None
    return item.version != before


def restore_version(item: Item, content: dict[str, Any], editor: User) -> bool:
    """:func:`restore`, refusing a save that races it.

    Raises:
        EditConflict: another save took the next version number at the same moment.
    """
    try:
        with db.session.begin_nested():
            return restore(item, content, editor)
    except IntegrityError:
        raise EditConflict from None
