"""Grading quiz answers: pure functions of an item version's content and what was given.

No Flask and no database, so every rule is tested on its own. A question is
graded against the content of the version the learner saw, never the live
item, so a later edit never changes a past score.

What a learner gives, per type (this is also what ``Response.answer`` stores):

=========== ==========================================
single      the chosen option's text
multiple    the chosen options' texts
truefalse   ``True`` or ``False``
fillin      the text typed (see :func:`fillin_right` for what counts)
numeric     the text typed ("4", "4,0", "4.0 × 10⁹/L")
=========== ==========================================
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein

from quizapp.content import ItemType, Kind, NumericAnswer, normalise

QUESTION_TYPES = tuple(t for t in ItemType if t.kind is Kind.QUESTION)

Given = str | list[str] | bool

# A number at the start, with "." or "," as the decimal mark, then anything (a unit).
_NUMBER = re.compile(r"\s*(?P<number>[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+))\s*(?P<rest>.*)", re.S)
# A number anywhere in a text answer ("vitamin B12", "below 4,0 × 10⁹/L").
_NUMBER_IN_TEXT = re.compile(r"\d+(?:[.,]\d+)?")
# Words that change nothing in a short answer: articles, possessives, list joiners.
# "or" is not filler: "X or Y" and "X and Y" say different things.
FILLER_WORDS = frozenset({"a", "an", "the", "some", "its", "their", "your", "and", "by", "to"})
# One typo forgiven per this many letters of the accepted answer: none in "fever"
# or "sepsis" (so "never" stays wrong), one in "cirrhosis", two in "kostmann syndrome".
LETTERS_PER_TYPO = 7
MAX_TYPOS = 3
# Typos are forgiven only where each word starts as the accepted one does: a
# different start is another word ("granulocytosis" is not "agranulocytosis"),
# and these prefixes turn a term into its opposite.
SAME_START = 1  # "haemoglobin" for "hemoglobin" still counts
OPPOSITE_PREFIXES = (("hyper", "hypo"), ("inter", "intra"))


class AnswerError(ValueError):
    """An answer that cannot be read; the message tells the learner what to type."""


@dataclass(frozen=True)
class Question:
    """The gradable part of an item version's content."""

    type: ItemType
    options: tuple[str, ...]
    answer: str | tuple[str, ...] | bool | NumericAnswer
    accept: tuple[str, ...]

    @classmethod
    def from_content(cls, content: Mapping[str, Any]) -> Question:
        type_ = ItemType(content["type"])
        if type_ not in QUESTION_TYPES:
            raise ValueError(f"a {type_.value} item is a card, not a quiz question")
        answer = content["answer"]
        if type_ is ItemType.NUMERIC:
            answer = NumericAnswer(**answer)
        elif type_ is ItemType.MULTIPLE:
            answer = tuple(answer)
        return cls(type_, tuple(content.get("options") or ()), answer, tuple(content["accept"]))

    @property
    def unit(self) -> str:
        return self.answer.unit if isinstance(self.answer, NumericAnswer) else ""


@dataclass(frozen=True)
class Grade:
    """A score from 0 to 1 point; ``correct`` means full marks."""

    score: float
    correct: bool

    @classmethod
    def of(cls, points: Fraction) -> Grade:
        points = min(max(points, Fraction(0)), Fraction(1))
        return cls(float(points), points == 1)


def grade(question: Question, given: Given) -> Grade:
    """Grade one answer, given in the shape its type takes (see the module docstring).

    Raises:
        AnswerError: when a numeric answer holds no readable number.
    """
    match question.type:
        case ItemType.SINGLE:
            return Grade.of(Fraction(given == question.answer))
        case ItemType.MULTIPLE:
            return _grade_multiple(question, given)
        case ItemType.TRUEFALSE:
            return Grade.of(Fraction(given is question.answer))
        case ItemType.FILLIN:
            return Grade.of(Fraction(fillin_right(question, str(given))))
        case _:
            assert isinstance(question.answer, NumericAnswer)
            return Grade.of(Fraction(_numeric_right(question.answer, str(given))))


def _grade_multiple(question: Question, given: Given) -> Grade:
    """Moodle's multiple-answer grading: each right choice earns 1/(number of right
    options), each wrong choice costs 1/(number of wrong options), and the total
    never goes below zero. Ticking every option therefore scores nothing."""
    assert isinstance(question.answer, tuple)
    chosen = set(given) if isinstance(given, list) else set()
    right = set(question.answer)
    wrong = set(question.options) - right
    points = Fraction(len(chosen & right), len(right))
    if wrong:
        points -= Fraction(len(chosen & wrong), len(wrong))
    return Grade.of(points)


def fillin_right(question: Question, typed: str) -> bool:
    """Whether ``typed`` says what the key or one of the accepted answers says.

    An accepted answer that is a number (with or without its unit) takes any
    number a numeric item would read as equal ("4", "4,0", "4.0 x 10^9/L").
    Otherwise both texts are folded (case, accents, punctuation, filler words)
    and must hold the same numbers, and their words may differ by a few typos,
    more the longer the accepted answer (see ``LETTERS_PER_TYPO``).
    """
    given = _folded(typed)
    return any(
        _same_number(accepted, typed) or _close(_folded(accepted), given)
        for accepted in (str(question.answer), *question.accept)
    )


def _same_number(accepted: str, typed: str) -> bool:
    """Whether a key that is a figure with at most a unit ("4.0 × 10⁹/L", not
    "3 or more") reads as the number typed."""
    key = _NUMBER.fullmatch(accepted)
    if key is None or not _is_unit(key["rest"]):
        return False
    try:
        return read_number(typed, key["rest"]) == Decimal(key["number"].replace(",", "."))
    except AnswerError:
        return False


@dataclass(frozen=True)
class _Folded:
    """A text answer as compared: its numbers, and its words without filler."""

    numbers: tuple[Decimal, ...]
    words: str


def _folded(text: str) -> _Folded:
    # "× 10⁹" and "x 10^9" alike, as in a unit.
    text = unicodedata.normalize("NFKC", text).replace("^", "").replace("×", "x")
    numbers = sorted(Decimal(n.replace(",", ".")) for n in _NUMBER_IN_TEXT.findall(text))
    words = normalise(_NUMBER_IN_TEXT.sub(" ", text)).split()
    return _Folded(tuple(numbers), " ".join(w for w in words if w not in FILLER_WORDS))


def _is_unit(rest: str) -> bool:
    return any(char.isdigit() for char in rest) or len(normalise(rest).split()) <= 1


def _same_starts(accepted: str, given: str) -> bool:
    """Word by word, the typed words begin as the accepted ones (see ``SAME_START``)."""
    keys, words = accepted.split(), given.split()
    return len(keys) == len(words) and all(
        key[:SAME_START] == word[:SAME_START]
        and not any(
            (key.startswith(one) and word.startswith(other))
            or (key.startswith(other) and word.startswith(one))
            for one, other in OPPOSITE_PREFIXES
        )
        for key, word in zip(keys, words, strict=True)
    )


def _close(accepted: _Folded, given: _Folded) -> bool:
    if accepted.numbers != given.numbers:
        return False
    if accepted.words == given.words:
        return True
    if not _same_starts(accepted.words, given.words):
        return False
    letters = len(accepted.words.replace(" ", ""))
    typos = min(MAX_TYPOS, letters // LETTERS_PER_TYPO)
    distance = DamerauLevenshtein.distance(accepted.words, given.words, score_cutoff=typos)
    return distance <= typos


def _numeric_right(answer: NumericAnswer, text: str) -> bool:
    given = read_number(text, answer.unit)
    expected, tolerance = Decimal(str(answer.value)), Decimal(str(answer.tolerance))
    return abs(given - expected) <= tolerance


def read_number(text: str, unit: str = "") -> Decimal:
    """The number in ``text``: "4", "4.0" and "4,0" read alike, and the unit may be typed.

    Raises:
        AnswerError: when there is no number, or the words after it are not the unit.
    """
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise AnswerError(_number_hint(unit))
    rest = _fold_unit(match["rest"])
    if rest and rest != _fold_unit(unit):
        raise AnswerError(_number_hint(unit))
    return Decimal(match["number"].replace(",", "."))


def _fold_unit(unit: str) -> str:
    """A unit as typed on any keyboard: "× 10⁹/L", "x 10^9/l" and "10^9/L" fold alike."""
    folded = unicodedata.normalize("NFKC", unit).replace("×", "x").replace("^", "")
    return normalise(folded).replace(" ", "").removeprefix("x")


def _number_hint(unit: str) -> str:
    where = f" The unit, {unit}, is already given." if unit else ""
    return f"Type a number, such as 4 or 4.5.{where}"


def answer_text(given: Given | None) -> str:
    """An answer as a learner reads it: the options' texts, True/False, or the text typed."""
    if given is None:
        return "No answer"
    if isinstance(given, bool):
        return "True" if given else "False"
    if isinstance(given, list):
        return "; ".join(given)
    return given


def correct_text(question: Question) -> str:
    """The correct answer as a learner reads it; a number with its unit and tolerance."""
    answer = question.answer
    if isinstance(answer, NumericAnswer):
        tolerance = f" (± {answer.tolerance})" if answer.tolerance else ""
        return f"{answer.value} {answer.unit}".strip() + tolerance
    if isinstance(answer, tuple):
        return answer_text([option for option in question.options if option in answer])
    return answer_text(answer)


def shown_options(question: Question, order: Sequence[int] | None) -> list[str]:
    """The options in the order the attempt stored for them."""
    if order is None:
        return list(question.options)
    return [question.options[index] for index in order]
