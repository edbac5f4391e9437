"""Text helpers shared by reading, generating and grading: answer folding and cloze deletions."""

from __future__ import annotations

import itertools
import re
import unicodedata

_APOSTROPHES = frozenset("'’ʼ`´")
_DELETION = re.compile(r"\{\{([^{}]*)\}\}")
CLOZE_GAP = "[…]"  # how a hidden part of a cloze card is shown


def normalise(text: str) -> str:
    """Fold text so that answers compare the way a reader would.

    Case, accents, apostrophes, punctuation and runs of white space do not
    change the meaning of a short answer ("Sjögren's syndrome" equals
    "sjogrens syndrome", "Epstein-Barr" equals "Epstein Barr"), so they are
    folded away. Digits and symbols such as "×" or "⁹" are kept because they do.
    """
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", text.casefold()):
        if unicodedata.combining(char) or char in _APOSTROPHES:
            continue
        separator = char.isspace() or unicodedata.category(char).startswith("P")
        kept.append(" " if separator else char)
    return " ".join("".join(kept).split())


def cloze_deletions(cloze: str) -> list[str]:
    """The texts deleted by ``{{…}}`` in a cloze sentence, in reading order."""
    return [match.group(1).strip() for match in _DELETION.finditer(cloze)]


def cloze_problem(cloze: str) -> str | None:
    """Why a cloze sentence cannot make cards, or None when it can."""
    deletions = cloze_deletions(cloze)
    if not deletions:
        return "has no {{…}} deletion"
    if not all(deletions):
        return "has an empty {{}} deletion"
    rest = _DELETION.sub("", cloze)
    if "{{" in rest or "}}" in rest:
        return "has an unmatched {{ or }}"
    return None


def cloze_prompt(cloze: str, hidden: int) -> str:
    """The sentence with deletion ``hidden`` (0-based) shown as a gap, the others filled in."""
    numbers = itertools.count()

    def fill(match: re.Match[str]) -> str:
        return CLOZE_GAP if next(numbers) == hidden else match.group(1).strip()

    return _DELETION.sub(fill, cloze)


def cloze_gaps(cloze: str) -> str:
    """The sentence with every deletion shown as a gap (a card that hides them all)."""
    return _DELETION.sub(CLOZE_GAP, cloze)
