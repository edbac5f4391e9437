"""Text helpers shared by reading, generating and grading: answer folding and cloze deletions."""

from __future__ import annotations

import itertools
import re
import unicodedata

from rapidfuzz import fuzz

_APOSTROPHES = frozenset("'’ʼ`´")
_DELETION = re.compile(r"\{\{([^{}]*)\}\}")
CLOZE_GAP = "[…]"  # how a hidden part of a cloze card is shown
# Between the deletions of a card that hides several, in its stored answer.
CLOZE_ANSWER_SEPARATOR = "; "


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


_KEY_WORD = re.compile(r"[a-z0-9]+")


def kebab(text: str, fallback: str, *, words: int | None = None, length: int = 64) -> str:
    """A kebab-case key made from ``text`` ("Causes & risks" -> "causes-risks"), at most
    ``words`` words and ``length`` characters, so nobody has to invent one.

    Accents are dropped ("Sjögren" -> "sjogren"); a text with no Latin letter or
    digit ("日本語", "!!!") gives ``fallback``, which the caller makes unique, as a
    key nobody sees must never be the reason a form is refused.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    found = _KEY_WORD.findall(ascii_text.lower())[:words]
    return "-".join(found)[:length].strip("-") or fallback


_STEM = 5  # letters two words share when one gives the other away ("produced", "production")


def cloze_leaks(cloze: str, hidden: int) -> bool:
    """True when the rest of the sentence gives away deletion ``hidden`` (0-based).

    The deleted text, or for a one-word deletion a word of the same stem,
    appearing elsewhere in the sentence makes the card a matching exercise.
    """
    deleted = normalise(cloze_deletions(cloze)[hidden])
    rest = normalise(cloze_prompt(cloze, hidden).replace(CLOZE_GAP, " "))
    if f" {deleted} " in f" {rest} ":
        return True
    if " " in deleted or len(deleted) < _STEM:
        return False
    return any(word[:_STEM] == deleted[:_STEM] for word in rest.split())


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"])")
_ECHO_SIMILARITY = 90  # rapidfuzz token-set score at which two sentences say the same


def sentences(text: str) -> list[str]:
    """The sentences of a short explanation (split after . ! ? before a capital or digit)."""
    return [part for part in _SENTENCE_END.split(text.strip()) if part]


def without_echoes(explanation: str, prompt: str) -> str:
    """The explanation less what the learner has just read: sentences that repeat
    the prompt word for word, or an earlier sentence (the first one, a correction
    or an option's "why", is the one written for this item). Only an exact repeat
    of the prompt goes: a correction differs from the false statement it corrects
    by a word or two.

    A true/false item's statement is often its fact's statement, and a false
    statement's correction often restates the fact; feedback that only echoes
    the question teaches nothing. When every sentence is an echo, the
    explanation is kept as it was, since the learner still needs the answer.
    """
    asked = normalise(prompt)
    kept: list[str] = []
    for sentence in sentences(explanation):
        folded = normalise(sentence)
        if folded == asked:
            continue
        if not any(
            fuzz.token_set_ratio(normalise(other), folded) >= _ECHO_SIMILARITY for other in kept
        ):
            kept.append(sentence)
    return " ".join(kept) or explanation


def unix_lines(text: str) -> str:
    """Line breaks as ``\n``: browsers send ``\r\n`` and old files ``\r``, and the
    same text must compare (and quote) equal whichever way it arrived."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
