"""Checks that every quote is in its source document, so nothing is claimed that no source says."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .model import Decision, Deck, Fact
from .problems import Problem


def quote_problems(deck: Deck, seeds: Path) -> list[Problem]:
    """Missing seed documents, and quotes (of facts and decisions) not found in them verbatim.

    Sources without a ``seed`` keep their document in the deck folder, whose
    quotes the loader has already checked.
    """
    problems: list[Problem] = []
    documents: dict[str, tuple[str, str]] = {}
    for source in deck.sources.values():
        if source.seed is None:
            continue
        path = Path(seeds) / source.seed
        if path.is_file():
            documents[source.id] = (f"'{source.seed}'", path.read_text(encoding="utf-8"))
        else:
            message = f"seed document '{source.seed}' not found in {seeds}"
            problems.append(Problem.at(source.origin, message))
    return problems + unquoted(deck, documents)


def unquoted(deck: Deck, documents: Mapping[str, tuple[str, str]]) -> list[Problem]:
    """Quotes of facts and decisions not found verbatim in their source's document.

    ``documents`` maps a source id to the document's name as problems show it
    and its text; records of other sources are not checked here.
    """
    problems: list[Problem] = []
    quoted: list[Fact | Decision] = [*deck.facts.values(), *deck.decisions]
    for record in quoted:
        if record.source not in documents:
            continue
        name, text = documents[record.source]
        if record.quote not in text:
            message = f"quote not found verbatim in {name}: {record.quote!r}"
            problems.append(Problem.at(record.origin, message))
    return problems
