"""Quotes are checked against the seed documents by exact substring search."""

from __future__ import annotations

from pathlib import Path

from quizapp.content import quote_problems

from .builders import SEEDS, BankCopy


def problems(bank: BankCopy, seeds: Path = SEEDS) -> list[str]:
    return [str(problem) for problem in quote_problems(bank.load(), seeds)]


def test_every_quote_of_the_test_topic_is_in_its_seed(bank: BankCopy) -> None:
    assert problems(bank) == []


def test_a_paraphrased_quote_is_refused_at_its_fact(bank: BankCopy) -> None:
    bank.edit("facts/technique.yaml", '"Wash for 40 to 60 seconds"', '"Wash for 40-60 seconds"')
    where = bank.where("facts/technique.yaml", "id: wash-duration")
    assert problems(bank) == [
        f"{where}: quote not found verbatim in 'hand-hygiene-faq.txt': 'Wash for 40-60 seconds'"
    ]


def test_a_decision_quote_is_checked_too(bank: BankCopy) -> None:
    bank.edit("decisions.yaml", 'quote: "ABHR"', 'quote: "AHBR"')
    where = bank.where("decisions.yaml", "source: faq")
    assert problems(bank) == [
        f"{where}: quote not found verbatim in 'hand-hygiene-faq.txt': 'AHBR'"
    ]


def test_a_missing_seed_document_is_refused_at_its_source(bank: BankCopy, tmp_path: Path) -> None:
    where = bank.where("sources.yaml", "id: leaflet")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "hand-hygiene-faq.txt").write_text(
        (SEEDS / "hand-hygiene-faq.txt").read_text("utf-8"), "utf-8"
    )
    assert problems(bank, seeds) == [
        f"{where}: seed document 'hand-hygiene-leaflet.txt' not found in {seeds}"
    ]
