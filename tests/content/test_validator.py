"""Validator rules: content that would teach something false is refused at its fact's line."""

from __future__ import annotations

import textwrap
from dataclasses import replace

import pytest

from quizapp.content import generate, validate

from .builders import DECK, BankCopy


def test_the_test_topic_has_no_problem(bank: BankCopy) -> None:
    deck = bank.load()
    assert validate(deck, [*generate(deck), *deck.items]) == []


# Fact rules -------------------------------------------------------------------------------------


def test_a_list_distractor_that_is_a_true_answer_through_a_synonym_is_refused(
    bank: BankCopy,
) -> None:
    bank.edit(
        "facts/moments.yaml",
        "{text: After using a computer in the staff room,",
        "{text: After contact with a patient,",
    )
    assert bank.problems() == [
        f"{bank.where('facts/moments.yaml', 'id: worker-moments')}: "
        "distractor 'After contact with a patient' is a true answer for relation 'protects-worker'"
    ]


def test_a_fact_distractor_that_is_an_accepted_answer_is_refused(bank: BankCopy) -> None:
    bank.edit("facts/technique.yaml", "{text: 2-3 seconds,", "{text: 40 TO 60 S,")
    assert bank.problems() == [
        f"{bank.where('facts/technique.yaml', 'id: wash-duration')}: "
        "distractor '40 TO 60 S' is a correct answer ('40 to 60 s')"
    ]


def test_a_false_statement_that_is_a_fact_statement_is_refused(bank: BankCopy) -> None:
    bank.edit(
        "facts/basics.yaml",
        "text: Wearing gloves means you do not need to clean your hands.",
        "text: Washing the hands with soap and water takes 40 to 60 seconds.",
    )
    assert bank.problems() == [
        f"{bank.where('facts/basics.yaml', 'id: gloves-do-not-replace')}: false statement "
        "'Washing the hands with soap and water takes 40 to 60 seconds.' "
        "is the statement of fact 'wash-duration'"
    ]


# Item rules, on hand-written items --------------------------------------------------------------

ITEM_BREAKS = [
    pytest.param(
        """
        id: hand-hygiene:broader
        type: single
        relation: moment
        prompt: Which of these is NOT one of the five moments?
        options: [Before a tea break, Before touching a patient, After reading a newspaper]
        answer: Before a tea break
        facts: [patient-moments]
        """,
        "wrong option 'Before touching a patient' is a true answer for relation 'moment'",
        id="wrong-option-true-through-broader",
    ),
    pytest.param(
        """
        id: hand-hygiene:unmarked-false
        type: truefalse
        prompt: Gloves are optional during surgery.
        answer: false
        facts: [gloves-do-not-replace]
        """,
        "is answered false but its prompt is not a false_statement of its facts",
        id="false-not-from-a-false-statement",
    ),
    pytest.param(
        """
        id: hand-hygiene:twice
        type: single
        prompt: How long should washing the hands take?
        options: [40 to 60 seconds, 5 seconds, 5 Seconds, 5 minutes]
        answer: 40 to 60 seconds
        facts: [wash-duration]
        """,
        "offers '5 Seconds' twice",
        id="duplicate-options",
    ),
    pytest.param(
        """
        id: hand-hygiene:two-right
        type: single
        relation: protects-worker
        prompt: Which moment protects the health worker?
        options:
          [After touching a patient, After contact with a patient, Before a tea break, Before lunch]
        answer: After touching a patient
        facts: [worker-moments]
        """,
        (
            "offers 'After contact with a patient' twice",
            "a single question needs exactly 1 correct option, it has 2",
        ),
        id="synonyms-are-the-same-option",
    ),
    pytest.param(
        """
        id: hand-hygiene:none-right
        type: single
        prompt: How long should washing the hands take?
        options: [5 seconds, 10 seconds, 5 minutes]
        answer: 40 to 60 seconds
        facts: [wash-duration]
        """,
        "a single question needs exactly 1 correct option, it has 0",
        id="single-without-correct-option",
    ),
    pytest.param(
        """
        id: hand-hygiene:multiple-none
        type: multiple
        prompt: Which moments protect the patient?
        options: [Before a tea break, After reading a newspaper, Before entering the hospital]
        answer: [Before touching a patient]
        facts: [patient-moments]
        """,
        (
            "a multiple question needs a correct option, it has none",
            "answer 'Before touching a patient' is not one of the options",
        ),
        id="multiple-without-correct-option",
    ),
    pytest.param(
        """
        id: hand-hygiene:too-easy
        type: single
        prompt: How long should washing the hands take?
        options: [40 to 60 seconds, 5 minutes]
        answer: 40 to 60 seconds
        facts: [wash-duration]
        """,
        "offers 1 wrong options, needs at least 2",
        id="too-few-wrong-options",
    ),
    pytest.param(
        """
        id: hand-hygiene:accepted-wrong
        type: single
        prompt: How long should washing the hands take?
        options: [40 to 60 seconds, 40-60 seconds, 5 seconds, 5 minutes]
        answer: 40 to 60 seconds
        accept: [40-60 seconds]
        facts: [wash-duration]
        """,
        "wrong option '40-60 seconds' is an accepted answer",
        id="wrong-option-is-accepted",
    ),
]


@pytest.mark.parametrize(("entry", "reasons"), ITEM_BREAKS)
def test_a_bad_hand_written_item_is_refused_at_its_line(
    bank: BankCopy, entry: str, reasons: str | tuple[str, ...]
) -> None:
    bank.add_item(entry)
    item_id = textwrap.dedent(entry).strip().splitlines()[0].removeprefix("id: ")
    where = bank.where("items.yaml", item_id)
    expected = [reasons] if isinstance(reasons, str) else list(reasons)
    assert bank.problems() == [f"{where}: item {item_id}: {reason}" for reason in expected]


def test_an_item_id_used_twice_is_refused(bank: BankCopy) -> None:
    bank.add_item(
        """
        id: hand-hygiene:wash-duration:qa
        type: qa
        prompt: How long?
        answer: 40 to 60 seconds
        facts: [wash-duration]
        """,
    )
    first = bank.where("facts/technique.yaml", "id: wash-duration")
    assert bank.problems() == [
        f"{bank.where('items.yaml', 'wash-duration:qa')}: "
        f"duplicate item id 'hand-hygiene:wash-duration:qa' (first defined at {first})"
    ]


# Item rules that generation never breaks: checked on doctored items -----------------------------


def test_an_item_without_source_or_facts_is_refused(bank: BankCopy) -> None:
    deck = bank.load()
    item = next(item for item in generate(deck) if item.id == f"{DECK}:rub-duration:numeric")
    problems = validate(deck, [replace(item, source="", facts=())])
    where = bank.where("facts/technique.yaml", "id: rub-duration")
    assert [str(problem) for problem in problems] == [
        f"{where}: item {item.id}: has no source",
        f"{where}: item {item.id}: links to no facts",
    ]


def test_a_generated_wrong_option_that_is_true_is_caught(bank: BankCopy) -> None:
    """Defence in depth: a generator bug that offers a true answer as wrong is still refused."""
    deck = bank.load()
    item = next(item for item in generate(deck) if item.id == f"{DECK}:patient-moments:single:1")
    assert item.options is not None
    wrong = [option for option in item.options if option not in item.answers]
    planted = "Before a clean or aseptic procedure"
    doctored = replace(item, options=(*item.answers, *wrong[1:], planted))
    problems = [str(problem) for problem in validate(deck, [doctored])]
    assert problems == [
        f"{bank.where('facts/moments.yaml', 'id: patient-moments')}: item {item.id}: wrong option "
        "'Before a clean or aseptic procedure' is a true answer for relation 'protects-patient'"
    ]
