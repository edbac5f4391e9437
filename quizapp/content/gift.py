"""Moodle GIFT files: our quiz questions written for Moodle, and GIFT questions read back.

GIFT has no flashcards, so only questions are written. Each question is
named by its item's uid and carries, in a ``// [id:…] [tag:…]`` comment line
that Moodle (3.6 and later) reads and writes back, the uid as Moodle's
idnumber and our facts, source and unit as tags (see :mod:`.interchange`).

Reading follows Moodle's ``qformat_gift``: names are labels and may repeat;
``[html]`` text is sanitised, ``[markdown]`` kept as its source; per-answer
feedback and grades are kept as feedback and weights. A question this
product cannot hold (essay, matching, description, …) is skipped with its
line, and whatever a kept question says that an item cannot hold is listed
as lossy; only a malformed file is refused.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .interchange import (
    ForeignQuestion,
    Graded,
    ParsedFile,
    Shape,
    Unsupported,
    category_path,
    choice_shape,
    dropped_tags,
    fillin_shape,
    formatting_dropped,
    graded_answers,
    metadata_tags,
    numeric_right,
    one_format,
    percent,
    plain_answer,
    read_metadata,
    read_text,
    truefalse_shape,
)
from .model import Item, ItemType, Kind, NumericAnswer, TextFormat
from .problems import BankError, Problem, Report
from .text import unix_lines

_SPECIAL = "\\:#=~{}"
_ESCAPE = str.maketrans({char: "\\" + char for char in _SPECIAL} | {"\n": "\\n", "\r": ""})
_ESCAPED = re.compile(r"\\([" + re.escape(_SPECIAL) + "n])")
# Escaped characters are hidden behind Unicode noncharacters (reserved for a
# program's internal use) while the structure is parsed, as Moodle does.
_HIDDEN = {char: chr(0xFDD0 + n) for n, char in enumerate(_SPECIAL + "n")}
_REVEAL = str.maketrans({hidden: "\n" if char == "n" else char for char, hidden in _HIDDEN.items()})
_FORMATS = {
    "moodle": TextFormat.PLAIN,
    "plain": TextFormat.PLAIN,
    "html": TextFormat.HTML,
    "markdown": TextFormat.MARKDOWN,
}
_MARKER = re.compile(r"\A\[(" + "|".join(_FORMATS) + r")\]")
# Moodle's own syntax for an idnumber and tags in a comment (qformat_gift).
_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
_TAGS = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f])+)\]")
# Comments our exports wrote before the tags; trusted only on a name shaped like
# our uids ("deck:fact:type"), as a third party's "// source: Wikipedia" is not ours.
_OLD_NOTE = re.compile(r"//\s*(facts|source|unit):(.*)")
_OUR_UID = re.compile(r"[a-z0-9-]+(?::[^\s:]+)+")
_CATEGORY = "$CATEGORY:"
_BRACE = re.compile(r"[{}]")
_PIECE = re.compile(r"[=~]?[^=~]*")
_WEIGHT = re.compile(r"\s*%([^%\s]*)%")
_TRUEFALSE = re.compile(r"(T|TRUE|F|FALSE)\s*(?:#.*)?", re.DOTALL)
_GAP = "_____"  # what Moodle shows where the answer block sits inside a sentence


# Writing ----------------------------------------------------------------------


def render_gift(items: Iterable[Item]) -> str:
    """The quiz questions among ``items`` as GIFT, filed under ``$course$/top/deck/topic``."""
    blocks: list[str] = []
    category = None
    for item in items:
        if item.kind is not Kind.QUESTION:
            continue
        if category_path(item) != category:
            category = category_path(item)
            blocks.append(f"{_CATEGORY} {category}")
        blocks.append(_render_question(item))
    return "\n".join(f"{block}\n" for block in blocks)


def _render_question(item: Item) -> str:
    numeric = "#" if item.type is ItemType.NUMERIC else ""
    tags = "".join(f" [tag:{_bracketed(tag)}]" for tag in metadata_tags(item))
    prompt = _formatted(item.prompt, item.text_format)
    lines = [f"// [id:{_bracketed(item.id)}]{tags}", f"::{_escape(item.id)}::{prompt}{{{numeric}"]
    lines += [f"\t{line}" for line in _answer_lines(item)]
    if item.explanation:
        lines.append(f"\t####{_formatted(item.explanation, item.text_format)}")
    return "\n".join([*lines, "}"])


def _answer_lines(item: Item) -> list[str]:
    answer = item.answer
    if isinstance(answer, bool):
        said = {said: _answer_text(why, item) for said, why in item.feedback.items()}
        right, wrong = said.get(str(answer).lower(), ""), said.get(str(not answer).lower(), "")
        return [_truefalse(answer, right, wrong)]
    if isinstance(answer, NumericAnswer):
        return [f"={answer.value}:{answer.tolerance}"]
    return [_graded_line(graded, item) for graded in graded_answers(item)]


def _truefalse(answer: bool, right: str, wrong: str) -> str:
    """``TRUE#feedback if wrong#feedback if right``, as Moodle writes it."""
    line = "TRUE" if answer else "FALSE"
    if wrong or right:
        line += f"#{wrong}"
    return line + (f"#{right}" if right else "")


def _graded_line(graded: Graded, item: Item) -> str:
    text = _answer_text(graded.text, item)
    why = f"#{_answer_text(graded.feedback, item)}" if graded.feedback else ""
    if item.type is ItemType.FILLIN:
        mark = "=" if graded.fraction == 1 else f"=%{percent(graded.fraction)}%"
    elif item.type is ItemType.SINGLE and graded.fraction in (0, 1):
        mark = "=" if graded.fraction == 1 else "~"
    else:
        mark = f"~%{percent(graded.fraction)}%"
    return mark + text + why


def _formatted(text: str, text_format: TextFormat) -> str:
    """A prompt or explanation: ``[html]``/``[markdown]`` said, plain text as Moodle's default."""
    if text_format is TextFormat.PLAIN:
        return _text(text)
    return f"[{text_format.value}]{_escape(text)}"


def _answer_text(text: str, item: Item) -> str:
    """Options and feedback are plain text, said so where the question is not."""
    if item.text_format is TextFormat.PLAIN:
        return _text(text)
    return f"[plain]{_escape(text)}"


def _text(text: str) -> str:
    """Text escaped for GIFT; a leading "[html]"-like marker is kept as text, not a format."""
    protect = "[moodle]" if _MARKER.match(text.lstrip()) else ""
    return protect + _escape(text)


def _escape(text: str) -> str:
    return text.translate(_ESCAPE)


def _bracketed(text: str) -> str:
    """A value inside ``[id:…]`` or ``[tag:…]``, where Moodle reads ``\\]`` as ``]``."""
    return text.replace("]", "\\]").replace("\n", " ")


# Reading ----------------------------------------------------------------------


class _Fault(Exception):
    """Why a file is refused, at an offset of a chunk's text."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(reason)
        self.offset = offset
        self.reason = reason


@dataclass(frozen=True)
class _Notes:
    """What a question's comment lines say: Moodle's idnumber and tags, our old notes."""

    idnumber: str | None
    tags: tuple[str, ...]
    old: dict[str, str]


@dataclass(frozen=True)
class _Choice:
    """One ``=`` or ``~`` answer of a block as written, its weight in percent (``=`` is 100)."""

    offset: int
    weight: float
    text: str
    why: str = ""  # per-answer feedback


def read_gift(text: str, path: str) -> ParsedFile:
    """The questions of a GIFT file, with what was skipped or lost, line by line.

    Raises:
        BankError: with a :class:`Problem` per malformed question (at the line
            of the fault); nothing is returned then.
    """
    report = Report(path, [])
    parsed = ParsedFile([])
    category = None
    for start, lines in _chunks(text):
        body, notes = _split_comments(lines)
        line = start + body.count("\n", 0, len(body) - len(body.lstrip()))
        try:
            if body.lstrip().startswith(_CATEGORY):
                category = _category(body)
            elif body.strip():
                question, lost = _question(body, line, category, notes)
                parsed.questions.append(question)
                parsed.lossy.extend(Problem(path, line, f"{_label(question)}: {m}") for m in lost)
        except _Fault as fault:
            report.add(start + body.count("\n", 0, fault.offset), fault.reason)
        except Unsupported as skip:
            parsed.skipped.append(Problem(path, line, str(skip)))
    if report.problems:
        raise BankError(report.problems)
    return parsed


def _label(question: ForeignQuestion) -> str:
    return question.name or question.prompt[:40]


def _chunks(text: str) -> Iterator[tuple[int, list[str]]]:
    """Runs of non-blank lines (GIFT separates questions by blank lines), with their first line."""
    lines = unix_lines(text.removeprefix("\ufeff")).split("\n")
    numbered = enumerate(lines, start=1)
    for filled, run in itertools.groupby(numbered, key=lambda pair: bool(pair[1].strip())):
        if filled:
            first, *rest = run
            yield first[0], [first[1], *(line for _, line in rest)]


def _split_comments(lines: list[str]) -> tuple[str, _Notes]:
    """A chunk's text, escapes hidden, and what its ``//`` comment lines say.

    Comment lines are blanked rather than dropped, so offsets still map to lines.
    """
    comments = [line.strip() for line in lines if line.strip().startswith("//")]
    kept = ["" if line.strip().startswith("//") else line for line in lines]
    joined = "\n".join(comments)
    idnumber = _ID.search(joined)
    notes = _Notes(
        idnumber=idnumber.group(1).replace("\\]", "]").strip() if idnumber else None,
        tags=tuple(tag.replace("\\]", "]").strip() for tag in _TAGS.findall(joined)),
        old={m.group(1): m.group(2).strip() for c in comments if (m := _OLD_NOTE.fullmatch(c))},
    )
    return _ESCAPED.sub(lambda match: _HIDDEN[match.group(1)], "\n".join(kept)), notes


def _category(body: str) -> str:
    category = _reveal(body.lstrip().removeprefix(_CATEGORY))
    if not category or "\n" in category:
        raise _Fault(
            len(body) - len(body.lstrip()),
            "$CATEGORY needs a path on its own line, then a blank line",
        )
    return category


def _question(
    body: str, line: int, category: str | None, notes: _Notes
) -> tuple[ForeignQuestion, list[str]]:
    """A question and what it says that an item cannot hold."""
    begin = len(body) - len(body.lstrip())
    name, offset = _title(body, begin)
    opening, closing = _answer_block(body, offset)
    after = body[closing + 1 :]
    text_format, prompt = _marked(body[offset:opening] + (_GAP + after if after.strip() else ""))
    if not prompt:
        raise _Fault(begin, "the question has no text")
    head, general, feedback = body[opening + 1 : closing].rpartition("####")
    block, explanation = (head, feedback) if general else (feedback, "")
    shape = _answers(block, opening + 1, text_format)
    why_format, why = _marked(explanation, text_format)
    dropped = [*dropped_tags(prompt, text_format), *dropped_tags(why, why_format)]
    text_format, prompt, why = one_format(
        read_text(prompt, text_format), read_text(why, why_format)
    )
    metadata = read_metadata(notes.tags)
    if not metadata.facts and not metadata.source and _OUR_UID.fullmatch(name or ""):
        metadata = metadata._replace(  # the old comments of our own export, named by uid
            facts=tuple(f.strip() for f in notes.old.get("facts", "").split(",") if f.strip()),
            source=notes.old.get("source") or None,
            unit=metadata.unit or notes.old.get("unit") or None,
        )
    answer = shape.answer
    unit = metadata.unit if isinstance(answer, NumericAnswer) else None
    if isinstance(answer, NumericAnswer) and unit:
        answer = NumericAnswer(answer.value, answer.tolerance, unit)
    return ForeignQuestion(
        line=line,
        name=name,
        idnumber=notes.idnumber,
        category=category,
        type=shape.type,
        prompt=prompt,
        text_format=text_format,
        options=shape.options,
        answer=answer,
        accept=shape.accept,
        explanation=why,
        facts=metadata.facts,
        source=metadata.source,
        unit=unit,
        feedback=shape.feedback,
        weights=shape.weights,
    ), [*shape.lost, *(f"{tag} was dropped from the text" for tag in dict.fromkeys(dropped))]


def _title(body: str, offset: int) -> tuple[str | None, int]:
    """The ``::name::`` at ``offset``, if any, and where the question text starts."""
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
        raise Unsupported("a description (no answer block {…}) is not a question")
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


def _answers(block: str, offset: int, text_format: TextFormat) -> Shape:
    """The shape a block gives, its type decided the way Moodle decides it."""
    kept = block.strip()
    if not kept:
        raise Unsupported("an essay (empty answer block {}) is not supported")
    if kept.startswith("#"):
        return _numeric(block, offset, text_format)
    if "~" in block:
        choices = [_graded(choice, text_format) for choice in _choices(block, offset, "~")]
        shape = choice_shape([graded for graded, _ in choices], single="=" in block)
        return shape._replace(lost=tuple(m for _, m in choices if m))
    if "=" in block and "->" in block:
        raise Unsupported("a matching question (->) is not supported")
    if truefalse := _TRUEFALSE.fullmatch(kept):
        _, *said = (_plain(part, text_format)[0] for part in kept.split("#", 2))
        wrong, right = [*said, "", ""][:2]
        return truefalse_shape(truefalse.group(1) in ("T", "TRUE"), right, wrong)
    answers = [_graded(choice, text_format) for choice in _choices(block, offset, "=")]
    shape = fillin_shape([graded for graded, _ in answers])
    return shape._replace(lost=shape.lost + tuple(m for _, m in answers if m))


def _graded(choice: _Choice, text_format: TextFormat) -> tuple[Graded, str]:
    """An answer as plain text, and what formatting was dropped from it (or "")."""
    text, lost = _plain(choice.text, text_format)
    why, lost_why = _plain(choice.why, text_format)
    return Graded(text, choice.weight / 100, why), formatting_dropped(
        text
    ) if lost or lost_why else ""


def _plain(raw: str, default: TextFormat) -> tuple[str, bool]:
    text_format, text = _marked(raw, default)
    return plain_answer(text, text_format)


def _numeric(block: str, offset: int, text_format: TextFormat) -> Shape:
    """``#value:tolerance``, ``#min..max`` or several ``=`` of them; ``~`` starts wrong feedback."""
    start = block.index("#") + 1
    wrong = block.find("~", start)
    choices = _choices(block[start : wrong if wrong >= 0 else None], offset + start, "=")
    numbers = [_number(choice.text, choice.offset) for choice in choices]
    graded = [
        Graded(_reveal(c.text), c.weight / 100, _plain(c.why, text_format)[0]) for c in choices
    ]
    right, lost = numeric_right(graded)
    if wrong >= 0 and _plain(block[wrong + 1 :].lstrip().removeprefix("#"), text_format)[0]:
        lost += ("the feedback on wrong numbers was left out",)
    return Shape(ItemType.NUMERIC, None, numbers[right], lost=lost)


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
        if not _marked(answer)[1]:
            raise _Fault(at, "an answer has no text")
        if weight is None:
            weight = 100 if mark == "=" else 0
        choices.append(_Choice(at, weight, answer, why))
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


def _number(raw: str, offset: int) -> NumericAnswer:
    text = _reveal(raw)
    try:
        value, tolerance = _value_and_tolerance(text)
    except (ValueError, InvalidOperation):
        raise _Fault(offset, f"'{text}' is not a number, value:tolerance or min..max") from None
    if tolerance < 0:
        raise _Fault(offset, f"'{text}' has a negative tolerance or a reversed range")
    return NumericAnswer(value, tolerance, "")


def _value_and_tolerance(text: str) -> tuple[float, float]:
    """``min..max`` is its middle, give or take half its width, as Moodle reads it.

    The middle and half-width are worked out in decimal, so ``0.1..0.3`` is
    0.2 give or take 0.1, not 0.09999999999999999.

    Raises:
        ValueError: when a part is not a finite number.
    """
    low, dots, high = text.partition("..")
    if dots:
        least, most = _finite(low), _finite(high)
        return float((least + most) / 2), float((most - least) / 2)
    value, colon, tolerance = text.partition(":")
    return float(_finite(value)), float(_finite(tolerance)) if colon else 0.0


def _finite(text: str) -> Decimal:
    number = Decimal(text.strip())
    if not number.is_finite() or not math.isfinite(float(number)):
        raise ValueError(text)
    return number


def _marked(raw: str, default: TextFormat = TextFormat.PLAIN) -> tuple[TextFormat, str]:
    """A text's ``[format]`` marker (or ``default``) and its text, escapes undone."""
    stripped = raw.strip()
    marker = _MARKER.match(stripped)
    if not marker:
        return default, _reveal(stripped)
    return _FORMATS[marker.group(1)], _reveal(stripped[marker.end() :])


def _reveal(raw: str) -> str:
    return raw.translate(_REVEAL).strip()
