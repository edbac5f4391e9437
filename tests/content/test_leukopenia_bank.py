"""The real bank: questions/leukopenia/ loads, validates, and says only what its sources say.

These tests read the repository's own data, so a failure here names a
problem in the bank files (``file:line: reason``), not in the code.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from quizapp.content import Bank, BankError, ItemType, quote_problems, read_bank
from quizapp.content.truth import Truth
from tests._requirements import missing

REPO = Path(__file__).resolve().parents[2]
BANK = REPO / "questions"
SEEDS = Path(os.environ.get("QUIZAPP_SEEDS_DIR") or REPO.parent / "shared" / "seeds")


@pytest.fixture(scope="module")
def leukopenia() -> Bank:
    try:
        return read_bank(BANK / "leukopenia")
    except BankError as error:
        pytest.fail(f"questions/leukopenia is refused:\n{error}", pytrace=False)


def test_leukopenia_loads_and_validates_with_no_problem(leukopenia: Bank) -> None:
    (deck,) = leukopenia.decks
    assert deck.id == "leukopenia"
    assert leukopenia.items


def test_the_whole_bank_loads(leukopenia: Bank) -> None:
    """`quizapp bank check` on questions/ must accept what it accepts deck by deck."""
    assert "leukopenia" in [deck.id for deck in read_bank(BANK).decks]


def test_leukopenia_has_every_item_type(leukopenia: Bank) -> None:
    counts = Counter(item.type for item in leukopenia.items)
    assert set(counts) == set(ItemType), f"missing: {set(ItemType) - set(counts)}"


def test_every_leukopenia_quote_is_verbatim_in_its_seed_document(leukopenia: Bank) -> None:
    if not SEEDS.is_dir():
        missing(f"seed documents not found at {SEEDS} (set QUIZAPP_SEEDS_DIR)")
    (deck,) = leukopenia.decks
    assert [str(problem) for problem in quote_problems(deck, SEEDS)] == []


def test_no_leukopenia_distractor_is_a_true_answer(leukopenia: Bank) -> None:
    """No wrong option is a true answer of its list's relation, or its fact's (accepted) answer."""
    (deck,) = leukopenia.decks
    truth = Truth(deck)

    def is_right(option: str, relation: str | None, fact_id: str) -> bool:
        if relation:
            return truth.is_true(relation, option)
        fact = deck.facts[fact_id]
        return any(truth.same(option, right) for right in (fact.answer or "", *fact.accept))

    offending = [
        f"{item.id}: {option!r}"
        for item in leukopenia.items
        for option in item.options or ()
        if option not in item.answers and is_right(option, item.relation, item.facts[0])
    ]
    assert offending == []
