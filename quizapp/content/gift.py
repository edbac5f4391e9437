"""Moodle GIFT files: our quiz questions written for Moodle, and GIFT questions read back.

GIFT has no flashcards, so only questions are written. What GIFT cannot say
(linked facts, source, numeric unit) travels in ``// key: value`` comment
lines, which Moodle ignores and :func:`parse_gift` reads back, so that a
written file parses to the same questions.

quizapp grades an answer right or wrong, so the reader keeps what is worth
100% and drops the rest: a partial-credit option of a single-answer question
is a wrong option, and partial-credit alternatives of short and numeric
answers are left out. Per-answer feedback (``~option#why``) on the wrong
options of a choice question is kept as the item's option feedback.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from .model import Answer, Item, ItemType, Kind, NumericAnswer
from .problems import BankError, Report, duplicate_ids

_SPECIAL = "\\:#=~{}"
_ESCAPE = str.maketrans({char: "\\" + char for char in _SPECIAL} | {"\n": "\\n", "\r": ""})
_ESCAPED = re.compile(r"\\([" + re.escape(_SPECIAL) + "n])")
# Escaped characters are hidden behind Unicode noncharacters (reserved for a
# program's internal use) while the structure is parsed, as Moodle does.
_HIDDEN = {char: chr(0xFDD0 + n) for n, char in enumerate(_SPECIAL + "n")}
_REVEAL = str.maketrans({hidden: "\n" if char == "n" else char for char, hidden in _HIDDEN.items()})
_FORMAT = re.compile(r"\A\[(?:moodle|html|plain|markdown)\]")
_NOTE = re.compile(r"//\s*(facts|source|unit):(.*)")
_CATEGORY = "$CATEGORY:"
_BRACE = re.compile(r"[{}]")
_PIECE = re.compile(r"[=~]?[^=~]*")
_WEIGHT = re.compile(r"\s*%([^%\s]*)%")
_TRUEFALSE = re.compile(r"(T|TRUE|F|FALSE)\s*(?:#.*)?", re.DOTALL)
_NO_RIGHT_ANSWER = "the answer block has no right answer"
_GAP = "_____"  # what Moodle shows where the answer block sits inside a sentence
# Moodle only accepts grades from a fixed list; 100/n is on it for these n.
_MOODLE_SHARES = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20})


@dataclass(frozen=True)
class GiftQuestion:
    """One GIFT question, its answer shaped as :attr:`Item.answer` for the same type.

    ``line`` is where its title (or text) starts; ``category`` is the
    ``$CATEGORY`` in force; ``facts``, ``source`` and a numeric's unit come
    from ``// facts:``, ``// source:`` and ``// unit:`` comments.
    """

    line: int
    title: str | None
    category: str | None
    type: ItemType
    prompt: str
    options: tuple[str, ...] | None
    answer: Answer
    accept: tuple[str, ...]
    explanation: str
    facts: tuple[str, ...]
    source: str | None
    feedback: Mapping[str, str] = field(default_factory=dict)


def render_gift(items: Iterable[Item]) -> str:
    """The quiz questions among ``items`` as a GIFT file, with ``$CATEGORY: deck/topic``."""
    blocks: list[str] = []
    category = None
    for item in items:
        if item.kind is not Kind.QUESTION:
            continue
        if f"{item.deck}/{item.topic}" != category:
            category = f"{item.deck}/{item.topic}"
            blocks.append(f"{_CATEGORY} {category}")
        blocks.append(_render_question(item))
    return "\n".join(f"{block}\n" for block in blocks)


def _render_question(item: Item) -> str:
    numeric = "#" if item.type is ItemType.NUMERIC else ""
    lines = [*_notes(item), f"::{item.id.translate(_ESCAPE)}::{_text(item.prompt)}{{{numeric}"]
    lines += [f"\t{line}" for line in _answer_lines(item)]
    if item.explanation:
        lines.append(f"\t####{_text(item.explanation)}")
    return "\n".join([*lines, "}"])


def _notes(item: Item) -> list[str]:
    unit = item.answer.unit if isinstance(item.answer, NumericAnswer) else ""
    notes = {"facts": ", ".join(item.facts), "source": item.source, "unit": unit}
    return [f"// {key}: {value}" for key, value in notes.items() if value]


def _answer_lines(item: Item) -> list[str]:
    answer = item.answer
    if isinstance(answer, bool):
        return ["TRUE" if answer else "FALSE"]
    if isinstance(answer, NumericAnswer):
        return [f"={answer.value}:{answer.tolerance}"]
    if isinstance(answer, tuple):
        return [
            line + _why(item, option)
            for line, option in zip(
                _weighted_lines(item.options or (), answer), item.options or (), strict=True
            )
        ]
    if item.type is ItemType.SINGLE:
        return [
            f"{'=' if option == answer else '~'}{_text(option)}{_why(item, option)}"
            for option in item.options or ()
        ]
    return [f"={_text(text)}" for text in (answer, *item.accept)]


def _why(item: Item, option: str) -> str:
    """A wrong option's feedback as GIFT per-answer feedback (``#why``), or nothing."""
    why = item.feedback.get(option)
    return f"#{_text(why)}" if why else ""


def _weighted_lines(options: tuple[str, ...], right: tuple[str, ...]) -> list[str]:
    """Right options share 100% and wrong ones -100%, so ticking every option scores nothing."""
    wrong = len(options) - len(right)
    return [
        f"~%{_share(len(right)) if option in right else '-' + _share(wrong)}%{_text(option)}"
        for option in options
    ]


def _share(count: int) -> str:
    """100/count as a percentage Moodle accepts (its grades have seven decimals)."""
    if count not in _MOODLE_SHARES:
        raise ValueError(f"Moodle has no grade of 100/{count} %")
    return f"{100 / count:.5f}".rstrip("0").rstrip(".")


def _text(text: str) -> str:
    """Text escaped for GIFT; a leading "[html]"-like marker is kept as text, not a format."""
    protect = "[moodle]" if _FORMAT.match(text.lstrip()) else ""
    return protect + text.translate(_ESCAPE)


class _Fault(Exception):
    """Why a question is refused, at an offset of its chunk's text."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(reason)
        self.offset = offset
        self.reason = reason


class _Answered(NamedTuple):
    """What an answer block says: the question's type and its Item-shaped answer."""

    type: ItemType
    options: tuple[str, ...] | None
    answer: Answer
    accept: tuple[str, ...] = ()
    feedback: Mapping[str, str] = {}  # never mutated: a shared empty default is safe


@dataclass(frozen=True)
class _Choice:
    """One ``=`` or ``~`` answer of a block, its weight in percent (``=`` is 100)."""

    offset: int
    weight: float
    text: str
    why: str = ""  # per-answer feedback


def parse_gift(text: str, path: str) -> list[GiftQuestion]:
    """The questions of a GIFT file, or every reason it is refused.

    Raises:
        BankError: with a :class:`Problem` per bad question (at the line of the
            fault) and per repeated title; no question is returned then.
    """
    report = Report(path, [])
    questions: list[GiftQuestion] = []
    category = None
    for start, lines in _chunks(text):
        body, notes = _split_comments(lines)
        try:
            if body.lstrip().startswith(_CATEGORY):
                category = _category(body)
            elif body.strip():
                questions.append(_question(body, start, category, notes))
        except _Fault as fault:
            report.add(start + body.count("\n", 0, fault.offset), fault.reason)
    titles = [
        (question.title, report.at(question.line)) for question in questions if question.title
    ]
    problems = [*report.problems, *duplicate_ids("question", titles)]
    if problems:
        raise BankError(problems)
    return questions


def _chunks(text: str) -> Iterator[tuple[int, list[str]]]:
    """Runs of non-blank lines (GIFT separates questions by blank lines), with their first line."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = enumerate(lines, start=1)
    for filled, run in itertools.groupby(numbered, key=lambda pair: bool(pair[1].strip())):
        if filled:
            first, *rest = run
            yield first[0], [first[1], *(line for _, line in rest)]


def _split_comments(lines: list[str]) -> tuple[str, dict[str, str]]:
    """A chunk's text, escapes hidden, and the values of its ``// facts|source|unit:`` comments.

    Comment lines are blanked rather than dropped, so offsets still map to lines.
    """
    notes: dict[str, str] = {}
    kept: list[str] = []
    for line in lines:
        comment = line.strip().startswith("//")
        if comment and (note := _NOTE.fullmatch(line.strip())):
            notes[note.group(1)] = note.group(2).strip()
        kept.append("" if comment else line)
    return _ESCAPED.sub(lambda match: _HIDDEN[match.group(1)], "\n".join(kept)), notes


def _category(body: str) -> str:
    category = _reveal(body.lstrip().removeprefix(_CATEGORY))
    if not category or "\n" in category:
        raise _Fault(
            len(body) - len(body.lstrip()),
            "$CATEGORY needs a path on its own line, then a blank line",
        )
    return category


def _question(body: str, start: int, category: str | None, notes: dict[str, str]) -> GiftQuestion:
    begin = len(body) - len(body.lstrip())
    title, offset = _title(body, begin)
    opening, closing = _answer_block(body, offset)
    after = body[closing + 1 :]
    prompt = _plain(body[offset:opening] + (_GAP + after if after.strip() else ""))
    if not prompt:
        raise _Fault(begin, "the question has no text")
    head, general, feedback = body[opening + 1 : closing].rpartition("####")
    block, explanation = (head, _plain(feedback)) if general else (feedback, "")
    answered = _answers(block, opening + 1, notes)
    return GiftQuestion(
        line=start + body.count("\n", 0, begin),
        title=title,
        category=category,
        type=answered.type,
        prompt=prompt,
        options=answered.options,
        answer=answered.answer,
        accept=answered.accept,
        explanation=explanation,
        feedback=answered.feedback,
        facts=tuple(fact.strip() for fact in notes.get("facts", "").split(",") if fact.strip()),
        source=notes.get("source") or None,
    )


def _title(body: str, offset: int) -> tuple[str | None, int]:
    """The ``::title::`` at ``offset``, if any, and where the question text starts."""
    if not body.startswith("::", offset):
        return None, offset
    end = body.find("::", offset + 2)
    if end < 0:
        raise _Fault(offset, "the title has no closing ::")
    return _reveal(body[offset + 2 : end]) or None, end + 2


def _answer_block(body: str, offset: int) -> tuple[int, int]:
    """The offsets of the one ``{`` and ``}`` of a question."""
    opening, closing = body.find("{", offset), body.find("}", offset)
    if opening < 0 and closing < 0:
        raise _Fault(offset, "no answer block {…}: descriptions are not supported")
    if closing < 0:
        raise _Fault(opening, "unterminated {: the answer block has no closing }")
    if opening < 0 or closing < opening:
        raise _Fault(closing, "} without an opening {")
    extra = _BRACE.search(body, opening + 1, closing) or _BRACE.search(body, closing + 1)
    if extra:
        brace = extra.group()
        raise _Fault(
            extra.start(), f"unexpected {brace}: a question has one answer block (write \\{brace})"
        )
    return opening, closing


def _answers(block: str, offset: int, notes: dict[str, str]) -> _Answered:
    """The type and answer a block gives, decided the way Moodle decides them."""
    kept = block.strip()
    if not kept:
        raise _Fault(offset, "an empty answer block {} (essay) is not supported")
    if kept.startswith("#"):
        return _numeric(block, offset, notes.get("unit", ""))
    if "~" in block:
        return _choice(block, offset)
    if "=" in block and "->" in block:
        raise _Fault(offset, "matching questions (->) are not supported")
    if truefalse := _TRUEFALSE.fullmatch(kept):
        return _Answered(ItemType.TRUEFALSE, None, truefalse.group(1) in ("T", "TRUE"))
    first, *others = _full_credit(_choices(block, offset, "="), offset)
    return _Answered(ItemType.FILLIN, None, first.text, tuple(other.text for other in others))


def _choice(block: str, offset: int) -> _Answered:
    """``=`` makes a single-answer question; weights alone make a multiple-answer one."""
    choices = _choices(block, offset, "~")
    if len(choices) < 2:
        raise _Fault(offset, "a choice question needs at least two options")
    options = tuple(choice.text for choice in choices)
    if "=" in block:
        key = _only(_full_credit(choices, offset)).text
        return _Answered(ItemType.SINGLE, options, key, feedback=_feedback(choices, {key}))
    right = [choice for choice in choices if choice.weight > 0]
    if not right:
        raise _Fault(offset, _NO_RIGHT_ANSWER)
    total = sum(choice.weight for choice in right)
    if round(total / 100, 2) != 1:
        raise _Fault(offset, f"the right options' weights add up to {total:g}%, not 100%")
    keys = tuple(choice.text for choice in right)
    return _Answered(ItemType.MULTIPLE, options, keys, feedback=_feedback(choices, set(keys)))


def _feedback(choices: list[_Choice], right: set[str]) -> dict[str, str]:
    return {c.text: c.why for c in choices if c.why and c.text not in right}


def _numeric(block: str, offset: int, unit: str) -> _Answered:
    """``#value:tolerance``, ``#min..max`` or several ``=`` of them; ``~`` starts wrong feedback."""
    start = block.index("#") + 1
    wrong = block.find("~", start)
    choices = _choices(block[start : wrong if wrong >= 0 else None], offset + start, "=")
    right = _only(_full_credit(choices, offset))
    return _Answered(ItemType.NUMERIC, None, _number(right.text, right.offset, unit))


def _full_credit(choices: list[_Choice], offset: int) -> list[_Choice]:
    right = [choice for choice in choices if choice.weight == 100]
    if not right:
        raise _Fault(offset, _NO_RIGHT_ANSWER)
    return right


def _only(right: list[_Choice]) -> _Choice:
    if len(right) > 1:
        raise _Fault(
            right[1].offset, "more than one right answer: single and numeric questions have one"
        )
    return right[0]


def _choices(block: str, offset: int, default: str) -> list[_Choice]:
    """The ``=``/``~`` answers of a block; text before the first mark counts as ``default``."""
    choices = []
    for piece in _PIECE.finditer(block):
        text = piece.group()
        if not text.strip():
            continue
        mark = text[0] if text[0] in "=~" else default
        at = offset + piece.start()
        weight, text = _weight(text.removeprefix(mark), at)
        answer, _, why = text.partition("#")  # per-answer feedback follows a "#"
        if not _plain(answer):
            raise _Fault(at, "an answer has no text")
        if weight is None:
            weight = 100 if mark == "=" else 0
        choices.append(_Choice(at, weight, _plain(answer), _plain(why)))
    return choices


def _weight(text: str, offset: int) -> tuple[float | None, str]:
    """A leading ``%weight%`` in percent, and the text after it."""
    match = _WEIGHT.match(text)
    if not match:
        return None, text
    try:
        weight = float(match.group(1))
    except ValueError:
        raise _Fault(offset, f"weight %{match.group(1)}% is not a number") from None
    if not -100 <= weight <= 100:
        raise _Fault(offset, f"weight %{match.group(1)}% is not between -100% and 100%")
    return weight, text[match.end() :]


def _number(text: str, offset: int, unit: str) -> NumericAnswer:
    try:
        value, tolerance = _value_and_tolerance(text)
    except ValueError:
        raise _Fault(offset, f"'{text}' is not a number, value:tolerance or min..max") from None
    if tolerance < 0:
        raise _Fault(offset, f"'{text}' has a negative tolerance or a reversed range")
    return NumericAnswer(value, tolerance, unit)


def _value_and_tolerance(text: str) -> tuple[float, float]:
    """``min..max`` is its middle, give or take half its width, as Moodle reads it.

    Raises:
        ValueError: when a part is not a finite number.
    """
    low, dots, high = text.partition("..")
    if dots:
        least, most = _finite(low), _finite(high)
        return (least + most) / 2, (most - least) / 2
    value, colon, tolerance = text.partition(":")
    return _finite(value), _finite(tolerance) if colon else 0.0


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _plain(raw: str) -> str:
    """An answer's or question's text: a leading format marker dropped, escapes undone."""
    return _reveal(_FORMAT.sub("", raw.strip()))


def _reveal(raw: str) -> str:
    return raw.translate(_REVEAL).strip()
