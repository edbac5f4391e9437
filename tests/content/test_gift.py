"""Moodle GIFT: the bank written out and read back, Moodle's own constructs read, faults refused."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import pytest

from quizapp.content import BankError, Item, ItemType, NumericAnswer, TextFormat
from quizapp.content.gift import read_gift, render_gift
from quizapp.content.interchange import ParsedFile
from quizapp.content.model import Answer

from .interop import as_read, as_written, bank_items, bank_questions, item

HERE = Path(__file__).resolve().parent / "gift"


def read(name: str) -> ParsedFile:
    return read_gift((HERE / name).read_text(encoding="utf-8"), name)


def problems(text: str) -> list[str]:
    with pytest.raises(BankError) as error:
        read_gift(text, "bad.gift")
    return [str(problem) for problem in error.value.problems]


def only(text: str) -> tuple[object, ...]:
    """Type, prompt, options, answer, accept, feedback and weights of a one-question file."""
    parsed = read_gift(text, "one.gift")
    assert not parsed.skipped, parsed.skipped
    (question,) = parsed.questions
    return (
        question.type,
        question.prompt,
        question.options,
        question.answer,
        question.accept,
        dict(question.feedback),
        dict(question.weights),
    )


# Written and read back ---------------------------------------------------------


def test_every_question_of_the_real_bank_reads_back_the_same() -> None:
    questions = bank_questions()
    assert {each.type for each in questions} == {
        ItemType.SINGLE,
        ItemType.MULTIPLE,
        ItemType.TRUEFALSE,
        ItemType.FILLIN,
        ItemType.NUMERIC,
    }

    parsed = read_gift(render_gift(bank_items()), "bank.gift")

    assert [as_read(question) for question in parsed.questions] == list(map(as_written, questions))
    assert (parsed.skipped, parsed.lossy) == ([], [])


def test_questions_are_written_the_way_moodle_reads_them() -> None:
    items = [
        item(ItemType.SINGLE, "B", options=("A", "B", "C"), id="d:f:single"),
        item(
            ItemType.MULTIPLE,
            ("A", "B", "C"),
            options=("A", "B", "C", "D", "E"),
            id="d:f:multiple",
            facts=("f", "g"),
        ),
        item(ItemType.TRUEFALSE, False, topic="other", explanation=""),
        item(ItemType.FILLIN, "Neutrophil", accept=("Neutrophils",)),
        item(ItemType.NUMERIC, NumericAnswer(4.0, 0, "× 10⁹/L"), source="medpf"),
        item(ItemType.QA, "Not in GIFT"),
        item(ItemType.CLOZE, "Not in GIFT"),
    ]

    assert render_gift(items) == (
        "$CATEGORY: $course$/top/deck/topic\n"
        "\n"
        "// [id:d:f:single] [tag:quizapp-fact:fact] [tag:quizapp-source:source]\n"
        "::d\\:f\\:single::What?{\n\t~A\n\t=B\n\t~C\n\t####Because.\n}\n"
        "\n"
        "// [id:d:f:multiple] [tag:quizapp-fact:f] [tag:quizapp-fact:g]"
        " [tag:quizapp-source:source]\n"
        "::d\\:f\\:multiple::What?{\n"
        "\t~%33.33333%A\n\t~%33.33333%B\n\t~%33.33333%C\n\t~%-50%D\n\t~%-50%E\n"
        "\t####Because.\n}\n"
        "\n"
        "$CATEGORY: $course$/top/deck/other\n"
        "\n"
        "// [id:deck:fact:truefalse] [tag:quizapp-fact:fact] [tag:quizapp-source:source]\n"
        "::deck\\:fact\\:truefalse::What?{\n\tFALSE\n}\n"
        "\n"
        "$CATEGORY: $course$/top/deck/topic\n"
        "\n"
        "// [id:deck:fact:fillin] [tag:quizapp-fact:fact] [tag:quizapp-source:source]\n"
        "::deck\\:fact\\:fillin::What?{\n\t=Neutrophil\n\t=Neutrophils\n\t####Because.\n}\n"
        "\n"
        "// [id:deck:fact:numeric] [tag:quizapp-fact:fact] [tag:quizapp-source:medpf]"
        " [tag:quizapp-unit:× 10⁹/L]\n"
        "::deck\\:fact\\:numeric::What?{#\n\t=4.0:0\n\t####Because.\n}\n"
    )


def test_feedback_weights_and_text_format_are_written_back() -> None:
    written = [
        item(
            ItemType.SINGLE,
            "B",
            options=("A", "B", "C"),
            feedback={"A": "Close.", "B": "Yes!", "C": "No."},
            weights={"A": 0.5, "C": -0.25},
            id="d:single",
        ),
        item(
            ItemType.MULTIPLE,
            ("A", "B"),
            options=("A", "B", "C"),
            weights={"A": 0.7, "B": 0.3, "C": -1.0},
            feedback={"C": "Never."},
            id="d:multiple",
        ),
        item(
            ItemType.FILLIN,
            "colour",
            accept=("color", "col*r"),
            weights={"col*r": 0.5},
            feedback={"colour": "Right.", "col*r": "Spell it out."},
            id="d:fillin",
        ),
        item(
            ItemType.TRUEFALSE,
            False,
            feedback={"true": "It is not.", "false": "Right."},
            id="d:truefalse",
        ),
        item(
            ItemType.SINGLE,
            "<b>",
            options=("<b>", "&amp;"),
            prompt="Which tag makes <b>bold</b> text?",
            explanation="<code>&lt;b&gt;</code> is bold.",
            text_format=TextFormat.HTML,
            feedback={"&amp;": "That is an entity."},
            id="d:html",
        ),
        item(
            ItemType.TRUEFALSE,
            True,
            prompt="Is **this** bold?",
            explanation="Yes: `**` marks bold.",
            text_format=TextFormat.MARKDOWN,
            id="d:markdown",
        ),
    ]

    gift = render_gift(written)
    parsed = read_gift(gift, "back.gift")

    assert "\t~%50%A#Close.\n\t=B#Yes!\n\t~%-25%C#No.\n" in gift
    assert "\tFALSE#It is not.#Right.\n" in gift
    assert "::[html]Which tag makes <b>bold</b> text?{" in gift
    assert [as_read(question) for question in parsed.questions] == list(map(as_written, written))
    assert (parsed.skipped, parsed.lossy) == ([], [])


def test_a_share_moodle_has_no_grade_for_is_refused() -> None:
    options = tuple(f"Option {n}" for n in range(12))
    eleven_right = item(ItemType.MULTIPLE, options[:11], options=options)

    with pytest.raises(ValueError, match="100/11"):
        render_gift([eleven_right])


SPECIAL = ["\\", ":", "#", "=", "~", "{", "}", "\n", "%", "//", "[html]", "::", "####", "]"]


@pytest.mark.parametrize(
    "text",
    [f"a {special} b" for special in SPECIAL]
    + [f"{special}b" for special in SPECIAL if special.strip()]
    + ["C:\\", "\\n is not a newline", "\\{ is not a brace", "one\n\ntwo"],
)
def test_special_characters_survive_in_every_field(text: str) -> None:
    written = [
        item(
            ItemType.SINGLE,
            text,
            id=f"{text}:single".replace("\n", " "),  # Moodle's idnumber is one line
            prompt=text,
            options=("other", text),
            explanation=text,
            feedback={"other": text},
        ),
        item(ItemType.MULTIPLE, (text,), options=(text, "other", "more"), prompt=text),
        item(ItemType.FILLIN, text, accept=(f"{text}!",), prompt=text),
        item(ItemType.TRUEFALSE, True, prompt=text, explanation=text),
    ]

    parsed = read_gift(render_gift(written), "escapes.gift")

    assert [as_read(question) for question in parsed.questions] == list(map(as_written, written))


def test_escaping_writes_a_backslash_before_each_gift_character() -> None:
    gift = render_gift([item(ItemType.TRUEFALSE, True, prompt="\\ : # = ~ { }\nnext line")])

    assert "::What?" not in gift
    assert "::\\\\ \\: \\# \\= \\~ \\{ \\}\\nnext line{" in gift


# As Moodle writes it ----------------------------------------------------------


def moodle_rewrite(items: list[Item]) -> str:
    """Our export as Moodle writes it back after each question was opened in its editor.

    Moodle drops every comment but its own ``// question: N  name: X``, files
    categories under ``$course$/top/``, wraps edited text in ``<p>`` with
    entities (``[html]``, which answers then inherit unless marked otherwise)
    and writes ``#`` feedback markers (interop review D1).
    """
    lines, category = [], None
    for number, each in enumerate(items, start=1):
        path = f"$course$/top/{each.deck}/{each.topic}"
        if path != category:
            category = path
            lines += [f"// question: 0  name: Switch category to {path}", f"$CATEGORY: {path}", ""]
        lines.append(f"// question: {number}  name: {each.id}")
        gift = render_gift([each]).split("\n")
        head = next(line for line in gift if line.startswith("::"))
        name, _, rest = head[2:].partition("::")
        prompt, brace, after = rest.rpartition("{")
        lines.append(f"::{name}::[html]{_edited(each.prompt)}{brace}{after}")
        body = gift[gift.index(head) + 1 : gift.index("}")]
        for line in body:
            if line.startswith("\t####"):
                lines.append(f"\t####{_edited(each.explanation)}")
            elif line.startswith(("\t=", "\t~")) and each.type is not ItemType.NUMERIC:
                mark = re.match(r"\t[=~](%[^%]*%)?", line)
                assert mark
                rest = line[mark.end() :].removeprefix("[moodle]")
                lines.append(f"{mark.group()}[moodle]{rest}")
            else:
                lines.append(line)
        lines += ["}", "", ""]
    return "\n".join(lines)


def _edited(text: str) -> str:
    """Plain text as Moodle's editor saves it, escaped for GIFT."""
    paragraphs = "".join(
        f'<p dir="ltr">{html.escape(part).replace(chr(10), "<br>")}</p>\n'
        for part in text.split("\n\n")
    )
    return (
        render_gift([item(ItemType.TRUEFALSE, True, prompt=paragraphs.strip())])
        .split("::")[-1]
        .split("{")[0]
    )


def test_the_bank_sent_through_moodle_comes_back_byte_identical() -> None:
    questions = bank_questions()
    export = render_gift(questions)
    rewritten = moodle_rewrite(questions)
    assert "// [id:" not in rewritten and "[html]<p" in rewritten

    parsed = read_gift(rewritten, "back.gift")

    assert (parsed.skipped, parsed.lossy) == ([], [])
    assert [q.name for q in parsed.questions] == [each.id for each in questions]
    assert {(q.idnumber, q.facts, q.source) for q in parsed.questions} == {(None, (), None)}
    restored = [
        replace(
            stored,
            prompt=q.prompt,
            text_format=q.text_format,
            options=q.options,
            answer=_with_stored_unit(q.answer, stored),
            accept=q.accept,
            explanation=q.explanation,
            feedback=q.feedback,
            weights=q.weights,
        )
        for q, stored in zip(parsed.questions, questions, strict=True)
    ]
    assert render_gift(restored) == export


def _with_stored_unit(answer: Answer, stored: Item) -> Answer:
    """Moodle's GIFT drops the unit: the importer keeps the stored one (bank/transfer.py)."""
    if isinstance(answer, NumericAnswer) and isinstance(stored.answer, NumericAnswer):
        unchanged = replace(answer, unit=stored.answer.unit) == stored.answer
        return stored.answer if unchanged else answer  # 0 and 0.0 are the same tolerance
    return answer


def test_moodle_fixture_constructs_are_read_or_skipped_by_line() -> None:
    parsed = read("moodle-fixture-style.gift")

    assert [str(problem) for problem in parsed.skipped] == [
        "moodle-fixture-style.gift:5: an essay (empty answer block {}) is not supported",
        "moodle-fixture-style.gift:8: a matching question (->) is not supported",
        "moodle-fixture-style.gift:65: a description (no answer block {…}) is not a question",
    ]
    by_name = {q.name: q for q in parsed.questions}
    assert [q.name for q in parsed.questions].count("2-08 WBC") == 2  # names repeat freely
    single = by_name["S1"]
    assert dict(single.feedback) == {
        "Neutrophil": "right; well done!",
        "Lymphocyte": "no, it makes antibodies",
        "Platelet": "no, it stops bleeding",
    }
    assert dict(by_name["M1"].weights) == {
        "Neutrophil": 0.5,
        "Red cell": -1.0,
        "Lymphocyte": 0.5,
        "Platelet": -1.0,
    }
    assert dict(by_name["M2"].weights)["Neutrophil"] == 0.7
    fillin = by_name["F1"]
    assert (fillin.answer, fillin.accept, dict(fillin.weights)) == (
        "Neutrophil",
        ("Neutro*",),
        {"Neutro*": 0.5},
    )
    truefalse = by_name["T1"]
    assert (truefalse.answer, dict(truefalse.feedback), truefalse.explanation) == (
        False,
        {"true": "Too low: that is leukopenia.", "false": "Right, it is too low."},
        "The normal range starts at 4.0 × 10⁹/L.",
    )
    control = by_name["Control characters"]
    assert (control.options, control.answer) == (("~", "=", "#", "{", "}", "\\"), "\\")
    assert by_name["R1"].answer == NumericAnswer(7.5, 3.5, "")
    assert [str(problem) for problem in parsed.lossy] == [
        "moodle-fixture-style.gift:15: S1: the formatting of 'Lymphocyte' or its feedback"
        " was dropped: answers are plain text",
        "moodle-fixture-style.gift:34: N1: the feedback on wrong numbers was left out",
        "moodle-fixture-style.gift:37: F1: the answer '*' worth 0% was left out:"
        " a fill-in accepts answers, it does not grade wrong ones",
    ]


def test_text_formats_are_sanitised_kept_or_unwrapped() -> None:
    parsed = read("formats.gift")
    by_name = {q.name: q for q in parsed.questions}

    bold = by_name["Bold"]
    assert (bold.text_format, bold.prompt) == (
        TextFormat.HTML,
        "Is <b>bold</b> &amp; <i>italic</i> text shown?",  # the <script> is gone
    )
    wrapped = by_name["Wrapped"]
    assert wrapped.text_format is TextFormat.HTML  # its feedback has real markup
    assert wrapped.explanation == "<p>Both are <strong>leukocytes</strong>.</p>"
    assert wrapped.prompt == "Neutrophils &amp; lymphocytes<br><br>are white cells."
    tomb = by_name["Tomb"]
    assert (tomb.text_format, tomb.prompt) == (
        TextFormat.MARKDOWN,
        "Who's buried in **Grant's tomb**?",
    )
    assert (by_name["Plain"].text_format, by_name["Plain"].prompt) == (
        TextFormat.PLAIN,
        "Is 1 < 2 & 3 > 2?",
    )
    assert (by_name["Moodle"].text_format, by_name["Moodle"].prompt) == (
        TextFormat.PLAIN,
        "Is a count of 3 low?",
    )
    assert [str(p) for p in parsed.lossy] == [
        "formats.gift:3: Bold: <script> was dropped from the text"
    ]


def test_html_that_only_wraps_plain_text_is_plain_text_again() -> None:
    gift = (
        '::P::[html]<p dir\\="ltr">A &amp; B &lt;x&gt;</p>\n<p>second<br />line</p>{\n'
        "=[html]<p>yes &amp; no</p>#[html]<p>right</p>\n~[html]<span>no</span>\n}"
    )

    assert only(gift) == (
        ItemType.SINGLE,
        "A & B <x>\n\nsecond\nline",
        ("yes & no", "no"),
        "yes & no",
        (),
        {"yes & no": "right"},
        {},
    )


def test_moodle_text_to_html_wrapping_is_plain_text_again() -> None:
    gift = '::D::[html]<div class\\="text_to_html">one<br />\ntwo</div>{T}'

    assert only(gift)[1] == "one\ntwo"


def test_only_our_own_metadata_is_trusted() -> None:
    parsed = read("third-party.gift")

    assert [(q.idnumber, q.facts, q.source) for q in parsed.questions] == [
        (None, (), None),  # "// source: Wikipedia" is a comment, not our note
        (None, (), None),  # so is "// facts: none"
        ("QX-17", (), "atlas"),  # Moodle's [id:] and our quizapp- tag
        (None, (), None),  # a name with a colon is not one of our uids
    ]


def test_the_old_comments_of_our_own_export_are_still_read() -> None:
    old = (
        "$CATEGORY: leukopenia/definition\n\n"
        "// facts: low-count, neutrophils\n// source: medpf\n// unit: × 10⁹/L\n"
        "::leukopenia\\:low-count\\:numeric::Below what count?{#\n\t=4.0:0\n}\n"
    )

    (question,) = read_gift(old, "old.gift").questions

    assert (question.category, question.facts, question.source, question.answer) == (
        "leukopenia/definition",
        ("low-count", "neutrophils"),
        "medpf",
        NumericAnswer(4.0, 0.0, "× 10⁹/L"),
    )


# Grading constructs -----------------------------------------------------------


@pytest.mark.parametrize(
    ("gift", "answer"),
    [
        ("::R::x? {#0.1..0.3}", NumericAnswer(0.2, 0.1, "")),
        ("::Pi::Pi to 3 places? {#3.141..3.142}", NumericAnswer(3.1415, 0.0005, "")),
        ("::T::x? {#0.00005:0.00001}", NumericAnswer(0.00005, 0.00001, "")),
        ("::M::x? {#-2..-1}", NumericAnswer(-1.5, 0.5, "")),
    ],
)
def test_a_range_is_its_exact_middle_give_or_take_half_its_width(
    gift: str, answer: NumericAnswer
) -> None:
    assert only(gift)[3] == answer


@pytest.mark.parametrize(
    ("gift", "options"),
    [
        ("Which is the gigabit symbol?{=Gb ~GB ~MB}", ("Gb", "GB", "MB")),
        ("Charge number of an electron?{=-1 ~1 ~0}", ("-1", "1", "0")),
        ("Blood group?{=O- ~O ~O+}", ("O-", "O", "O+")),
    ],
)
def test_options_differing_in_case_or_sign_are_different_options(
    gift: str, options: tuple[str, ...]
) -> None:
    assert only(gift)[2] == options


def test_the_same_option_twice_is_skipped_not_refused() -> None:
    parsed = read_gift("::A::Q?{=Yes ~Yes ~No}\n\n::B::Fine?{T}", "twice.gift")

    assert [q.name for q in parsed.questions] == ["B"]
    assert [str(p) for p in parsed.skipped] == ["twice.gift:1: the option 'Yes' appears twice"]


@pytest.mark.parametrize(
    "block",
    [
        "{#\n\t=%100%4.0:0#\n}",  # Moodle writes the "#" of an empty feedback
        "{#\n\t=%100%4.0:0#\n\t~#\n}",  # and of empty feedback on wrong numbers
        "{#\n\t=%100%4.0:0#[html]<p></p>\n\t~#[html]<p><br></p>\n}",  # its editor's
    ],
)
def test_an_empty_numeric_feedback_is_no_loss(block: str) -> None:
    parsed = read_gift(f"::Count::[html]<p>Below what count?</p>{block}\n", "back.gift")
    assert [q.answer for q in parsed.questions] == [NumericAnswer(4.0, 0, "")]
    assert parsed.lossy == []


def test_numeric_feedback_with_text_is_reported_left_out() -> None:
    parsed = read_gift("::Count::Below what count?{#=%100%4.0:0#Right. ~#No.}\n", "fb.gift")
    assert [str(problem) for problem in parsed.lossy] == [
        "fb.gift:1: Count: the feedback on 4.0:0 was left out",
        "fb.gift:1: Count: the feedback on wrong numbers was left out",
    ]


def test_a_wildcard_and_a_sign_are_kept_as_written() -> None:
    assert only("Colour?{=colo*r =%50%col*}")[3:5] == ("colo*r", ("col*",))
    assert only("Charge?{=-1}")[3] == "-1"


def test_any_name_is_a_label_that_never_clashes() -> None:
    long_name = "N" * 300
    parsed = read_gift(
        f"::Q 1::First?{{T}}\n\n::Q/1::Second?{{F}}\n\n::{long_name}::Third?{{T}}\n\n"
        "::Q 1::Fourth?{F}\n",
        "names.gift",
    )

    assert [q.name for q in parsed.questions] == ["Q 1", "Q/1", long_name, "Q 1"]


def test_categories_are_kept_as_written() -> None:
    parsed = read_gift(
        "$CATEGORY: $course$/top/leukopenia/causes\n\nA?{T}\n\n"
        "$CATEGORY: $system$/top/Shared/leukopenia/severity\n\nB?{T}\n",
        "cats.gift",
    )

    assert [q.category for q in parsed.questions] == [
        "$course$/top/leukopenia/causes",
        "$system$/top/Shared/leukopenia/severity",
    ]


# Refused ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gift", "problem"),
    [
        ("Q?\n{=a", "2: unterminated {: the answer block has no closing }"),
        ("Q? =a}", "1: } without an opening {"),
        ("Q?{=a} and {=b}", "1: unexpected {: a question has one answer block (write \\{)"),
        ("Q?{=a {b}", "1: unexpected {: a question has one answer block (write \\{)"),
        ("Q?{=a}}", "1: unexpected }: a question has one answer block (write \\})"),
        ("// note\n::t::{T}", "2: the question has no text"),
        ("::t Q?{T}", "1: the title has no closing ::"),
        ("Q?{\n=a\n~\n}", "3: an answer has no text"),
        ("Q?{~%half%a ~%100%b}", "1: weight %half% is not a number"),
        ("Q?{~%150%a ~b}", "1: weight %150% is not between -100% and 100%"),
        ("Q?{#\n=four\n}", "2: 'four' is not a number, value:tolerance or min..max"),
        ("Q?{#4:}", "1: '4:' is not a number, value:tolerance or min..max"),
        ("Q?{#nan}", "1: 'nan' is not a number, value:tolerance or min..max"),
        ("Q?{#5..1}", "1: '5..1' has a negative tolerance or a reversed range"),
        ("Q?{#4:-1}", "1: '4:-1' has a negative tolerance or a reversed range"),
        ("$CATEGORY: a/b\nQ?{T}", "1: $CATEGORY needs a path on its own line, then a blank line"),
    ],
)
def test_a_malformed_question_refuses_the_file_at_its_line(gift: str, problem: str) -> None:
    assert problems(gift) == [f"bad.gift:{problem}"]


@pytest.mark.parametrize(
    ("gift", "reason"),
    [
        ("Just a statement.", "a description (no answer block {…}) is not a question"),
        ("Q?{}", "an essay (empty answer block {}) is not supported"),
        ("Q?{\n=a -> 1\n=b -> 2\n}", "a matching question (->) is not supported"),
        ("Q?{~a ~b}", "the answer block has no right answer"),
        ("Q?{=%50%a =%0%b}", "the answer block has no right answer"),
        ("Q?{\n~a\n=b\n=c\n}", "more than one right answer: a single-answer question has one"),
        ("Q?{~%100%a}", "a choice question needs at least two options"),
        ("Q?{\n~%50%a\n~%30%b\n~c\n}", "the right options' weights add up to 80%, not 100%"),
        ("Q?{#\n=1\n=2\n}", "more than one right answer: a numeric question has one"),
    ],
)
def test_a_question_this_product_cannot_hold_is_skipped(gift: str, reason: str) -> None:
    parsed = read_gift(f"::ok::Fine?{{T}}\n\n{gift}\n", "some.gift")

    assert [q.name for q in parsed.questions] == ["ok"]
    assert [str(problem) for problem in parsed.skipped] == [f"some.gift:3: {reason}"]


def test_one_malformed_question_refuses_the_whole_file_with_every_problem() -> None:
    gift = "::good::Fine?{T}\n\n::bad::Q?{=a\n\n::good::Again?{F}\n\n::worse::R?{#x}\n"

    assert problems(gift) == [
        "bad.gift:3: unterminated {: the answer block has no closing }",
        "bad.gift:7: 'x' is not a number, value:tolerance or min..max",
    ]


def test_comments_and_blank_lines_alone_make_no_question() -> None:
    assert read_gift("// only a comment\n\n\n// and another\n", "empty.gift") == ParsedFile([])


def test_a_hand_written_moodle_file_reads_as_meant() -> None:
    parsed = read("moodle-style.gift")

    assert [(q.line, q.name, q.category, q.type, q.answer) for q in parsed.questions] == [
        (8, "Threshold", "leukopenia/definition", ItemType.NUMERIC, NumericAnswer(4.0, 0, "")),
        (16, "Neutrophils", "leukopenia/definition", ItemType.TRUEFALSE, True),
        (18, "Bacteria", "leukopenia/definition", ItemType.SINGLE, "bacteria"),
        (21, None, "leukopenia/definition", ItemType.MULTIPLE, ("Chemotherapy", "Radiotherapy")),
        (28, "Lifespan", "leukopenia/definition", ItemType.NUMERIC, NumericAnswer(3, 2, "")),
        (34, "Spelling", "leukopenia/causes", ItemType.FILLIN, "neutrophil"),
        (36, "Always", "leukopenia/causes", ItemType.TRUEFALSE, False),
        (38, "Escapes", "leukopenia/causes", ItemType.SINGLE, "one to two #"),
    ]
    threshold, neutrophils, bacteria, treatments, *_, spelling, _, escapes = parsed.questions
    assert threshold.text_format is TextFormat.MARKDOWN
    assert threshold.prompt == "Below what white-cell count\nis it called **leukopenia**?"
    assert dict(neutrophils.feedback) == {"true": "Yes.", "false": "No, they are."}
    assert (dict(bacteria.feedback), dict(bacteria.weights)) == (
        {"bacteria": "Right", "viruses": "No", "fungi": "Partly"},
        {"fungi": 0.5},
    )
    assert dict(treatments.feedback) == {"Chemotherapy": "Yes", "Vitamin C": "No"}
    assert treatments.weights == {}  # 50/50 and -100: all or nothing, as written for Moodle
    assert (spelling.accept, dict(spelling.weights), spelling.facts) == (
        ("neutrophils", "granulocyte"),
        {"granulocyte": 0.5},
        (),  # "// facts:" on a name that is not our uid is not ours
    )
    assert escapes.prompt == "Which ratio is written 1:2 {not 1=2}?"
    assert [str(problem) for problem in parsed.lossy] == [
        "moodle-style.gift:8: Threshold: the answer 3.5:0.5 worth 50% was left out",
        "moodle-style.gift:8: Threshold: the feedback on 4.0:0 was left out",
        "moodle-style.gift:8: Threshold: the feedback on 3.5:0.5 was left out",
        "moodle-style.gift:8: Threshold: the feedback on wrong numbers was left out",
    ]
