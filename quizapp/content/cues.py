"""Surface cues of item wording that a test-wise learner uses without knowing the topic.

Shared by the lint rules (which report the cue on one item) and the solvers
(which measure how far the cue carries over a whole bank).
"""

from __future__ import annotations

import re

from .text import normalise

# True/false statements falsified by these words are the classic give-away (NBME).
ABSOLUTE_WORDS = frozenset(
    [
        "never",
        "always",
        "only",
        "all",
        "none",
        "nothing",
        "every",
        "everyone",
        "nobody",
        "cure",
        "cures",
        "cured",
    ]
)
# Qualified wording is more often true: "may", "can", "some" mark the careful (keyed) option.
HEDGE_WORDS = frozenset(
    [
        "may",
        "might",
        "can",
        "could",
        "some",
        "often",
        "usually",
        "sometimes",
        "certain",
        "possibly",
        "generally",
    ]
)
# Stems that ask about a document rather than the medicine (the citation belongs in feedback).
DOCUMENT_CITATIONS = re.compile(
    r"\b(?:patient page|(?:the|this) (?:source|document|page|leaflet|article|text|author|faq)"
    r"|according to|the doctor (?:advise|say|recommend|describe|list|name|mention|explain|call"
    r"|note|state|suggest|give|go(?:es)? through)s?|named|mentioned|(?:is|are) described"
    r"|listed (?:here|above|below))\b",
    re.IGNORECASE,
)
# Words that point at a neighbouring sentence the learner cannot see.
DANGLING = re.compile(
    r"^(?:such|these|this|those|it|they)\b|\bsuch (?!as\b)|\b(?:the above|the list|the link)\b",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "which",
        "what",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "than",
        "then",
        "there",
        "their",
        "they",
        "them",
        "his",
        "her",
        "he",
        "she",
        "you",
        "your",
        "we",
        "our",
        "not",
        "no",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "into",
        "out",
        "up",
        "down",
        "over",
        "under",
        "more",
        "most",
        "less",
        "least",
        "very",
        "also",
        "can",
        "may",
        "might",
        "will",
        "would",
        "should",
        "could",
        "shall",
        "must",
        "about",
        "after",
        "before",
        "between",
        "during",
        "while",
        "if",
        "so",
        "such",
        "any",
        "each",
        "other",
        "one",
        "two",
        "three",
    ]
)
_STEM_LENGTH = 5  # "immune" and "immunity", "infection" and "infections" share a stem


def words(text: str) -> list[str]:
    """The words of ``text``, folded the way answers are compared."""
    return normalise(text).split()


def stem(word: str) -> str:
    """A crude stem: no plural ``s``, at most five letters; enough to catch word families."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word[:_STEM_LENGTH]


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry meaning (no stop words, no numbers)."""
    return {stem(word) for word in words(text) if word not in STOPWORDS and not word.isdigit()}


def has_absolute(text: str) -> bool:
    return not ABSOLUTE_WORDS.isdisjoint(words(text))


def has_hedge(text: str) -> bool:
    return not HEDGE_WORDS.isdisjoint(words(text))
