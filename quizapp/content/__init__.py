"""The content pipeline: read a question bank, generate items from its facts, and check both.

Pure Python (no Flask, no database) so that the CLI, the web app and the
tests all use the same rules. Most callers need only :func:`read_bank`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .generator import generate
from .loader import load_bank, load_deck
from .model import (
    Deck,
    Distractor,
    Fact,
    Item,
    ItemType,
    Kind,
    NumericAnswer,
    Source,
    Status,
    TextFormat,
)
from .problems import BankError, Location, Problem
from .quotes import quote_problems
from .text import normalise
from .validator import validate

__all__ = [
    "Bank",
    "BankError",
    "Deck",
    "Distractor",
    "Fact",
    "Item",
    "ItemType",
    "Kind",
    "Location",
    "NumericAnswer",
    "Problem",
    "Source",
    "Status",
    "TextFormat",
    "bank_of",
    "deck_items",
    "generate",
    "load_bank",
    "load_deck",
    "normalise",
    "quote_problems",
    "read_bank",
    "validate",
]


@dataclass(frozen=True)
class Bank:
    """A loaded, generated and validated bank: what the app stores and learners study."""

    decks: tuple[Deck, ...]
    items: tuple[Item, ...]


def deck_items(deck: Deck) -> list[Item]:
    """A deck's generated items followed by its hand-written ones."""
    return [*generate(deck), *deck.items]


def read_bank(path: Path | str) -> Bank:
    """Load, generate and validate a bank (or a single deck folder) in one call.

    Raises:
        BankError: with every problem found, as ``file:line: reason``; nothing
            is returned half-loaded.
    """
    return bank_of(load_bank(Path(path)))


def bank_of(decks: tuple[Deck, ...]) -> Bank:
    """Loaded decks with their items generated and validated, or every problem raised."""
    items = {deck.id: deck_items(deck) for deck in decks}
    problems = [problem for deck in decks for problem in validate(deck, items[deck.id])]
    if problems:
        raise BankError(problems)
    return Bank(decks, tuple(item for deck in decks for item in items[deck.id]))
