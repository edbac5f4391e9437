"""What learners see cited under an item: each linked fact's quote with its own
source, and a "Source:" line listing those sources and nothing else.

An item has no source of its own to choose: quiz feedback, study cards, the
Anki export and the instructors' preview all cite the facts, so a learner can
never read "Source: A" above a quote from document B.
"""

from __future__ import annotations

from collections.abc import Iterable

from quizapp.models import Fact


def cited_sources(facts: Iterable[Fact]) -> str:
    """The "Source:" line: the distinct sources of the facts, in the facts' order."""
    return "; ".join(dict.fromkeys(fact.source.citation for fact in facts))


def quotes(facts: Iterable[Fact]) -> list[tuple[str, str]]:
    """(quote, citation of that fact's own source) of each fact."""
    return [(fact.quote, fact.source.citation) for fact in facts]
