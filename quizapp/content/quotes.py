"""Checks that every quote is in its source document, so nothing is claimed that no source says."""

from __future__ import annotations

from pathlib import Path

from .model import Decision, Deck, Fact
from .problems import Problem


def quote_problems(deck: Deck, seeds: Path) -> list[Problem]:
    """Missing seed documents, and quotes (of facts and decisions) not found in them verbatim."""
    problems: list[Problem] = []
    documents: dict[str, str] = {}
    for source in deck.sources.values():
        path = Path(seeds) / source.seed
        if path.is_file():
            documents[source.id] = path.read_text(encoding="utf-8")
        else:
            message = f"seed document '{source.seed}' not found in {seeds}"
            problems.append(Problem.at(source.origin, message))
    quoted: list[Fact | Decision] = [*deck.facts.values(), *deck.decisions]
    for record in quoted:
        document = documents.get(record.source)
        if document is not None and record.quote not in document:
            seed = deck.sources[record.source].seed
            message = f"quote not found verbatim in '{seed}': {record.quote!r}"
            problems.append(Problem.at(record.origin, message))
    return problems
