"""What counts as a correct answer in a deck: synonym groups and relation closure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from .model import Deck
from .text import normalise


class Truth:
    """Answers a deck's facts make true, compared through synonyms and :func:`normalise`.

    A relation's true answers are the members of its own list facts plus the
    true answers of every relation that names it in ``broader``, transitively:
    a medication cause is also a cause, so it may never be a wrong answer to
    "which of these is a cause?".
    """

    def __init__(self, deck: Deck) -> None:
        self._synonyms = {
            normalise(name): normalise(group[0]) for group in deck.synonyms for name in group
        }
        members: dict[str, set[str]] = defaultdict(set)
        for fact in deck.facts.values():
            if block := fact.list_block:
                members[block.relation] |= self.keys(block.members)
        narrower: dict[str, list[str]] = defaultdict(list)
        for narrow in deck.relations.values():
            for broader in narrow.broader:
                narrower[broader].append(narrow.id)
        self._true: dict[str, frozenset[str]] = {}
        for relation in deck.relations:
            included = {relation, *reachable(relation, narrower)}
            self._true[relation] = frozenset(key for name in included for key in members[name])

    def key(self, text: str) -> str:
        """The comparison key of a text: its synonym group's, or its own normal form."""
        folded = normalise(text)
        return self._synonyms.get(folded, folded)

    def keys(self, texts: Iterable[str]) -> set[str]:
        return {self.key(text) for text in texts}

    def same(self, first: str, second: str) -> bool:
        return self.key(first) == self.key(second)

    def true_keys(self, relation: str) -> frozenset[str]:
        return self._true.get(relation, frozenset())

    def is_true(self, relation: str, text: str) -> bool:
        return self.key(text) in self.true_keys(relation)


def reachable(start: str, edges: Mapping[str, Iterable[str]]) -> set[str]:
    """Every name reached from ``start`` along ``edges``, however far (itself only on a cycle)."""
    reached: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo.extend(edges.get(name, ()))
    return reached
