"""The one shape GIFT and Moodle XML questions are read into, and the rules both share.

Both readers (:mod:`.gift`, :mod:`.moodlexml`) return a :class:`ParsedFile`,
so ``bank/transfer.py`` turns questions into items without knowing the
format. A question's ``name`` is a label only: Moodle reuses names freely, so
identity comes from ``idnumber`` (where our writers put the item's uid) or
from the importer's own matching.

What only this app knows (linked facts, source, a numeric's unit) travels as
Moodle tags ``quizapp-fact:<key>``, ``quizapp-source:<key>`` and
``quizapp-unit:<unit>``, which Moodle keeps through an import and export.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import nh3

from .markup import ALLOWED_TAGS, render
from .model import Answer, Item, ItemType, NumericAnswer, TextFormat
from .problems import Problem

FACT_TAG, SOURCE_TAG, UNIT_TAG = "quizapp-fact:", "quizapp-source:", "quizapp-unit:"
# Tags Moodle's editors wrap plain text in (<div> and <span> never survive sanitising).
_CLOTHING = frozenset({"p", "br"})
_WRAPPERS = frozenset({"div", "span"})  # dropped by sanitising, their text kept
_TAG = re.compile(r"</?([a-z0-9]+)")
_RAW_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")
_EPSILON = 1e-6  # Moodle stores grades with seven decimals


@dataclass(frozen=True)
class ForeignQuestion:
    """One question read from a GIFT or Moodle XML file, answer shaped as ``Item.answer``.

    ``prompt`` and ``explanation`` are in ``text_format`` (HTML already
    sanitised, Markdown as its source); options, accepted answers and
    feedback are plain text. ``feedback`` and ``weights`` are keyed by option
    or accepted-answer text (true/false: ``"true"``/``"false"``, the
    learner's answer); ``weights`` holds fractions in -1..1, only where they
    differ from all-or-nothing grading (as ``Item.weights``). ``facts``,
    ``source`` and ``unit`` are empty unless the file carries our own
    metadata (or, for ``unit``, says it): empty means "the file does not say".
    """

    line: int
    name: str | None
    idnumber: str | None
    category: str | None
    type: ItemType
    prompt: str
    text_format: TextFormat
    options: tuple[str, ...] | None
    answer: Answer
    accept: tuple[str, ...]
    explanation: str
    facts: tuple[str, ...] = ()
    source: str | None = None
    unit: str | None = None
    feedback: Mapping[str, str] = field(default_factory=dict, hash=False)
    weights: Mapping[str, float] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ParsedFile:
    """A file's importable questions, plus what was skipped or could not be kept, by line."""

    questions: list[ForeignQuestion]
    skipped: list[Problem] = field(default_factory=list)
    lossy: list[Problem] = field(default_factory=list)


class Unsupported(Exception):
    """A well-formed question this product cannot hold: skipped, with the reason."""


def category_path(item: Item) -> str:
    """Where Moodle files an item's question: its deck, then its topic."""
    return f"$course$/top/{item.deck}/{item.topic}"


# Metadata ---------------------------------------------------------------------


class Metadata(NamedTuple):
    """What our own tags say; empty where they say nothing."""

    facts: tuple[str, ...]
    source: str | None
    unit: str | None


def metadata_tags(item: Item, with_unit: bool = True) -> list[str]:
    """Our facts, source and (where the format has no units) unit as Moodle tags."""
    answer = item.answer
    unit = answer.unit if with_unit and isinstance(answer, NumericAnswer) else ""
    tags = [FACT_TAG + fact for fact in item.facts]
    tags += [SOURCE_TAG + item.source] if item.source else []
    return tags + ([UNIT_TAG + unit] if unit else [])


def read_metadata(tags: Iterable[str]) -> Metadata:
    """Facts, source and unit from our tags; any other tag is the instructor's own."""
    tags = list(tags)

    def first(prefix: str) -> str | None:
        return next((tag.removeprefix(prefix) for tag in tags if tag.startswith(prefix)), None)

    facts = tuple(tag.removeprefix(FACT_TAG) for tag in tags if tag.startswith(FACT_TAG))
    return Metadata(facts, first(SOURCE_TAG) or None, first(UNIT_TAG) or None)


# Text formats -----------------------------------------------------------------


def read_text(text: str, text_format: TextFormat) -> tuple[TextFormat, str]:
    """Text as the product keeps it: HTML sanitised, and plain again when HTML only wraps it.

    Moodle's editors wrap every text in ``<p>`` and escape ``&``, so our own
    plain text comes back from Moodle as HTML; it is turned back into the
    same plain text, keeping a round trip through Moodle byte-identical.
    """
    if text_format is not TextFormat.HTML:
        return text_format, text
    clean = _sanitise(text)
    if {match.group(1) for match in _TAG.finditer(clean)} <= _CLOTHING:
        return TextFormat.PLAIN, _html_to_plain(text)
    return TextFormat.HTML, clean


def dropped_tags(text: str, text_format: TextFormat) -> list[str]:
    """The HTML elements sanitising takes out of ``text`` (images, scripts, …), for the report."""
    if text_format is not TextFormat.HTML:
        return []
    found = dict.fromkeys(match.group(1).lower() for match in _RAW_TAG.finditer(text))
    return [f"<{tag}>" for tag in found if tag not in ALLOWED_TAGS | _WRAPPERS]


def _sanitise(text: str) -> str:
    """HTML cut down to what learners may be shown (:mod:`.markup`'s subset, by nh3)."""
    return str(render(text, TextFormat.HTML))


def _html_to_plain(text: str) -> str:
    """The text of HTML: paragraphs and ``<div>`` lines as line breaks, tags dropped."""
    bare = nh3.clean(text, tags={"p", "br", "div"}, clean_content_tags={"script", "style"})
    text = re.sub(r"\s*\n\s*", " ", bare)
    text = re.sub(r"\s*<br>\s*", "\n", text)
    text = re.sub(r"\s*</p>\s*<p>\s*", "\n\n", text)
    text = re.sub(r"\s*</div>\s*<div>\s*", "\n", text)
    return html.unescape(re.sub(r"\s*</?(?:p|div)>\s*", "", text)).strip()


def plain_answer(text: str, text_format: TextFormat) -> tuple[str, bool]:
    """An option's or feedback's text as plain text, and whether formatting was dropped."""
    kept, value = read_text(text, text_format)
    if kept is TextFormat.HTML:
        return _html_to_plain(text), True
    return value, False


def formatting_dropped(text: str) -> str:
    """What a lossy import says when an answer's or its feedback's markup was dropped."""
    return f"the formatting of '{text}' or its feedback was dropped: answers are plain text"


def _as_html(text: str) -> str:
    """Plain text written as HTML that shows the same."""
    return html.escape(text, quote=False).replace("\n", "<br>")


def one_format(
    prompt: tuple[TextFormat, str], explanation: tuple[TextFormat, str]
) -> tuple[TextFormat, str, str]:
    """Prompt and explanation in one format (an item has one), plain text adapted to it."""
    (prompt_format, prompt_text), (why_format, why) = prompt, explanation
    if not why or prompt_format is why_format:
        return prompt_format, prompt_text, why
    if TextFormat.HTML in (prompt_format, why_format):
        if prompt_format is not TextFormat.HTML:
            prompt_text = _as_html(prompt_text)
        if why_format is not TextFormat.HTML:
            why = _as_html(why)
        return TextFormat.HTML, prompt_text, why
    return TextFormat.MARKDOWN, prompt_text, why  # plain text reads the same as Markdown


# Answers and their grades -----------------------------------------------------


@dataclass(frozen=True)
class Graded:
    """One answer as a file gives it: its text, its grade (-1..1) and its feedback."""

    text: str
    fraction: float
    feedback: str = ""


class Shape(NamedTuple):
    """What a question's answers make of it, shaped as an item's fields."""

    type: ItemType
    options: tuple[str, ...] | None
    answer: Answer
    accept: tuple[str, ...] = ()
    feedback: Mapping[str, str] = {}  # never mutated: a shared empty default is safe
    weights: Mapping[str, float] = {}
    lost: tuple[str, ...] = ()  # what the file says that the item cannot hold


def choice_shape(answers: Sequence[Graded], single: bool) -> Shape:
    """A single-answer (one 100% option) or multiple-answer question.

    Raises:
        Unsupported: when the answers make no question this product can hold.
    """
    _check_options(answers)
    options = tuple(answer.text for answer in answers)
    feedback = {answer.text: answer.feedback for answer in answers if answer.feedback}
    if single:
        right = [answer for answer in answers if _is(answer.fraction, 1)]
        key = _one_right(right).text
        weights = {a.text: a.fraction for a in answers if a.text != key and not _is(a.fraction, 0)}
        return Shape(ItemType.SINGLE, options, key, feedback=feedback, weights=weights)
    right = [answer for answer in answers if answer.fraction > 0]
    if not right:
        raise Unsupported("the answer block has no right answer")
    total = sum(answer.fraction for answer in right)
    if not _is(total, 1):
        raise Unsupported(f"the right options' weights add up to {total:.0%}, not 100%")
    keys = tuple(answer.text for answer in right)
    grades = {answer.text: answer.fraction for answer in answers}
    even = _same(grades, _shares(options, keys))
    weights = {} if even else {text: grade for text, grade in grades.items() if not _is(grade, 0)}
    return Shape(ItemType.MULTIPLE, options, keys, feedback=feedback, weights=weights)


def fillin_shape(answers: Sequence[Graded]) -> Shape:
    """A short answer: the first 100% answer is the key, other credited answers are accepted.

    Raises:
        Unsupported: when no answer earns 100%.
    """
    credited = [answer for answer in answers if answer.fraction > 0]
    key = next((answer for answer in credited if _is(answer.fraction, 1)), None)
    if key is None:
        raise Unsupported("the answer block has no right answer")
    accept = tuple(answer.text for answer in credited if answer is not key)
    if len({key.text, *accept}) <= len(accept):
        raise Unsupported("an answer appears twice")
    lost = tuple(
        f"the answer '{answer.text}' worth {answer.fraction:.0%} was left out: "
        "a fill-in accepts answers, it does not grade wrong ones"
        for answer in answers
        if answer.fraction <= 0
    )
    return Shape(
        ItemType.FILLIN,
        None,
        key.text,
        accept,
        feedback={a.text: a.feedback for a in credited if a.feedback},
        weights={a.text: a.fraction for a in credited if not _is(a.fraction, 1)},
        lost=lost,
    )


def truefalse_shape(answer: bool, right_feedback: str, wrong_feedback: str) -> Shape:
    """A true/false statement; feedback is keyed by the learner's answer."""
    said = {str(answer).lower(): right_feedback, str(not answer).lower(): wrong_feedback}
    return Shape(ItemType.TRUEFALSE, None, answer, feedback={k: v for k, v in said.items() if v})


def graded_answers(item: Item) -> list[Graded]:
    """An item's answers with the grades and feedback a Moodle file gives them."""
    answer, feedback = item.answer, item.feedback
    if isinstance(answer, tuple):
        options = item.options or ()
        if item.weights:
            grades = {option: item.weights.get(option, 0.0) for option in options}
        else:
            _moodle_share(len(answer))
            _moodle_share(len(options) - len(answer) or 1)
            grades = _shares(options, answer)
        return [Graded(option, grades[option], feedback.get(option, "")) for option in options]
    if item.type is ItemType.SINGLE:
        return [
            Graded(
                option,
                1.0 if option == answer else item.weights.get(option, 0.0),
                feedback.get(option, ""),
            )
            for option in item.options or ()
        ]
    texts = (answer, *item.accept) if isinstance(answer, str) else ()
    return [Graded(text, item.weights.get(text, 1.0), feedback.get(text, "")) for text in texts]


def percent(fraction: float) -> str:
    """A grade in percent as Moodle writes it (its grades keep seven decimals of a fraction)."""
    return f"{fraction * 100:.5f}".rstrip("0").rstrip(".")


def _moodle_share(count: int) -> None:
    """Refuse a share of 1/count that Moodle has no grade for (its list has 100/n % for these n).

    Raises:
        ValueError: naming the grade.
    """
    if count not in _MOODLE_SHARES:
        raise ValueError(f"Moodle has no grade of 100/{count} %")


_MOODLE_SHARES = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20})


def _shares(options: Sequence[str], right: Sequence[str]) -> dict[str, float]:
    """All-or-nothing written for Moodle: right options share 100%, wrong ones -100%,
    so ticking every option scores nothing."""
    wrong = len(options) - len(right)
    return {option: 1 / len(right) if option in right else -1 / wrong for option in options}


def _check_options(answers: Sequence[Graded]) -> None:
    if len(answers) < 2:
        raise Unsupported("a choice question needs at least two options")
    seen: set[str] = set()
    for answer in answers:
        if answer.text in seen:  # compared as written: "GB" and "Gb" are two options
            raise Unsupported(f"the option '{answer.text}' appears twice")
        seen.add(answer.text)


def numeric_right(answers: Sequence[Graded]) -> tuple[int, tuple[str, ...]]:
    """Which of a numeric question's answers is its one right answer (worth 100%), and
    what an item cannot hold of them: the answers worth less, and their feedback.

    Feedback is given as plain text, so an empty one as Moodle writes it
    (``=%100%4.0:0#``, or ``<p></p>`` from its editor) is no loss.

    Raises:
        Unsupported: when no answer, or more than one, is worth 100%.
    """
    right = _one_right([a for a in answers if _is(a.fraction, 1)], "a numeric question")
    lost = [
        f"the answer {answer.text} worth {answer.fraction:.0%} was left out"
        for answer in answers
        if answer is not right
    ]
    lost += [f"the feedback on {a.text} was left out" for a in answers if a.feedback.strip()]
    return answers.index(right), tuple(lost)


def _one_right(right: list[Graded], question: str = "a single-answer question") -> Graded:
    if not right:
        raise Unsupported("the answer block has no right answer")
    if len(right) > 1:
        raise Unsupported(f"more than one right answer: {question} has one")
    return right[0]


def _is(value: float, target: float) -> bool:
    return abs(value - target) < _EPSILON * 10


def _same(grades: Mapping[str, float], other: Mapping[str, float]) -> bool:
    return grades.keys() == other.keys() and all(_is(grades[k], other[k]) for k in grades)
