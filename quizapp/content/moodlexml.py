"""Moodle XML files: our quiz questions written as Moodle's question-bank format, and read back.

Moodle XML is what Moodle question banks are most often exchanged in
(``qformat_xml``). It keeps what GIFT cannot: each question's ``<idnumber>``
(where we write the item's uid), tags (our facts and source, see
:mod:`.interchange`), per-answer feedback, grades, tolerances and units.
Files are read with ``defusedxml``, which refuses entity and DTD tricks.
Only quiz questions are written (Moodle has no flashcards); a question type
this product cannot hold is skipped with its line.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET  # noqa: S405 - building output only; input goes through defusedxml
from collections.abc import Iterable

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]  # no stubs
from defusedxml.ElementTree import DefusedXMLParser  # type: ignore[import-untyped]

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
from .problems import BankError, Problem

_FORMATS = {
    "html": TextFormat.HTML,
    "moodle_auto_format": TextFormat.PLAIN,
    "plain_text": TextFormat.PLAIN,
    "markdown": TextFormat.MARKDOWN,
}
_WRITTEN = {
    TextFormat.PLAIN: "plain_text",
    TextFormat.HTML: "html",
    TextFormat.MARKDOWN: "markdown",
}
_QTYPES = {
    ItemType.SINGLE: "multichoice",
    ItemType.MULTIPLE: "multichoice",
    ItemType.TRUEFALSE: "truefalse",
    ItemType.FILLIN: "shortanswer",
    ItemType.NUMERIC: "numerical",
}


# Writing ----------------------------------------------------------------------


def render_moodle_xml(items: Iterable[Item]) -> str:
    """The quiz questions among ``items`` as a Moodle XML ``<quiz>``, filed by deck and topic."""
    quiz = ET.Element("quiz")
    category = None
    for item in items:
        if item.kind is not Kind.QUESTION:
            continue
        if category_path(item) != category:
            category = category_path(item)
            switch = ET.SubElement(quiz, "question", type="category")
            _text(switch, "category", category)
        _question_element(quiz, item)
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, "unicode") + "\n"


def _question_element(quiz: ET.Element, item: Item) -> None:
    question = ET.SubElement(quiz, "question", type=_QTYPES[item.type])
    _text(question, "name", item.id)
    _text(question, "questiontext", item.prompt, _WRITTEN[item.text_format])
    _text(question, "generalfeedback", item.explanation, _WRITTEN[item.text_format])
    ET.SubElement(question, "defaultgrade").text = "1"
    penalty = "1" if item.type is ItemType.TRUEFALSE else "0.3333333"
    ET.SubElement(question, "penalty").text = penalty
    ET.SubElement(question, "hidden").text = "0"
    ET.SubElement(question, "idnumber").text = item.id
    answer = item.answer
    if isinstance(answer, bool):
        for said in (True, False):
            fraction = "100" if said is answer else "0"
            choice = _text(question, "answer", str(said).lower(), "moodle_auto_format")
            choice.set("fraction", fraction)
            _text(choice, "feedback", item.feedback.get(str(said).lower(), ""), "plain_text")
    elif isinstance(answer, NumericAnswer):
        choice = _text(question, "answer", _number_text(answer.value), "moodle_auto_format")
        choice.set("fraction", "100")
        _text(choice, "feedback", "", "plain_text")
        ET.SubElement(choice, "tolerance").text = _number_text(answer.tolerance)
        _units(question, answer.unit)
    else:
        if item.type.has_options:
            ET.SubElement(question, "single").text = str(item.type is ItemType.SINGLE).lower()
            ET.SubElement(question, "shuffleanswers").text = "true"
            ET.SubElement(question, "answernumbering").text = "abc"
        else:
            ET.SubElement(question, "usecase").text = "0"
        for graded in graded_answers(item):
            choice = _text(question, "answer", graded.text, "plain_text")
            choice.set("fraction", percent(graded.fraction))
            _text(choice, "feedback", graded.feedback, "plain_text")
    tags = ET.SubElement(question, "tags")
    for tag in metadata_tags(item, with_unit=False):
        _text(tags, "tag", tag)


def _units(question: ET.Element, unit: str) -> None:
    """The unit as Moodle's only unit, optional for the learner to type."""
    if unit:
        units = ET.SubElement(question, "units")
        entry = ET.SubElement(units, "unit")
        ET.SubElement(entry, "multiplier").text = "1"
        ET.SubElement(entry, "unit_name").text = unit
    ET.SubElement(question, "unitgradingtype").text = "0"
    ET.SubElement(question, "unitpenalty").text = "0.1"
    ET.SubElement(question, "showunits").text = "0" if unit else "3"
    ET.SubElement(question, "unitsleft").text = "0"


def _number_text(number: float) -> str:
    """A number in its shortest exact form, whole numbers without ".0" (as Moodle writes them)."""
    return repr(float(number)).removesuffix(".0")


def _text(parent: ET.Element, tag: str, text: str, text_format: str | None = None) -> ET.Element:
    """``<tag format="…"><text>…</text></tag>``, Moodle's shape for every text."""
    element = ET.SubElement(parent, tag)
    if text_format:
        element.set("format", text_format)
    ET.SubElement(element, "text").text = text
    return element


# Reading ----------------------------------------------------------------------


class _Fault(Exception):
    """Why a file is refused, at a line."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


class _Lines(ET.TreeBuilder):
    """A tree builder that notes the line each element starts at (ElementTree keeps none)."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: DefusedXMLParser | None = None
        self.lines: dict[ET.Element, int] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = super().start(tag, attrs)
        if self.parser is not None:
            self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


def read_moodle_xml(text: str, path: str) -> ParsedFile:
    """The questions of a Moodle XML file, with what was skipped or lost, line by line.

    Raises:
        BankError: when the file is not Moodle XML, or a question is malformed.
    """
    quiz, lines = _parse(text, path)
    parsed = ParsedFile([])
    problems = []
    category = None
    for element in quiz.iter("question"):
        line = lines.get(element, 1)
        qtype = element.get("type", "")
        try:
            if qtype == "category":
                category = _child_text(element, "category") or category
            else:
                question, lost = _question(element, qtype, line, category, lines)
                parsed.questions.append(question)
                label = question.name or question.prompt[:40]
                parsed.lossy.extend(Problem(path, line, f"{label}: {message}") for message in lost)
        except _Fault as fault:
            problems.append(Problem(path, fault.line, fault.reason))
        except Unsupported as skip:
            parsed.skipped.append(Problem(path, line, str(skip)))
    if problems:
        raise BankError(problems)
    return parsed


def _parse(text: str, path: str) -> tuple[ET.Element, dict[ET.Element, int]]:
    builder = _Lines()
    parser = DefusedXMLParser(target=builder)
    builder.parser = parser
    try:
        parser.feed(text.removeprefix("\ufeff"))
        quiz = parser.close()
    except ET.ParseError as error:
        line = error.position[0]
        raise BankError([Problem(path, line, f"not well-formed XML: {error.msg}")]) from None
    except DefusedXmlException as error:
        raise BankError([Problem(path, None, f"refused: {error}")]) from None
    if quiz.tag != "quiz":
        raise BankError([Problem(path, 1, "not Moodle XML: the root element must be <quiz>")])
    return quiz, builder.lines


def _question(
    element: ET.Element,
    qtype: str,
    line: int,
    category: str | None,
    lines: dict[ET.Element, int],
) -> tuple[ForeignQuestion, list[str]]:
    """A question and what it says that an item cannot hold."""
    prompt, prompt_format = _formatted(element, "questiontext")
    if not prompt.strip():
        raise _Fault(line, "the question has no text")
    shape = _answers(element, qtype, prompt_format, lines)
    why, why_format = _formatted(element, "generalfeedback")
    dropped = [*dropped_tags(prompt, prompt_format), *dropped_tags(why, why_format)]
    text_format, prompt, why = one_format(
        read_text(prompt, prompt_format), read_text(why, why_format)
    )
    tags = [tag.text or "" for tag in element.iterfind("tags/tag/text")]
    metadata = read_metadata(tags)
    lost = list(shape.lost)
    lost += [f"{tag} was dropped from the text" for tag in dict.fromkeys(dropped)]
    lost += [f"the file {f.get('name')} was left out" for f in element.iter("file")]
    unit = shape.answer.unit if isinstance(shape.answer, NumericAnswer) else None
    return ForeignQuestion(
        line=line,
        name=_child_text(element, "name"),
        idnumber=(element.findtext("idnumber") or "").strip() or None,
        category=category,
        type=shape.type,
        prompt=prompt.strip(),
        text_format=text_format,
        options=shape.options,
        answer=shape.answer,
        accept=shape.accept,
        explanation=why.strip(),
        facts=metadata.facts,
        source=metadata.source,
        unit=unit or None,
        feedback=shape.feedback,
        weights=shape.weights,
    ), lost


def _answers(
    element: ET.Element, qtype: str, text_format: TextFormat, lines: dict[ET.Element, int]
) -> Shape:
    """The shape a question's ``<answer>`` elements give, by Moodle question type."""
    answers = element.findall("answer")
    if qtype == "numerical":
        return _numeric(element, answers, text_format, lines)
    graded, lost = [], []
    for answer in answers:
        text, dropped = plain_answer(*_formatted(answer, None, text_format))
        why, dropped_why = plain_answer(*_formatted(answer, "feedback", text_format))
        if dropped or dropped_why:
            lost.append(formatting_dropped(text))
        graded.append(Graded(text.strip(), _fraction(answer, lines), why.strip()))
    if qtype == "multichoice":
        single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
        shape = choice_shape(graded, single)
    elif qtype == "shortanswer":
        shape = fillin_shape(graded)
    elif qtype == "truefalse":
        said = {answer.text.lower(): answer for answer in graded}
        if set(said) != {"true", "false"}:
            raise _Fault(lines.get(element, 1), "a true/false question needs true and false")
        truth = said["true"].fraction > said["false"].fraction
        right, wrong = (said["true"], said["false"]) if truth else (said["false"], said["true"])
        shape = truefalse_shape(truth, right.feedback, wrong.feedback)
    else:
        raise Unsupported(f"the question type '{qtype}' is not supported")
    return shape._replace(lost=shape.lost + tuple(lost))


def _numeric(
    element: ET.Element,
    answers: list[ET.Element],
    text_format: TextFormat,
    lines: dict[ET.Element, int],
) -> Shape:
    """One right number with its tolerance; Moodle's unit with multiplier 1 is its unit."""
    graded = [
        Graded(
            _child_text(answer, None) or "",
            _fraction(answer, lines),
            plain_answer(*_formatted(answer, "feedback", text_format))[0],
        )
        for answer in answers
    ]
    index, found_lost = numeric_right(graded)
    right, lost = answers[index], list(found_lost)
    units = [
        (unit.findtext("unit_name") or "", unit.findtext("multiplier") or "1")
        for unit in element.iterfind("units/unit")
    ]
    main = next((name for name, multiplier in units if _number_or(multiplier) == 1), "")
    lost += [f"the unit {name} (× {m}) was left out" for name, m in units if name != main]
    line = lines.get(right, 1)
    value, tolerance = _number(graded[index].text, line), 0.0
    if (text := right.findtext("tolerance")) and text.strip():
        tolerance = _number(text, line)
    if tolerance < 0:
        raise _Fault(line, f"the tolerance {tolerance:g} is negative")
    return Shape(
        ItemType.NUMERIC, None, NumericAnswer(value, tolerance, main.strip()), lost=tuple(lost)
    )


def _fraction(answer: ET.Element, lines: dict[ET.Element, int]) -> float:
    """An answer's grade as a fraction (the file gives percent)."""
    raw = answer.get("fraction", "0")
    grade = _number_or(raw)
    if grade is None or not -100 <= grade <= 100:
        raise _Fault(lines.get(answer, 1), f"fraction '{raw}' is not a grade from -100 to 100")
    return grade / 100


def _number(text: str, line: int) -> float:
    number = _number_or(text)
    if number is None:
        raise _Fault(line, f"'{text.strip()}' is not a number")
    return number


def _number_or(text: str) -> float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _formatted(
    element: ET.Element, tag: str | None, default: TextFormat = TextFormat.PLAIN
) -> tuple[str, TextFormat]:
    """A ``<tag format="…"><text>`` (or the element's own) text and its format."""
    holder = element if tag is None else element.find(tag)
    if holder is None:
        return "", default
    return holder.findtext("text") or "", _FORMATS.get(holder.get("format", ""), default)


def _child_text(element: ET.Element, tag: str | None) -> str | None:
    holder = element if tag is None else element.find(tag)
    text = (holder.findtext("text") or "").strip() if holder is not None else ""
    return text or None
