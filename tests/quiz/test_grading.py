"""Grading each question type, as a pure function of the version content and the answer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from quizapp.quiz.grading import (
    AnswerError,
    Grade,
    Question,
    correct_text,
    grade,
    read_number,
    shown_options,
)


def question(type_: str, answer: Any, options: list[str] | None = None, **extra: Any) -> Question:
    return Question.from_content(
        {"type": type_, "answer": answer, "options": options, "accept": [], **extra}
    )


SINGLE = question("single", "Radiation therapy", ["Antacids", "Radiation therapy", "Gout"])
# Two right options and three wrong ones: a right tick earns 1/2, a wrong one costs 1/3.
MULTIPLE = question("multiple", ["AIDS", "Burns"], ["AIDS", "Asthma", "Burns", "Gout", "Migraine"])
TRUE = question("truefalse", True)
FILLIN = question(
    "fillin",
    "Sjögren's syndrome",
    accept=["Sjogren syndrome", "Sicca syndrome"],
)
COUNT = question("numeric", {"value": 4.0, "tolerance": 0, "unit": "× 10⁹/L"})
LEVELS = question("numeric", {"value": 3, "tolerance": 0.5, "unit": "levels"})


def test_single_answer_is_right_only_for_the_correct_option() -> None:
    assert grade(SINGLE, "Radiation therapy") == Grade(1.0, True)
    assert grade(SINGLE, "Antacids") == Grade(0.0, False)


@pytest.mark.parametrize(
    ("ticked", "score"),
    [
        (["AIDS", "Burns"], 1.0),
        (["AIDS"], 0.5),
        (["AIDS", "Burns", "Gout"], 1 - 1 / 3),
        (["AIDS", "Gout"], 0.5 - 1 / 3),
        (["Asthma", "Gout"], 0.0),  # -2/3 is held at zero
        (["AIDS", "Asthma", "Burns", "Gout", "Migraine"], 0.0),  # ticking all earns nothing
        ([], 0.0),
    ],
)
def test_multiple_answer_gives_moodle_partial_credit(ticked: list[str], score: float) -> None:
    result = grade(MULTIPLE, ticked)
    assert result.score == pytest.approx(score)
    assert result.correct is (score == 1.0)


def test_true_false() -> None:
    assert grade(TRUE, True).correct
    assert not grade(TRUE, False).correct
    assert grade(question("truefalse", False), False).correct


@pytest.mark.parametrize(
    "typed",
    [
        "Sjögren's syndrome",
        "sjogrens syndrome",
        "  SJÖGREN’S   Syndrome. ",
        "sjogren syndrome",  # an accepted alternative
        "Sicca-syndrome",
    ],
)
def test_fill_in_ignores_case_spacing_punctuation_and_accents(typed: str) -> None:
    assert grade(FILLIN, typed) == Grade(1.0, True)


@pytest.mark.parametrize("typed", ["Sjögren", "syndrome", "lupus"])
def test_fill_in_refuses_other_words(typed: str) -> None:
    assert grade(FILLIN, typed) == Grade(0.0, False)


@pytest.mark.parametrize(
    "typed", ["4", "4.0", "4,0", " 4.00 ", "4 × 10⁹/L", "4.0 x 10^9/l", "4,0×10⁹/L", "4 10^9/L"]
)
def test_numeric_reads_decimal_commas_and_a_typed_unit(typed: str) -> None:
    assert grade(COUNT, typed).correct


@pytest.mark.parametrize(("typed", "right"), [("3.5", True), ("2,5", True), ("3.6", False)])
def test_numeric_tolerance(typed: str, right: bool) -> None:
    assert grade(LEVELS, typed).correct is right


def test_numeric_wrong_value() -> None:
    assert grade(COUNT, "3.9") == Grade(0.0, False)


@pytest.mark.parametrize("typed", ["four", "", "4 mg", "4..0", "1,000.5", "about 4"])
def test_numeric_refuses_what_is_not_a_number_with_a_hint(typed: str) -> None:
    with pytest.raises(AnswerError, match=r"Type a number.*The unit, × 10⁹/L, is already given"):
        grade(COUNT, typed)


def test_read_number_is_exact() -> None:
    assert read_number("0,1") + read_number("0.2") == Decimal("0.3")


def test_cards_are_not_quiz_questions() -> None:
    with pytest.raises(ValueError, match="card"):
        question("qa", "An answer")


def test_correct_answer_as_a_learner_reads_it() -> None:
    assert correct_text(COUNT) == "4.0 × 10⁹/L"
    assert correct_text(LEVELS) == "3 levels (± 0.5)"
    assert correct_text(MULTIPLE) == "AIDS; Burns"
    assert correct_text(question("truefalse", False)) == "False"
    assert correct_text(FILLIN) == "Sjögren's syndrome"


def test_options_are_shown_in_the_stored_order() -> None:
    assert shown_options(SINGLE, [2, 0, 1]) == ["Gout", "Antacids", "Radiation therapy"]
    assert shown_options(TRUE, None) == []


# Fuzzy fill-in: keys and accepted answers as the items of content-review.md
# Appendix B had them, with answers a learner typed.
FEVER = question("fillin", "Fever", accept=["A fever", "High temperature"])
COUNT_TEXT = question("fillin", "4.0 × 10⁹/L", accept=["4.0 x 10^9/L", "4 x 10^9/L"])
LACK = question("fillin", "0.5 × 10⁹/L", accept=["0.5 x 10^9/L"])
MILD = question("fillin", "Below 4.0 × 10⁹/L", accept=["Less than 4.0 × 10⁹/L"])
KOSTMANN = question("fillin", "Kostmann syndrome", accept=["Kostmann's syndrome", "Kostmann"])
CIRRHOSIS = question("fillin", "Liver cirrhosis", accept=["Cirrhosis", "Cirrhosis of the liver"])
BACTERIAL = question("fillin", "Bacterial infections", accept=["Bacterial", "Bacteria"])
CELL_LINES = question("fillin", "White cells, platelets and hemoglobin")
LEVELS_TEXT = question("fillin", "Mild, moderate and severe")
B12 = question("fillin", "Vitamin B12")
COLD = question("fillin", "Hypothermia")


@pytest.mark.parametrize(
    ("item", "typed"),
    [
        (FEVER, "a high temperature"),  # an article does not matter
        (FEVER, "the fever"),
        (COUNT_TEXT, "4"),  # a number typed for a numeric key reads as numeric items read it
        (COUNT_TEXT, "4.0"),
        (COUNT_TEXT, "4,0"),
        (COUNT_TEXT, "4 x 10^9/L"),
        (COUNT_TEXT, "4.0x10^9/L"),
        (LACK, "0.5x10^9/L"),
        (LACK, "0,5"),
        (MILD, "less than 4 x 10^9/L"),
        (MILD, "below 4,0 × 10⁹/l"),
        (KOSTMANN, "kostman syndrome"),  # one typo in 16 letters
        (KOSTMANN, "kostman"),
        (CIRRHOSIS, "cirrosis"),
        (CIRRHOSIS, "liver cirrosis"),
        (BACTERIAL, "bacterial infection"),
        (CELL_LINES, "white cells platelets haemoglobin"),
        (CELL_LINES, "White cells, platelets, and hemoglobin"),
        (LEVELS_TEXT, "mild moderate severe"),
        (LEVELS_TEXT, "Mild, moderate and sever"),
        (B12, "vitamine b 12"),
        (COLD, "hypothermie"),
    ],
)
def test_fill_in_forgives_articles_small_typos_and_number_formats(
    item: Question, typed: str
) -> None:
    assert grade(item, typed) == Grade(1.0, True)


@pytest.mark.parametrize(
    ("item", "typed"),
    [
        (FEVER, "never"),  # a short key forgives no typo
        (FEVER, "temperature"),
        (FEVER, "fever and rash"),
        (COUNT_TEXT, "5"),
        (COUNT_TEXT, "40"),
        (COUNT_TEXT, "4000/µL"),  # no unit conversion
        (COUNT_TEXT, "4 mg"),
        (LACK, "5"),
        (MILD, "below 5 x 10^9/L"),
        (MILD, "under 4"),
        (KOSTMANN, "syndrome"),
        (CIRRHOSIS, "fibrosis"),
        (BACTERIAL, "viral infections"),
        (CELL_LINES, "red cells, platelets and hemoglobin"),
        (CELL_LINES, "white cells and platelets"),
        (LEVELS_TEXT, "mild and severe"),
        (B12, "vitamin B6"),  # numbers must match as numbers
        (COLD, "hyperthermia"),  # two letters apart in eleven: not a typo
        (question("fillin", "4"), "5"),
        # A few letters that change the meaning are not typos.
        (question("fillin", "Agranulocytosis"), "granulocytosis"),
        (question("fillin", "Hypothyroidism"), "hyperthyroidism"),
        (question("fillin", "Antibiotics or antivirals"), "antibiotics and antivirals"),
        (question("fillin", "3 or more"), "3"),  # a figure with words, not a unit
    ],
)
def test_fill_in_refuses_near_misses(item: Question, typed: str) -> None:
    assert grade(item, typed) == Grade(0.0, False)


@pytest.mark.parametrize(
    ("item", "typed"),
    [
        # Right, but a paraphrase rather than a typo: the item's accept list must hold it.
        (
            question("fillin", "Stopping or adjusting the drug", accept=["Stopping the drug"]),
            "stop the drug",
        ),
        (question("fillin", "Bone marrow biopsy", accept=["Marrow biopsy"]), "biopsy"),
    ],
)
def test_fill_in_paraphrases_need_an_accepted_answer(item: Question, typed: str) -> None:
    assert not grade(item, typed).correct
    with_it = Question(item.type, item.options, item.answer, (*item.accept, typed))
    assert grade(with_it, typed).correct


# --- Moodle's constructs, as imported from GIFT or Moodle XML ---------------------


@pytest.mark.parametrize(
    ("answer", "inside", "outside"),
    [
        # {#0.1..0.3}: stored as its midpoint and half-width, in binary floating point
        ({"value": 0.2, "tolerance": 0.09999999999999999}, ["0.1", "0.2", "0.3"], ["0.3001"]),
        # {#3.141..3.142}, the Moodle documentation's example
        (
            {"value": 3.1414999999999997, "tolerance": 0.0004999999999999449},
            ["3.141", "3.142"],
            ["3.1405", "3.1425"],
        ),
        ({"value": -5, "tolerance": 1}, ["-4", "-6"], ["4", "-6.01"]),
    ],
)
def test_numeric_ranges_include_their_end_points(
    answer: dict[str, float], inside: list[str], outside: list[str]
) -> None:
    range_ = question("numeric", answer | {"unit": ""})
    assert [grade(range_, typed).correct for typed in inside] == [True] * len(inside)
    assert [grade(range_, typed).correct for typed in outside] == [False] * len(outside)


@pytest.mark.parametrize(
    ("key", "right", "wrong"),
    [
        ("1", ["1", "+1"], ["-1"]),
        ("-1", ["-1", "−1", " -1 "], ["1"]),
        ("O-", ["O-", "o -"], ["O", "O+"]),
        ("COVID-19", ["covid 19", "Covid-19"], ["covid", "covid -19 x"]),
        ("Epstein-Barr virus", ["Epstein - Barr virus", "epstein barr virus"], ["Epstein virus"]),
    ],
)
def test_fillin_keeps_signs(key: str, right: list[str], wrong: list[str]) -> None:
    fillin = question("fillin", key)
    assert [grade(fillin, typed).correct for typed in right] == [True] * len(right)
    assert [grade(fillin, typed).correct for typed in wrong] == [False] * len(wrong)


def test_fillin_wildcard_matches_any_text_in_any_case_as_moodle_does() -> None:
    colour = question("fillin", "colo*r")
    assert [grade(colour, t).correct for t in ("color", "COLOUR", " colouur ")] == [True] * 3
    assert [grade(colour, t).correct for t in ("colr", "colors", "a color")] == [False] * 3
    star = question("fillin", r"5 \* *")  # an escaped star is a star
    assert grade(star, "5 * 3").correct and not grade(star, "5 x 3").correct


def test_fillin_wildcard_with_many_stars_is_graded_without_backtracking() -> None:
    # ".*a.*a.*a.*a.*b" as a regular expression takes minutes on this (ReDoS).
    stars = question("fillin", "*a*a*a*a*b")
    assert not grade(stars, "a" * 5000).correct
    assert grade(stars, "a" * 5000 + "b").correct
    assert grade(stars, "xAyAzaaB").correct  # pieces in order, any case
    assert not grade(stars, "aab").correct  # the four a's must all be there
    overlapping = question("fillin", "ab*ba")
    assert grade(overlapping, "aba").correct is False  # prefix and suffix may not overlap
    assert grade(overlapping, "abba").correct


def test_single_answer_scores_the_chosen_options_weight() -> None:
    weighted = question(
        "single", "Anemia", ["Anemia", "Fatigue", "Gout"], weights={"Fatigue": 0.5, "Gout": -1}
    )
    assert grade(weighted, "Anemia") == Grade(1.0, True)
    assert grade(weighted, "Fatigue") == Grade(0.5, False)
    assert grade(weighted, "Gout") == Grade(0.0, False)  # held at zero


@pytest.mark.parametrize(
    ("ticked", "score"),
    [(["A"], 0.7), (["B"], 0.3), (["A", "B"], 1.0), (["A", "C"], 0.0), (["A", "B", "D"], 0.0)],
)
def test_multiple_answer_adds_the_chosen_weights(ticked: list[str], score: float) -> None:
    # GIFT {~%70%A ~%30%B ~%-100%C ~%-100%D}: the review's D10 example (A alone was 0.5)
    weighted = question(
        "multiple",
        ["A", "B"],
        ["A", "B", "C", "D"],
        weights={"A": 0.7, "B": 0.3, "C": -1, "D": -1},
    )
    assert grade(weighted, ticked).score == pytest.approx(score)


def test_thirds_written_as_decimals_add_up_to_full_marks() -> None:
    thirds = question(
        "multiple",
        ["A", "B", "C"],
        ["A", "B", "C", "D"],
        weights={"A": 0.33333, "B": 0.33333, "C": 0.33333, "D": -1},
    )
    assert grade(thirds, ["A", "B", "C"]) == Grade(1.0, True)


def test_fillin_alternatives_earn_their_weight_and_the_closest_match_counts() -> None:
    capital = question(
        "fillin",
        "Canberra",
        accept=["Sydney", "Canberr*"],
        weights={"Sydney": 0, "Canberr*": 0.5},
    )
    assert grade(capital, "canberra") == Grade(1.0, True)  # exact beats the wildcard's 0.5
    assert grade(capital, "Canberrra") == Grade(0.5, False)  # the wildcard is exact
    assert grade(capital, "sydney") == Grade(0.0, False)
    assert grade(capital, "Perth") == Grade(0.0, False)


def test_versions_from_before_weights_grade_as_before() -> None:
    old = question("single", "A", ["A", "B"])  # content without a "weights" key
    assert old.weights == {} and grade(old, "B") == Grade(0.0, False)
