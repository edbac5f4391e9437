"""Moodle GIFT: the bank written out and read back, Moodle-style files read, faults refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.content import (
    BankError,
    Item,
    ItemType,
    Kind,
    Location,
    NumericAnswer,
    Status,
    read_bank,
)
from quizapp.content.gift import GiftQuestion, parse_gift, render_gift
from quizapp.content.model import Answer

HERE = Path(__file__).resolve().parent
BANK = HERE.parents[1] / "questions"
MOODLE_STYLE = HERE / "gift" / "moodle-style.gift"


def item(item_type: ItemType, answer: Answer, **fields: object) -> Item:
    """A quiz question with plain defaults, for the fields a test does not care about."""
    defaults: dict[str, object] = {
        "id": f"deck:fact:{item_type.value}",
        "deck": "deck",
        "topic": "topic",
        "prompt": "What?",
        "options": None,
        "accept": (),
        "explanation": "Because.",
        "facts": ("fact",),
        "source": "source",
    }
    return Item(
        type=item_type,
        answer=answer,
        status=Status.PUBLISHED,
        origin=Location("items.yaml", 1),
        **(defaults | fields),
    )


def as_read(question: GiftQuestion) -> tuple[object, ...]:
    return (
        question.title,
        question.category,
        question.type,
        question.prompt,
        question.options,
        question.answer,
        question.accept,
        question.explanation,
        question.facts,
        question.source,
    )


def as_written(item: Item) -> tuple[object, ...]:
    """What reading back the GIFT of ``item`` must give, in :func:`as_read` order."""
    return (
        item.id,
        f"{item.deck}/{item.topic}",
        item.type,
        item.prompt,
        item.options,
        item.answer,
        item.accept,
        item.explanation,
        item.facts,
        item.source,
    )


def problems(text: str) -> list[str]:
    with pytest.raises(BankError) as error:
        parse_gift(text, "bad.gift")
    return [str(problem) for problem in error.value.problems]


def test_every_question_of_the_real_bank_reads_back_the_same() -> None:
    items = read_bank(BANK).items
    questions = [each for each in items if each.kind is Kind.QUESTION]
    assert {each.type for each in questions} == {t for t in ItemType if t.kind is Kind.QUESTION}

    read = parse_gift(render_gift(items), "bank.gift")

    assert [as_read(question) for question in read] == [as_written(each) for each in questions]


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
        "$CATEGORY: deck/topic\n"
        "\n"
        "// facts: fact\n"
        "// source: source\n"
        "::d\\:f\\:single::What?{\n\t~A\n\t=B\n\t~C\n\t####Because.\n}\n"
        "\n"
        "// facts: f, g\n"
        "// source: source\n"
        "::d\\:f\\:multiple::What?{\n"
        "\t~%33.33333%A\n\t~%33.33333%B\n\t~%33.33333%C\n\t~%-50%D\n\t~%-50%E\n"
        "\t####Because.\n}\n"
        "\n"
        "$CATEGORY: deck/other\n"
        "\n"
        "// facts: fact\n"
        "// source: source\n"
        "::deck\\:fact\\:truefalse::What?{\n\tFALSE\n}\n"
        "\n"
        "$CATEGORY: deck/topic\n"
        "\n"
        "// facts: fact\n"
        "// source: source\n"
        "::deck\\:fact\\:fillin::What?{\n\t=Neutrophil\n\t=Neutrophils\n\t####Because.\n}\n"
        "\n"
        "// facts: fact\n"
        "// source: medpf\n"
        "// unit: × 10⁹/L\n"
        "::deck\\:fact\\:numeric::What?{#\n\t=4.0:0\n\t####Because.\n}\n"
    )


def test_a_share_moodle_has_no_grade_for_is_refused() -> None:
    options = tuple(f"Option {n}" for n in range(12))
    eleven_right = item(ItemType.MULTIPLE, options[:11], options=options)

    with pytest.raises(ValueError, match="100/11"):
        render_gift([eleven_right])


SPECIAL = ["\\", ":", "#", "=", "~", "{", "}", "\n", "%", "//", "[html]", "::", "####"]


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
            id=f"{text}:single",
            prompt=text,
            options=("other", text),
            explanation=text,
        ),
        item(ItemType.MULTIPLE, (text,), options=(text, "other", "more"), prompt=text),
        item(ItemType.FILLIN, text, accept=(f"{text}!",), prompt=text),
        item(ItemType.TRUEFALSE, True, prompt=text, explanation=text),
    ]

    read = parse_gift(render_gift(written), "escapes.gift")

    assert [as_read(question) for question in read] == [as_written(each) for each in written]


def test_escaping_writes_a_backslash_before_each_gift_character() -> None:
    gift = render_gift([item(ItemType.TRUEFALSE, True, prompt="\\ : # = ~ { }\nnext line")])

    assert "::What?" not in gift
    assert "::\\\\ \\: \\# \\= \\~ \\{ \\}\\nnext line{" in gift


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_hand_written_moodle_file_reads_as_meant(newline: str) -> None:
    text = MOODLE_STYLE.read_text(encoding="utf-8").replace("\n", newline)

    read = parse_gift(text, "moodle-style.gift")

    definition, causes = "leukopenia/definition", "leukopenia/causes"
    assert read == [
        GiftQuestion(
            line=8,
            title="Threshold",
            category=definition,
            type=ItemType.NUMERIC,
            prompt="Below what white-cell count\nis it called **leukopenia**?",
            options=None,
            answer=NumericAnswer(4.0, 0, "× 10⁹/L"),
            accept=(),
            explanation="Leukopenia is a count under 4.0 × 10⁹/L.",
            facts=(),
            source=None,
        ),
        GiftQuestion(
            line=16,
            title="Neutrophils",
            category=definition,
            type=ItemType.TRUEFALSE,
            prompt="Neutrophils are white blood cells.",
            options=None,
            answer=True,
            accept=(),
            explanation="They are granulocytes.",
            facts=(),
            source=None,
        ),
        GiftQuestion(
            line=18,
            title="Bacteria",
            category=definition,
            type=ItemType.SINGLE,
            prompt="Neutrophils mainly fight _____ in the blood.",
            options=("bacteria", "viruses", "fungi"),
            answer="bacteria",
            accept=(),
            explanation="",
            facts=(),
            source=None,
            feedback={"viruses": "No", "fungi": "Partly"},  # per-answer "#" feedback is kept
        ),
        GiftQuestion(
            line=21,
            title=None,
            category=definition,
            type=ItemType.MULTIPLE,
            prompt="Which two treatments can lower the white-cell count?",
            options=("Chemotherapy", "Radiotherapy", "Vitamin C"),
            answer=("Chemotherapy", "Radiotherapy"),
            accept=(),
            explanation="Both damage the bone marrow.",
            facts=(),
            source=None,
            feedback={"Vitamin C": "No"},
        ),
        GiftQuestion(
            line=28,
            title="Lifespan",
            category=definition,
            type=ItemType.NUMERIC,
            prompt="How many days does a neutrophil live, roughly?",
            options=None,
            answer=NumericAnswer(3, 2, ""),
            accept=(),
            explanation="",
            facts=(),
            source=None,
        ),
        GiftQuestion(
            line=34,
            title="Spelling",
            category=causes,
            type=ItemType.FILLIN,
            prompt="Name the white cell that fights bacteria first.",
            options=None,
            answer="neutrophil",
            accept=("neutrophils",),
            explanation="",
            facts=("neutrophil-name",),
            source="patient-page",
        ),
        GiftQuestion(
            line=36,
            title="Always",
            category=causes,
            type=ItemType.TRUEFALSE,
            prompt="Leukopenia always causes symptoms.",
            options=None,
            answer=False,
            accept=(),
            explanation="",
            facts=(),
            source=None,
        ),
        GiftQuestion(
            line=38,
            title="Escapes",
            category=causes,
            type=ItemType.SINGLE,
            prompt="Which ratio is written 1:2 {not 1=2}?",
            options=("one to two #", "two to one", "one ~ two"),
            answer="one to two #",
            accept=(),
            explanation="",
            facts=(),
            source=None,
        ),
    ]


@pytest.mark.parametrize(
    ("gift", "problem"),
    [
        ("Q?\n{=a", "2: unterminated {: the answer block has no closing }"),
        ("Q? =a}", "1: } without an opening {"),
        ("Q?{=a} and {=b}", "1: unexpected {: a question has one answer block (write \\{)"),
        ("Q?{=a {b}", "1: unexpected {: a question has one answer block (write \\{)"),
        ("Q?{=a}}", "1: unexpected }: a question has one answer block (write \\})"),
        ("Just a statement.", "1: no answer block {…}: descriptions are not supported"),
        ("Q?{}", "1: an empty answer block {} (essay) is not supported"),
        ("Q?{\n=a -> 1\n=b -> 2\n}", "1: matching questions (->) are not supported"),
        ("// note\n::t::{T}", "2: the question has no text"),
        ("::t Q?{T}", "1: the title has no closing ::"),
        ("Q?{~a ~b}", "1: the answer block has no right answer"),
        ("Q?{=%50%a =%0%b}", "1: the answer block has no right answer"),
        (
            "Q?{\n~a\n=b\n=c\n}",
            "4: more than one right answer: single and numeric questions have one",
        ),
        ("Q?{~%100%a}", "1: a choice question needs at least two options"),
        ("Q?{\n=a\n~\n}", "3: an answer has no text"),
        ("Q?{\n~%50%a\n~%30%b\n~c\n}", "1: the right options' weights add up to 80%, not 100%"),
        ("Q?{~%half%a ~%100%b}", "1: weight %half% is not a number"),
        ("Q?{~%150%a ~b}", "1: weight %150% is not between -100% and 100%"),
        ("Q?{#\n=four\n}", "2: 'four' is not a number, value:tolerance or min..max"),
        ("Q?{#4:}", "1: '4:' is not a number, value:tolerance or min..max"),
        ("Q?{#nan}", "1: 'nan' is not a number, value:tolerance or min..max"),
        ("Q?{#5..1}", "1: '5..1' has a negative tolerance or a reversed range"),
        ("Q?{#4:-1}", "1: '4:-1' has a negative tolerance or a reversed range"),
        ("Q?{#\n=1\n=2\n}", "3: more than one right answer: single and numeric questions have one"),
        ("$CATEGORY: a/b\nQ?{T}", "1: $CATEGORY needs a path on its own line, then a blank line"),
        ("::t::Q?{T}\n\n::t::R?{F}", "3: duplicate question id 't' (first defined at bad.gift:1)"),
    ],
)
def test_a_faulty_question_is_refused_at_its_line(gift: str, problem: str) -> None:
    assert problems(gift) == [f"bad.gift:{problem}"]


def test_one_bad_question_refuses_the_whole_file_with_every_problem() -> None:
    gift = "::good::Fine?{T}\n\n::bad::Q?{~a ~b}\n\n::good::Again?{F}\n\n::worse::R?{#x}\n"

    assert problems(gift) == [
        "bad.gift:3: the answer block has no right answer",
        "bad.gift:5: duplicate question id 'good' (first defined at bad.gift:1)",
        "bad.gift:7: 'x' is not a number, value:tolerance or min..max",
    ]


def test_comments_and_blank_lines_alone_make_no_question() -> None:
    assert parse_gift("// only a comment\n\n\n// and another\n", "empty.gift") == []


def test_a_partial_credit_answer_is_not_a_right_answer() -> None:
    (question,) = parse_gift("Q?{=a =%50%b =c#feedback}", "partial.gift")

    assert (question.type, question.answer, question.accept) == (ItemType.FILLIN, "a", ("c",))
