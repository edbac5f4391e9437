"""Answer folding and cloze parsing, the text rules grading will reuse."""

from __future__ import annotations

import pytest

from quizapp.content import normalise
from quizapp.content.text import cloze_deletions, cloze_problem, cloze_prompt, without_echoes


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Sjögren's syndrome", "sjogrens SYNDROME"),
        ("Sjögren’s syndrome", "Sjögren's syndrome"),
        ("Epstein-Barr virus", "epstein barr virus"),
        ("Granulocyte colony-stimulating factor", "  granulocyte colony stimulating   factor "),
        ("C. difficile", "c difficile"),
        ("Mild, moderate and severe", "mild moderate and severe"),
    ],
)
def test_case_accents_apostrophes_punctuation_and_spaces_do_not_matter(
    written: str, typed: str
) -> None:
    assert normalise(written) == normalise(typed)


@pytest.mark.parametrize(
    ("first", "second"), [("4.0 × 10⁹/L", "4.0 × 109/L"), ("Anemia", "Anaemia"), ("4.0", "40")]
)
def test_digits_symbols_and_spellings_still_matter(first: str, second: str) -> None:
    assert normalise(first) != normalise(second)


def test_normal_form_is_readable() -> None:
    assert normalise("  Below 4.0 × 10⁹/L!  ") == "below 4 0 × 10⁹ l"


def test_cloze_deletions_and_prompts() -> None:
    cloze = "Leukopenia is a count below {{4.0 × 10⁹/L}} in {{ adults }}."
    assert cloze_deletions(cloze) == ["4.0 × 10⁹/L", "adults"]
    assert cloze_prompt(cloze, 0) == "Leukopenia is a count below […] in adults."
    assert cloze_prompt(cloze, 1) == "Leukopenia is a count below 4.0 × 10⁹/L in […]."
    assert cloze_problem(cloze) is None


@pytest.mark.parametrize(
    ("cloze", "problem"),
    [
        ("No deletion here.", "has no {{…}} deletion"),
        ("An {{}} empty one.", "has an empty {{}} deletion"),
        ("A {{good}} and a {{bad} one.", "has an unmatched {{ or }}"),
    ],
)
def test_cloze_problems(cloze: str, problem: str) -> None:
    assert cloze_problem(cloze) == problem


def test_an_explanation_does_not_echo_the_prompt_or_itself() -> None:
    prompt = "Fever is rare when the white count is low."
    explanation = (
        "Fever is the most common sign of infection. "
        "Fever is rare when the white count is low. "
        "When the white count is low, fever is the most common sign of an infection. "
        "Tiredness is common in moderate leukopenia."
    )
    assert without_echoes(explanation, prompt) == (
        "Fever is the most common sign of infection. Tiredness is common in moderate leukopenia."
    )


def test_a_correction_that_differs_from_the_prompt_by_one_word_stays() -> None:
    correction = "Tiredness is common in moderate leukopenia."
    assert without_echoes(correction, "Tiredness is rare in moderate leukopenia.") == correction


def test_an_explanation_that_is_all_echo_is_kept() -> None:
    statement = "White cells are made in the bone marrow."
    assert without_echoes(statement, statement) == statement
