"""Grading quiz answers: pure functions of an item version's content and what was given.

No Flask and no database, so every rule is tested on its own. A question is
graded against the content of the version the learner saw, never the live
item, so a later edit never changes a past score.

What a learner gives, per type (this is also what ``Response.answer`` stores):

=========== ==========================================
single      the chosen option's text
multiple    the chosen options' texts
truefalse   ``True`` or ``False``
fillin      the text typed (see :func:`matched_answer` for what counts)
numeric     the text typed ("4", "4,0", "4.0 × 10⁹/L")
=========== ==========================================

An item's ``weights`` (Moodle's answer grades, -1..1) give partial credit:
a single answer scores its chosen option's weight, a multiple answer the sum
of the chosen options' weights, a fill-in the weight of the answer it matched;
scores are held between 0 and 1. Without weights the rules are all-or-nothing
(and Moodle's equal split for a multiple answer).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein

from quizapp.content import ItemType, Kind, NumericAnswer, normalise

QUESTION_TYPES = tuple(t for t in ItemType if t.kind is Kind.QUESTION)

Given = str | list[str] | bool

# A number at the start, with "." or "," as the decimal mark, then anything (a unit).
_NUMBER = re.compile(r"\s*(?P<number>[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+))\s*(?P<rest>.*)", re.S)
# A number anywhere in a text answer ("vitamin B12", "below 4,0 × 10⁹/L", "-1"); a
# sign counts only where it does not join words ("COVID-19" holds 19, not -19).
_NUMBER_IN_TEXT = re.compile(r"(?:(?<!\w)[+-])?\d+(?:[.,]\d+)?")
# A sign ending a word or the answer ("O-", "Rh +") or starting a word ("-ve") is a
# word of its own: "O-" is not "O". A dash between words stays punctuation.
_LONE_SIGN = re.compile(r"(?<=\w)[+-](?!\w)|[+-](?=\s*$)|(?<![\w+-])[+-](?=[^\W\d])")
_SIGN_WORDS = {"+": " plus ", "-": " minus "}
# Moodle's short-answer wildcard: "*" stands for any text, "\*" for a star.
_WILDCARD = re.compile(r"(?<!\\)\*+")
# Moodle widens every tolerance by this much of the value (at least of 1), so
# the end points of a range written in decimals stay inside it (MDL-3225).
TOLERANCE_MARGIN = Decimal("1e-14")
# Weights are read as fractions with at most this denominator (0.33333 is 1/3).
WEIGHT_DENOMINATOR = 1000
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
    weights: Mapping[str, float] = field(default_factory=dict)

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
        return cls(
            type_,
            tuple(content.get("options") or ()),
            answer,
            tuple(content["accept"]),
            dict(content.get("weights") or {}),  # versions from before weights have none
        )

    @property
    def unit(self) -> str:
        return self.answer.unit if isinstance(self.answer, NumericAnswer) else ""

    @property
    def alternatives(self) -> tuple[str, ...]:
        """A fill-in's accepted texts: the key, then the other accepted answers."""
        return (str(self.answer), *self.accept)

    def weight(self, text: str) -> Fraction:
        """The credit ``text`` earns: its weight, else 1 for a correct answer and 0 for
        any other (in a weighted multiple answer, an option left out weighs nothing)."""
        if text in self.weights:
            return Fraction(str(self.weights[text])).limit_denominator(WEIGHT_DENOMINATOR)
        right = self.answer if isinstance(self.answer, tuple) else self.alternatives
        weighted_multiple = self.type is ItemType.MULTIPLE and self.weights
        return Fraction(int(text in right and not weighted_multiple))


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
            return Grade.of(question.weight(given) if isinstance(given, str) else Fraction(0))
        case ItemType.MULTIPLE:
            return _grade_multiple(question, given)
        case ItemType.TRUEFALSE:
            return Grade.of(Fraction(given is question.answer))
        case ItemType.FILLIN:
            matched = matched_answer(question, str(given))
            return Grade.of(Fraction(0) if matched is None else question.weight(matched))
        case _:
            assert isinstance(question.answer, NumericAnswer)
            return Grade.of(Fraction(_numeric_right(question.answer, str(given))))


def _grade_multiple(question: Question, given: Given) -> Grade:
    """Moodle's multiple-answer grading: the chosen options' weights added up;
    without weights, each right choice earns 1/(number of right options), each
    wrong choice costs 1/(number of wrong options), and the total never goes
    below zero. Ticking every option therefore scores nothing."""
    assert isinstance(question.answer, tuple)
    chosen = set(given) if isinstance(given, list) else set()
    if question.weights:
        return Grade.of(sum((question.weight(option) for option in chosen), Fraction(0)))
    right = set(question.answer)
    wrong = set(question.options) - right
    points = Fraction(len(chosen & right), len(right))
    if wrong:
        points -= Fraction(len(chosen & wrong), len(wrong))
    return Grade.of(points)


def matched_answer(question: Question, typed: str) -> str | None:
    """The accepted answer ``typed`` says, or None; an exact match wins over one
    with typos, then the answer earning more.

    An accepted answer with a ``*`` is a Moodle wildcard pattern, matched as
    Moodle does (any case, ``*`` for any text). One that is a number (with or
    without its unit) takes any number a numeric item would read as equal ("4",
    "4,0", "4.0 x 10^9/L"). Otherwise both texts are folded (case, accents,
    punctuation, filler words but not signs) and must hold the same numbers,
    and their words may differ by a few typos, more the longer the accepted
    answer (see ``LETTERS_PER_TYPO``).
    """
    given = _folded(typed)
    found = [
        (distance, -question.weight(accepted), index, accepted)
        for index, accepted in enumerate(question.alternatives)
        if (distance := _distance(accepted, typed, given)) is not None
    ]
    return min(found)[-1] if found else None


def _distance(accepted: str, typed: str, given: _Folded) -> int | None:
    """How far ``typed`` is from ``accepted`` in typos (0 for an exact match), or None."""
    if _WILDCARD.search(accepted):
        return 0 if _wildcard_matches(accepted, typed) else None
    if _same_number(accepted, typed):
        return 0
    return _typos(_folded(accepted), given)


def _wildcard_matches(pattern: str, typed: str) -> bool:
    """Moodle's ``compare_string_with_wildcard``, ignoring case as its default does.

    Moodle joins the pieces with ``.*`` into a regular expression, which
    backtracks for minutes on "*a*a*a*a*b" against a long answer; here the
    pieces are found in order with ``str.find`` instead, in linear time: the
    first piece starts the text, the last ends it, the others come leftmost first.
    """
    first, *middle, last = (
        _folded_case(bit.replace("\\*", "*")) for bit in _WILDCARD.split(pattern)
    )
    text = _folded_case(typed.strip())
    end = len(text) - len(last)
    if not (text.startswith(first) and text.endswith(last) and len(first) <= end):
        return False
    start = len(first)
    for bit in middle:
        found = text.find(bit, start, end)
        if found < 0:
            return False
        start = found + len(bit)
    return True


def _folded_case(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


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
    # "× 10⁹" and "x 10^9" alike, as in a unit; "−" is a minus sign.
    text = unicodedata.normalize("NFKC", text).replace("^", "").replace("×", "x")
    text = text.replace("\u2212", "-")
    text = _LONE_SIGN.sub(lambda sign: _SIGN_WORDS[sign.group()], text)
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


def _typos(accepted: _Folded, given: _Folded) -> int | None:
    if accepted.numbers != given.numbers:
        return None
    if accepted.words == given.words:
        return 0
    if not _same_starts(accepted.words, given.words):
        return None
    letters = len(accepted.words.replace(" ", ""))
    typos = min(MAX_TYPOS, letters // LETTERS_PER_TYPO)
    distance = DamerauLevenshtein.distance(accepted.words, given.words, score_cutoff=typos)
    return distance if distance <= typos else None


def _numeric_right(answer: NumericAnswer, text: str) -> bool:
    """Within the tolerance, end points included, as Moodle's nominal tolerance:
    a range ``{#0.1..0.3}`` is stored as 0.2 ± 0.09999999999999999, and the margin
    keeps 0.1 and 0.3 inside it."""
    given = read_number(text, answer.unit)
    expected, tolerance = Decimal(str(answer.value)), Decimal(str(answer.tolerance))
    margin = TOLERANCE_MARGIN * max(Decimal(1), abs(expected))
    return abs(given - expected) <= tolerance + margin


def read_number(text: str, unit: str = "") -> Decimal:
    """The number in ``text``: "4", "4.0" and "4,0" read alike, and the unit may be typed.

    Raises:
        AnswerError: when there is no number, or the words after it are not the unit.
    """
    match = _NUMBER.fullmatch(text.replace("\u2212", "-"))
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
