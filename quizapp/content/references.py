"""Checks that the names a deck's records use (topics, sources, relations, pools, facts) exist."""

from __future__ import annotations

from collections.abc import Iterator, Set
from dataclasses import dataclass

from .model import Deck, Fact, Relation
from .problems import Problem
from .truth import reachable


@dataclass(frozen=True)
class Names:
    """Every name a deck's files declare, including those of records too broken to load.

    References are checked against these, so that one broken fact or source is
    reported once, not again at every record that names it. None stands for
    names that cannot be known because their file could not be read.
    """

    topics: Set[str]
    sources: Set[str] | None
    facts: Set[str] | None
    relations: Set[str] | None
    pools: Set[str] | None


def unknown(name: str, known: Set[str] | None) -> bool:
    return known is not None and name not in known


def reference_problems(deck: Deck, names: Names) -> Iterator[Problem]:
    for fact in deck.facts.values():
        for message in _fact_references(fact, names):
            yield Problem.at(fact.origin, message)
    for decision in deck.decisions:
        if unknown(decision.source, names.sources):
            yield Problem.at(decision.origin, f"unknown source '{decision.source}'")
    for relation in deck.relations.values():
        for message in _relation_references(relation, deck, names):
            yield Problem.at(relation.origin, message)


def _fact_references(fact: Fact, names: Names) -> Iterator[str]:
    if unknown(fact.topic, names.topics):
        yield f"unknown topic '{fact.topic}' (deck.yaml topics: {', '.join(sorted(names.topics))})"
    if unknown(fact.source, names.sources):
        yield f"unknown source '{fact.source}'"
    for other in fact.see_also:
        if other == fact.id:
            yield "see_also names the fact itself"
        elif unknown(other, names.facts):
            yield f"see_also names unknown fact '{other}'"
    block = fact.list_block
    if block and unknown(block.relation, names.relations):
        yield f"unknown relation '{block.relation}'"
    if block and unknown(block.member_type, names.pools):
        yield f"unknown member_type '{block.member_type}': pools.yaml has no such pool"


def _relation_references(relation: Relation, deck: Deck, names: Names) -> Iterator[str]:
    missing = [name for name in relation.broader if unknown(name, names.relations)]
    for name in missing:
        yield f"relation '{relation.id}' names unknown broader relation '{name}'"
    broader = {other.id: other.broader for other in deck.relations.values()}
    if not missing and relation.id in reachable(relation.id, broader):
        yield f"relation '{relation.id}' is broader than itself (a cycle through 'broader')"
