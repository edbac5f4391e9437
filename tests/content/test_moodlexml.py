"""Moodle XML: the bank written out and read back, Moodle's exports of each type read."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import pytest

from quizapp.content import BankError, ItemType, NumericAnswer, TextFormat
from quizapp.content.interchange import ParsedFile
from quizapp.content.moodlexml import read_moodle_xml, render_moodle_xml

from .interop import as_read, as_written, bank_items, bank_questions, item

HERE = Path(__file__).resolve().parent / "moodlexml"


def read(name: str) -> ParsedFile:
    return read_moodle_xml((HERE / name).read_text(encoding="utf-8"), name)


def problems(text: str) -> list[str]:
    with pytest.raises(BankError) as error:
        read_moodle_xml(text, "bad.xml")
    return [str(problem) for problem in error.value.problems]


def test_every_question_of_the_real_bank_reads_back_the_same() -> None:
    parsed = read_moodle_xml(render_moodle_xml(bank_items()), "bank.xml")

    assert [as_read(q) for q in parsed.questions] == list(map(as_written, bank_questions()))
    assert (parsed.skipped, parsed.lossy) == ([], [])


def test_feedback_weights_units_and_text_format_are_written_back() -> None:
    written = [
        item(
            ItemType.SINGLE,
            "B",
            options=("A", "B", "C"),
            feedback={"A": "Close.", "B": "Yes!"},
            weights={"A": 0.5, "C": -0.25},
            id="d:single",
        ),
        item(
            ItemType.MULTIPLE,
            ("A", "B"),
            options=("A", "B", "C"),
            weights={"A": 0.7, "B": 0.3, "C": -1.0},
            id="d:multiple",
        ),
        item(
            ItemType.FILLIN,
            "colour",
            accept=("color", "col*r"),
            weights={"col*r": 0.5},
            feedback={"col*r": "Spell it out."},
            id="d:fillin",
        ),
        item(ItemType.TRUEFALSE, True, feedback={"false": "It is."}, id="d:truefalse"),
        item(ItemType.NUMERIC, NumericAnswer(4.0, 0.25, "× 10⁹/L"), id="d:numeric"),
        item(ItemType.NUMERIC, NumericAnswer(1e-05, 1e-07, ""), id="d:small"),
        item(
            ItemType.TRUEFALSE,
            False,
            prompt="Is <i>this</i> &amp; that <b>bold</b>?",
            explanation="<p>Only <b>that</b>.</p>",
            text_format=TextFormat.HTML,
            id="d:html",
        ),
        item(
            ItemType.FILLIN,
            "no one",
            prompt="Who's in **Grant's tomb**?",
            text_format=TextFormat.MARKDOWN,
            id="d:markdown",
        ),
    ]

    xml = render_moodle_xml(written)
    parsed = read_moodle_xml(xml, "back.xml")

    assert '<answer format="plain_text" fraction="-25">' in xml
    assert "<unit_name>× 10⁹/L</unit_name>" in xml and "quizapp-unit" not in xml
    assert "<idnumber>d:single</idnumber>" in xml
    assert [as_read(q) for q in parsed.questions] == list(map(as_written, written))
    assert (parsed.skipped, parsed.lossy) == ([], [])


def test_multichoice_as_moodle_exports_it() -> None:
    parsed = read("multichoice.xml")
    single, multiple = parsed.questions

    assert (single.line, single.name, single.idnumber, single.category) == (
        15,
        "Anemia and leukopenia",
        "leukopenia:anemia-vitamin-deficiency:single:1",
        "$course$/top/leukopenia/causes",
    )
    assert (single.text_format, single.prompt) == (
        TextFormat.HTML,
        "<p>Which of these can <strong>also</strong> lead to leukopenia?</p>",
    )
    assert single.explanation == "Anemia &amp; a lack of vitamins can lower the count."
    assert (single.options, single.answer) == (
        ("A high-sugar diet", "Anemia", "Cold weather", "Vitamin deficiency"),
        "Anemia",
    )
    assert dict(single.weights) == {"Cold weather": -0.5, "Vitamin deficiency": 0.5}
    assert dict(single.feedback) == {
        "A high-sugar diet": "Diet sugar does not lower the count.",
        "Anemia": "Yes.",
    }
    assert (single.facts, single.source) == (("anemia-vitamin-deficiency",), "patient-page")
    assert (multiple.type, multiple.answer, dict(multiple.weights)) == (
        ItemType.MULTIPLE,
        ("Dengue", "Influenza"),
        {"Dengue": 0.7, "Influenza": 0.3, "Warts": -1.0},
    )
    assert (multiple.idnumber, multiple.text_format) == (None, TextFormat.PLAIN)
    assert (parsed.skipped, parsed.lossy) == ([], [])


def test_truefalse_as_moodle_exports_it() -> None:
    parsed = read("truefalse.xml")
    (question,) = parsed.questions

    assert (question.category, question.answer, question.explanation) == (
        "$system$/top/leukopenia/symptoms",
        False,
        "Fever may be the only sign.",
    )
    assert dict(question.feedback) == {"true": "No: it is the most common.", "false": "Right."}
    assert [str(p) for p in parsed.lossy] == [
        "truefalse.xml:6: Fever: the formatting of 'true' or its feedback was dropped:"
        " answers are plain text"
    ]


def test_shortanswer_as_moodle_exports_it() -> None:
    parsed = read("shortanswer.xml")
    (question,) = parsed.questions

    assert (question.type, question.text_format, question.prompt) == (
        ItemType.FILLIN,
        TextFormat.MARKDOWN,
        "Which **growth factor** stimulates white-cell production?",
    )
    assert (question.answer, question.accept, dict(question.weights)) == (
        "G-CSF",
        ("granulocyte colony-stimulating factor", "G*CSF"),
        {"G*CSF": 0.5},
    )
    assert dict(question.feedback) == {"G-CSF": "Right.", "G*CSF": "Close: write the hyphen."}
    assert [str(p) for p in parsed.lossy] == [
        "shortanswer.xml:3: G-CSF: the answer '*' worth 0% was left out:"
        " a fill-in accepts answers, it does not grade wrong ones"
    ]


def test_numerical_as_moodle_exports_it() -> None:
    parsed = read("numerical.xml")
    (question,) = parsed.questions

    assert (question.answer, question.unit, question.idnumber) == (
        NumericAnswer(4.0, 0.1, "× 10⁹/L"),
        "× 10⁹/L",
        "leukopenia:threshold:numeric",
    )
    assert (question.text_format, question.prompt) == (
        TextFormat.PLAIN,
        "Below which white-cell count is leukopenia diagnosed?",
    )
    assert [str(p) for p in parsed.lossy] == [
        "numerical.xml:3: Threshold: the answer 4000 worth 50% was left out",
        "numerical.xml:3: Threshold: the feedback on 4000 was left out",
        "numerical.xml:3: Threshold: the unit /µL (× 1000) was left out",
    ]


def test_an_empty_numeric_feedback_from_moodles_editor_is_no_loss() -> None:
    xml = (HERE / "numerical.xml").read_text(encoding="utf-8")
    edited = xml.replace("<text>Give it in thousands.</text>", "<text><![CDATA[<p></p>]]></text>")
    assert edited != xml
    parsed = read_moodle_xml(edited, "numerical.xml")
    assert [str(p) for p in parsed.lossy] == [
        "numerical.xml:3: Threshold: the answer 4000 worth 50% was left out",
        "numerical.xml:3: Threshold: the unit /µL (× 1000) was left out",
    ]


def test_types_this_product_cannot_hold_are_skipped_by_line() -> None:
    parsed = read("unsupported.xml")

    assert [q.name for q in parsed.questions] == ["Kept"]
    assert [str(p) for p in parsed.skipped] == [
        "unsupported.xml:3: the question type 'essay' is not supported",
        "unsupported.xml:8: the question type 'matching' is not supported",
        "unsupported.xml:14: the question type 'description' is not supported",
        "unsupported.xml:18: the question type 'cloze' is not supported",
    ]


def moodle_edit(xml: str) -> str:
    """Our export as Moodle writes it after each text was opened in its editor: HTML in
    ``<p>``, entities, CDATA, and Moodle's own elements and comments added."""

    def wrapped(match: re.Match[str]) -> str:
        text = html.unescape(match.group(2))
        paragraphs = "".join(
            f'<p dir="ltr">{html.escape(part).replace(chr(10), "<br>")}</p>'
            for part in text.split("\n\n")
        )
        return f'{match.group(1)} format="html">\n<text><![CDATA[{paragraphs}]]></text>'

    edited = re.sub(
        r'(<questiontext|<generalfeedback) format="plain_text">\s*<text>([^<]+)</text>',
        wrapped,
        xml,
    )
    edited = edited.replace("<hidden>0</hidden>", "<hidden>0</hidden>\n<!-- edited -->")
    return edited.replace(
        '<question type="multichoice">', '<question type="multichoice">\n<shownumcorrect/>'
    )


def test_the_bank_sent_through_moodle_comes_back_byte_identical() -> None:
    questions = bank_questions()
    export = render_moodle_xml(questions)
    edited = moodle_edit(export)
    assert "<![CDATA[<p" in edited

    parsed = read_moodle_xml(edited, "back.xml")

    assert (parsed.skipped, parsed.lossy) == ([], [])
    restored = [
        replace(
            stored,
            prompt=q.prompt,
            text_format=q.text_format,
            options=q.options,
            answer=q.answer,
            accept=q.accept,
            explanation=q.explanation,
            feedback=q.feedback,
            weights=q.weights,
            facts=q.facts,
            source=q.source or "",
        )
        for q, stored in zip(parsed.questions, questions, strict=True)
    ]
    assert [q.idnumber for q in parsed.questions] == [each.id for each in questions]
    assert render_moodle_xml(restored) == export


@pytest.mark.parametrize(
    ("xml", "problem"),
    [
        (
            "<quiz>\n<question type='truefalse'>\n</quiz>",
            "bad.xml:3: not well-formed XML: mismatched tag: line 3, column 2",
        ),
        ("<questions/>", "bad.xml:1: not Moodle XML: the root element must be <quiz>"),
        (
            '<!DOCTYPE quiz [<!ENTITY lol "lol">]>\n<quiz>&lol;</quiz>',
            "bad.xml: refused: EntitiesForbidden(name='lol', system_id=None, public_id=None)",
        ),
        (
            "<quiz>\n<question type='numerical'><questiontext><text>N?</text></questiontext>\n"
            "<answer fraction='100'><text>four</text></answer></question></quiz>",
            "bad.xml:3: 'four' is not a number",
        ),
        (
            "<quiz>\n<question type='multichoice'><questiontext><text>Q?</text></questiontext>\n"
            "<answer fraction='lots'><text>a</text></answer></question></quiz>",
            "bad.xml:3: fraction 'lots' is not a grade from -100 to 100",
        ),
        (
            "<quiz>\n<question type='truefalse'><questiontext><text> </text></questiontext>"
            "</question></quiz>",
            "bad.xml:2: the question has no text",
        ),
    ],
)
def test_a_malformed_file_is_refused_at_its_line(xml: str, problem: str) -> None:
    assert problems(xml) == [problem]


def test_an_embedded_image_is_reported_as_left_out() -> None:
    xml = (
        "<quiz>\n<question type='truefalse'><name><text>Smear</text></name>\n"
        "<questiontext format='html'><text><![CDATA[<p>Is this a neutrophil?"
        '<img src="@@PLUGINFILE@@/smear.png"></p>]]></text>\n'
        "<file name='smear.png' path='/' encoding='base64'>iVBORw0KGgo=</file></questiontext>\n"
        "<answer fraction='100'><text>true</text></answer>"
        "<answer fraction='0'><text>false</text></answer></question></quiz>"
    )

    parsed = read_moodle_xml(xml, "smear.xml")

    assert parsed.questions[0].prompt == "Is this a neutrophil?"
    assert [str(p) for p in parsed.lossy] == [
        "smear.xml:2: Smear: <img> was dropped from the text",
        "smear.xml:2: Smear: the file smear.png was left out",
    ]


def test_every_tag_of_the_bank_fits_in_a_moodle_tag() -> None:
    """Moodle cuts tag names at 50 characters (TAG_MAX_LENGTH): a cut fact key is lost."""
    xml = render_moodle_xml(bank_items())

    tags = re.findall(r"<tag>\s*<text>([^<]*)</text>", xml)
    assert tags and max(map(len, tags)) <= 50
