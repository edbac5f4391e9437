"""The quality gate: each lint rule on a small bad bank, and its clean counterpart."""

from __future__ import annotations

import itertools
import socket
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from quizapp.content import Bank, Deck, Item, ItemType, Location, Status, readability
from quizapp.content.choices import option_order
from quizapp.content.lint import (
    MAX_ITEMS_PER_FACT,
    MIN_SOLVER_ITEMS,
    SOLVER_MARGIN,
    Finding,
    LintContext,
    Severity,
    key_words,
    lint_deck,
    lint_item,
)
from quizapp.content.model import Distractor
from quizapp.content.readability import grade

from .builders import BankCopy

_ids = itertools.count(1)
PLAIN = "Wash your hands with soap and water."


def make(
    type: ItemType,
    prompt: str,
    answer: Any,
    *,
    options: Iterable[str] | None = None,
    feedback: dict[str, str] | None = None,
    facts: tuple[str, ...] = ("wash-duration",),
    explanation: str = PLAIN,
) -> Item:
    """An item as the generator or items.yaml would give it, with only what a test sets."""
    return Item(
        id=f"hand-hygiene:test:{next(_ids)}",
        deck="hand-hygiene",
        topic="technique",
        type=type,
        prompt=prompt,
        options=None if options is None else tuple(options),
        answer=answer,
        accept=(),
        explanation=explanation,
        facts=facts,
        source="faq",
        status=Status.PUBLISHED,
        origin=Location("test", 1),
        feedback=feedback or {},
    )


def single(prompt: str, key: str, *wrong: str, feedback: bool = True, **kwargs: Any) -> Item:
    why = {option: f"{option} is not it." for option in wrong} if feedback else {}
    options = option_order([key, *wrong])  # as the generator orders them
    return make(ItemType.SINGLE, prompt, key, options=options, feedback=why, **kwargs)


def truefalse(statement: str, answer: bool = True) -> Item:
    return make(ItemType.TRUEFALSE, statement, answer)


@pytest.fixture
def deck(bank: BankCopy) -> Deck:
    return bank.load()


@pytest.fixture
def context(deck: Deck) -> LintContext:
    return LintContext.of(deck)


def codes(findings: Iterable[Finding]) -> dict[str, Severity]:
    return {finding.code: finding.severity for finding in findings}


CLEAN = single(
    "How long should a hand wash with soap take?",
    "40-60 seconds",
    "5-10 seconds",
    "15-20 seconds",
    "2-3 minutes",
)


def test_a_well_written_item_has_no_finding(context: LintContext) -> None:
    assert lint_item(CLEAN, context) == []


def test_a_finding_reads_item_code_reason(context: LintContext) -> None:
    item = single("How long should a hand wash take?", "40-60 seconds", "5 seconds", feedback=False)
    (finding,) = lint_item(item, context)
    reason = "wrong option(s) without feedback saying why: 5 seconds"
    assert str(finding) == f"{item.id}: NO-FEEDBACK: {reason}"
    assert finding.severity is Severity.ERROR


@pytest.mark.parametrize(
    "stem",
    [
        "What does the patient page say about washing hands?",
        "According to the leaflet, when should hands be washed?",
        "Which moments does the doctor advise?",
        "Which moments are named as protecting the patient?",
        "How long does the source say a wash takes?",
    ],
)
def test_a_stem_citing_a_document_is_an_error(context: LintContext, stem: str) -> None:
    item = single(stem, "40-60 seconds", "5-10 seconds", "15-20 seconds")
    assert codes(lint_item(item, context))["CITES-DOCUMENT"] is Severity.ERROR


def test_reading_grade_warns_above_8_and_fails_far_above(context: LintContext) -> None:
    hard = (
        "Nosocomial transmission of antimicrobial-resistant microorganisms necessitates "
        "meticulous decontamination of practitioners' hands."
    )
    found = codes(lint_item(truefalse(hard), context))
    assert found["READING-GRADE"] is Severity.ERROR
    medium = (
        "Health workers clean their hands before performing a clean procedure "
        "on a hospitalised patient."
    )
    assert 8 < grade(medium) <= 12
    explained = make(ItemType.QA, "When do you wash?", "Always.", explanation=medium)
    assert codes(lint_item(explained, LintContext()))["READING-GRADE"] is Severity.WARNING


def test_glossary_terms_do_not_count_against_the_reading_grade(deck: Deck) -> None:
    glossed = replace(deck, glossary={"antimicrobial agents": "medicines that kill germs"})
    hard = make(ItemType.QA, "Do antimicrobial agents help?", "Yes.")
    assert grade(hard.prompt, ["antimicrobial agents"]) < grade(hard.prompt)
    assert "READING-GRADE" in codes(lint_item(hard, LintContext()))
    assert "READING-GRADE" not in codes(lint_item(hard, LintContext.of(glossed)))


def test_reading_grade_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CMU and hyphenation data ship with their packages: nothing is fetched."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("readability tried to use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    readability._cmu_syllables.cache_clear()  # read the data again, with the network refused
    readability._hyphenator.cache_clear()
    assert grade("Leukopenia means a low count of white blood cells.") is not None


@pytest.mark.parametrize("word", ["never", "always", "only", "all", "cures"])
def test_an_absolute_word_in_a_true_false_statement_is_an_error(
    context: LintContext, word: str
) -> None:
    item = truefalse(f"Soap {word} removes germs from hands.".replace("cures", "cures and"))
    assert codes(lint_item(item, context))["ABSOLUTE-CUE"] is Severity.ERROR
    assert "ABSOLUTE-CUE" not in codes(lint_item(truefalse("Soap removes germs."), context))


def test_a_statement_that_leans_on_a_neighbour_is_a_warning(context: LintContext) -> None:
    assert "DANGLING" in codes(lint_item(truefalse("Such treatment keeps hands clean."), context))
    plain = truefalse("Hands such as a nurse's need cleaning.")
    assert "DANGLING" not in codes(lint_item(plain, context))


def test_options_of_different_kinds_are_an_error(deck: Deck, context: LintContext) -> None:
    pools = {
        "moment": (Distractor("Before a tea break"), Distractor("Before entering the hospital")),
        "situation": (Distractor("After touching a bed rail"),),
    }
    kinds = LintContext.of(replace(deck, pools=pools))
    item = single("When is a hand rub enough?", "Before a tea break", "After touching a bed rail")
    assert codes(lint_item(item, kinds))["MIXED-CATEGORY"] is Severity.ERROR
    same = single(
        "When is a hand rub enough?", "Before a tea break", "Before entering the hospital"
    )
    assert "MIXED-CATEGORY" not in codes(lint_item(same, kinds))
    numbers_and_words = single("How long is a wash?", "40-60 seconds", "As long as you like")
    assert "MIXED-CATEGORY" in codes(lint_item(numbers_and_words, context))


def test_numeric_options_out_of_order_are_an_error(context: LintContext) -> None:
    item = make(
        ItemType.SINGLE,
        "How long is a hand wash?",
        "40-60 seconds",
        options=["5 seconds", "40-60 seconds", "10 seconds"],
        feedback={"5 seconds": "Too short.", "10 seconds": "Too short."},
    )
    assert codes(lint_item(item, context))["NUMERIC-ORDER"] is Severity.ERROR
    assert "NUMERIC-ORDER" not in codes(lint_item(CLEAN, context))


def test_a_key_that_is_the_only_long_option_is_an_error(context: LintContext) -> None:
    item = single(
        "What should a health worker do before touching a patient?",
        "Clean their hands with a rub or with soap and water",
        "Nothing",
        "Sit down",
        "Leave",
    )
    assert codes(lint_item(item, context))["LONG-KEY"] is Severity.ERROR


def test_wrong_options_without_feedback_are_an_error(context: LintContext) -> None:
    item = single("How long is a wash?", "40-60 seconds", "5 seconds", "10 seconds", feedback=False)
    finding = next(f for f in lint_item(item, context) if f.code == "NO-FEEDBACK")
    assert "5 seconds; 10 seconds" in finding.reason


def test_a_stem_word_only_the_key_repeats_is_a_clang_error(context: LintContext) -> None:
    item = single(
        "Which moment protects the patient?",
        "Before touching a patient",
        "After using the toilet",
        "Before a tea break",
    )
    finding = next(f for f in lint_item(item, context) if f.code == "CLANG")
    assert "repeats the stem's word(s) (patient)" in finding.reason
    balanced = single(
        "Which moment protects the patient?",
        "Before touching a patient",
        "After a patient's visitors leave",
        "Before a patient's meal",
    )
    assert "CLANG" not in codes(lint_item(balanced, context))


def test_all_or_none_of_the_above_is_an_error(context: LintContext) -> None:
    item = single("How long is a wash?", "40-60 seconds", "5-10 seconds", "None of the above")
    assert "OF-THE-ABOVE" in codes(lint_item(item, context))


def test_which_of_these_is_a_warning_for_single_answers(context: LintContext) -> None:
    item = single("Which of these is a moment?", "Before touching a patient", "Before a tea break")
    assert codes(lint_item(item, context))["OPTIONS-NEEDED"] is Severity.WARNING


def test_a_fill_in_key_over_three_words_is_an_error(context: LintContext) -> None:
    long_key = make(ItemType.FILLIN, "How long is a wash?", "forty to sixty seconds in all")
    assert codes(lint_item(long_key, context))["FILLIN-LONG"] is Severity.ERROR
    short = make(ItemType.FILLIN, "How long is a wash?", "40-60 seconds")
    assert "FILLIN-LONG" not in codes(lint_item(short, context))


def test_an_answer_the_stem_already_shows_is_an_error(context: LintContext) -> None:
    item = make(ItemType.FILLIN, "Which rub is alcohol-based?", "Alcohol rub")
    assert "ANSWER-IN-STEM" in codes(lint_item(item, context))


def test_a_cloze_answer_visible_elsewhere_in_the_text_is_an_error(context: LintContext) -> None:
    leaky = make(ItemType.CLOZE, "Immune defences lower a person's […].", "immunity")
    assert codes(lint_item(leaky, context))["CLOZE-LEAK"] is Severity.ERROR
    fair = make(ItemType.CLOZE, "A hand wash takes […].", "40 to 60 seconds")
    assert "CLOZE-LEAK" not in codes(lint_item(fair, context))


def deck_codes(deck: Deck, items: list[Item]) -> dict[tuple[str, str], Severity]:
    return {(f.item_id, f.code): f.severity for f in lint_deck(deck, items).findings}


def test_duplicate_stems_are_an_error_after_the_first(deck: Deck) -> None:
    first = single("How long is a hand wash?", "40-60 seconds", "5-10 seconds")
    second = single("How long is a hand wash?", "40-60 seconds", "2-3 minutes")
    found = deck_codes(deck, [first, second])
    assert (second.id, "DUPLICATE-STEM") in found and (first.id, "DUPLICATE-STEM") not in found


def test_more_than_eight_items_per_fact_is_an_error(deck: Deck) -> None:
    items = [
        make(ItemType.QA, f"Question {n} about washing?", f"answer {n}", facts=("wash-duration",))
        for n in range(MAX_ITEMS_PER_FACT + 1)
    ]
    found = deck_codes(deck, items)
    assert found[("hand-hygiene:wash-duration", "ITEMS-PER-FACT")] is Severity.ERROR
    assert ("hand-hygiene:wash-duration", "ITEMS-PER-FACT") not in deck_codes(deck, items[1:])


def statements(true: int, false: int) -> list[Item]:
    """Statements that give no cue: same shape, same words, only the key differs."""
    return [
        truefalse(f"Hand washing step {n} uses soap and water.", n < true)
        for n in range(true + false)
    ]


def test_a_true_false_split_outside_40_to_60_percent_false_is_an_error(deck: Deck) -> None:
    lopsided = lint_deck(deck, statements(16, 4))
    assert {(f.code, f.severity) for f in lopsided.findings} >= {
        ("TRUEFALSE-SPLIT", Severity.ERROR)
    }
    assert lopsided.figures.false_share == 0.2
    assert "TRUEFALSE-SPLIT" not in {f.code for f in lint_deck(deck, statements(10, 10)).findings}
    few = lint_deck(deck, statements(4, 0)).findings
    assert ("TRUEFALSE-SPLIT", Severity.WARNING) in {(f.code, f.severity) for f in few}


def test_a_median_reading_grade_above_8_is_an_error(deck: Deck) -> None:
    hard = "Antimicrobial decontamination necessitates meticulous methodology."
    found = lint_deck(deck, [make(ItemType.QA, hard, "Yes", explanation=hard)]).findings
    reasons = [f.reason.split(" is ")[0] for f in found if f.code == "READING-MEDIAN"]
    assert reasons == [
        "median reading grade of prompts",
        "median reading grade of explanations",
    ]


def guessable() -> Iterator[Item]:
    """A bank a test-wise learner beats: true statements hedged and long, false ones absolute."""
    for n in range(30):
        yield truefalse(f"Washing hands for step {n} can often help some patients stay well.")
        yield truefalse(f"Gloves {n} never need cleaning.", False)
    for n in range(45):
        yield single(
            f"What should happen before procedure {n}?",
            "The health worker may clean their hands with soap and water",
            "Eat",
            "Sing",
            "Run",
        )


def clean() -> Iterator[Item]:
    """The same number of items, with no cue: keys and distractors alike in form."""
    lengths = ["2-3 seconds", "5-10 seconds", "40-60 seconds", "2-3 minutes"]
    for n in range(30):
        yield truefalse(f"A hand wash at sink {n} takes {lengths[n % 4]}.", n % 2 == 0)
        yield truefalse(f"A hand rub at bed {n} takes {lengths[(n + 1) % 4]}.", n % 2 == 1)
    for n in range(45):
        key = lengths[n % 4]
        yield single(
            f"How long does wash {n} take?", key, *(other for other in lengths if other != key)
        )


def test_solvers_beat_chance_on_a_guessable_bank_only(deck: Deck) -> None:
    bad = lint_deck(deck, list(guessable()))
    scores = {(s.solver, s.type): s for s in bad.figures.scores}
    assert scores["always-true", ItemType.TRUEFALSE].excess == pytest.approx(0)  # 30 True, 30 False
    assert scores["absolute-false", ItemType.TRUEFALSE].score == 1.0
    assert scores["hedged", ItemType.TRUEFALSE].score == 1.0
    assert scores["longest", ItemType.SINGLE].score == 1.0
    testwise = " | ".join(f.reason for f in bad.findings if f.code == "TESTWISE")
    assert "absolute-false on truefalse" in testwise and "longest on single" in testwise
    assert all(f.severity is Severity.ERROR for f in bad.findings if f.code == "TESTWISE")

    good = lint_deck(deck, list(clean()))
    assert all(abs(score.excess) <= 15 for score in good.figures.scores), good.figures.scores
    assert "TESTWISE" not in {f.code for f in good.findings}


def test_a_solver_beating_chance_on_few_items_is_only_a_warning(deck: Deck) -> None:
    few = [truefalse(f"Soap at sink {n} can help.") for n in range(5)]
    few += [truefalse(f"Soap {n} never helps.", False) for n in range(5)]
    found = {(f.code, f.severity) for f in lint_deck(deck, few).findings}
    assert ("TESTWISE", Severity.WARNING) in found and ("TESTWISE", Severity.ERROR) not in found


def test_the_figures_of_a_deck(deck: Deck) -> None:
    items = [*statements(6, 4), single("What does the leaflet say?", "Soap", "Sand")]
    figures = lint_deck(deck, items).figures
    assert (figures.items, figures.true_statements, figures.false_statements) == (11, 6, 4)
    assert figures.citing_document == 1
    assert figures.most_items_per_fact == ("hand-hygiene:wash-duration", 11)
    assert figures.prompt_grade is not None and figures.explanation_grade is not None


def test_a_written_distractor_without_why_is_a_warning_where_it_is_written(deck: Deck) -> None:
    pools = {"moment": (Distractor("Before lunch"), Distractor("After lunch", "Not a moment."))}
    found = lint_deck(replace(deck, pools=pools), []).findings
    (pool,) = [f for f in found if f.item_id == "hand-hygiene:pool:moment"]
    assert (pool.code, pool.severity) == ("NO-FEEDBACK", Severity.WARNING)
    assert pool.reason.endswith(": Before lunch")


def test_a_cue_that_points_the_wrong_way_also_fails(deck: Deck) -> None:
    """Hedged statements all False: 'say the opposite of the hedged solver' wins."""
    items = [truefalse(f"Soap at sink {n} can help.", False) for n in range(25)]
    items += [truefalse(f"Soap at sink {n} helps.") for n in range(25)]
    (found,) = [f for f in lint_deck(deck, items).findings if "hedged" in f.reason]
    assert found.severity is Severity.ERROR and found.reason.endswith(
        "(answering the opposite wins)"
    )


def test_the_bundled_bank_passes_the_gate(bundled_bank: Bank) -> None:
    """No item-writing error, and no test-wise solver above chance by more than the margin."""
    for deck in bundled_bank.decks:
        result = lint_deck(deck, [item for item in bundled_bank.items if item.deck == deck.id])
        assert [str(finding) for finding in result.errors] == []
        scores = [score for score in result.figures.scores if score.items >= MIN_SOLVER_ITEMS]
        assert scores and all(score.advantage <= SOLVER_MARGIN for score in scores)


@pytest.mark.parametrize(
    ("key", "typed_words"),
    [("4.0 × 10⁹/L", 1), ("4,0 x 10^9/L", 1), ("Fever", 1), ("3 days of rest", 4)],
)
def test_a_figure_with_its_unit_is_one_word_of_a_fill_in_key(key: str, typed_words: int) -> None:
    assert key_words(key) == typed_words
