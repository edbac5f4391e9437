"""Which of the candidate questions an attempt asks: a pure function of the
candidates, the deck's topic weights and a seeded random generator.

No Flask and no database, so the bank lint can simulate default quizzes on a
bank that is not loaded yet, with the very rules learners get:

1. At most one question per fact: two questions on one fact teach it twice and
   the first often answers the second.
2. No question whose wording — a true/false statement, or the stem of any
   other type — contains the correct answer of another question of the
   attempt (it would give that answer away). Questions that share a fact are
   already kept apart by rule 1.
3. Each core topic (the deck's ``core_topics``: when to get help, preventing
   infection) is asked first, once, when it has a question that fits.
4. The places go to topics drawn with a chance proportional to their
   importance, among the open topics of the lowest rank (the rank is the
   topic's accuracy in the weakest-topics mode, so weak topics fill first; it
   is the same for every topic otherwise). A core topic's first draw is the
   question rule 3 already asked, so core topics get their weight's share and
   only as much more as it takes never to miss them.
5. At most ``TRUEFALSE_SHARE`` of the places go to true/false questions: a
   quiz of mostly True-or-False does not test understanding. The true/false
   questions set aside by this rule fill the quiz only when nothing else can.

The work is bounded by the number of candidates: each one is looked at once,
and one that does not fit is dropped for good, since the attempt only grows.
"""

from __future__ import annotations

import random
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, Generic, TypeVar

from quizapp import content
from quizapp.content import ItemType, normalise

Id = TypeVar("Id", bound=Hashable)

TRUEFALSE_SHARE = 0.4


@dataclass(frozen=True)
class TopicWeight:
    """What the deck declares about a topic (``importance`` 1-5, ``core``)."""

    importance: int = 1
    core: bool = False


def deck_weights(deck: content.Deck) -> dict[str, TopicWeight]:
    """A bank deck's topic weights by topic key, in the deck's order."""
    return {
        topic: TopicWeight(deck.weight(topic), topic in deck.core_topics) for topic in deck.topics
    }


@dataclass(frozen=True)
class Candidate(Generic[Id]):
    """A question that may be asked, with what the rules need to know about it.

    ``statement`` is a true/false item's statement (empty for other types);
    ``stem`` the prompt of any other type; ``answers`` are the correct answers
    of other types, as a statement would write them. They are folded only
    when a rule looks at them: most candidates of a draw never are.
    """

    id: Id
    topic: Hashable
    facts: frozenset[Hashable]
    statement: str = ""
    answers: tuple[str, ...] = ()
    rank: float = 0.0
    stem: str = ""

    @classmethod
    def of(
        cls,
        id: Id,
        topic: Hashable,
        facts: Iterable[Hashable],
        type: ItemType,
        prompt: str,
        answer: Any,
        rank: float = 0.0,
    ) -> Candidate[Id]:
        """A candidate from an item's stored fields (``answer`` in its stored shape:
        text, list of texts, bool, or ``{value, tolerance, unit}``)."""
        if type is ItemType.TRUEFALSE:
            return cls(id, topic, frozenset(facts), statement=prompt, rank=rank)
        return cls(
            id, topic, frozenset(facts), answers=_answer_texts(answer), rank=rank, stem=prompt
        )

    @classmethod
    def from_item(cls, item: content.Item) -> Candidate[str]:
        """A bank item as a candidate, by its id, topic key and fact keys."""
        answer = item.to_dict()["answer"]
        return Candidate.of(item.id, item.topic, item.facts, item.type, item.prompt, answer)

    @cached_property
    def _folded_wording(self) -> str:
        return normalise(self.statement or self.stem)

    @cached_property
    def _folded_answers(self) -> tuple[str, ...]:
        return tuple(key for key in map(normalise, self.answers) if key)

    def gives_away(self, other: Candidate[Any]) -> bool:
        """Whether the wording of one of the two (a statement or a stem) holds the
        other's answer."""
        return _contains(self._folded_wording, other._folded_answers) or _contains(
            other._folded_wording, self._folded_answers
        )


def _answer_texts(answer: Any) -> tuple[str, ...]:
    if isinstance(answer, Mapping):  # numeric: the value as a statement writes it ("4", "0.5")
        return (format(Decimal(str(answer["value"])).normalize(), "f"),)
    return tuple(answer) if isinstance(answer, list | tuple) else (str(answer),)


def _contains(statement: str, keys: Sequence[str]) -> bool:
    """Whether a key appears in the statement as whole words."""
    return bool(statement) and any(
        re.search(rf"(?<!\S){re.escape(key)}(?!\S)", statement) for key in keys
    )


def choose(
    candidates: Sequence[Candidate[Id]],
    length: int,
    rng: random.Random,
    topics: Mapping[Any, TopicWeight] | None = None,
) -> list[Id]:
    """Up to ``length`` candidate ids, by the rules above, in the order they are asked.

    ``candidates`` should come in a stable order (by id) and ``topics`` in the
    deck's order, so one seed always gives one quiz; a topic missing from
    ``topics`` weighs 1 and is not core.
    """
    weights = topics or {}
    pools: dict[Hashable, list[Candidate[Id]]] = {}
    for candidate in candidates:
        pools.setdefault(candidate.topic, []).append(candidate)
    for pool in pools.values():
        rng.shuffle(pool)
    chosen: list[Candidate[Id]] = []
    used_facts: set[Hashable] = set()
    set_aside: list[Candidate[Id]] = []
    truefalse_places = max(1, int(length * TRUEFALSE_SHARE))

    def ask(candidate: Candidate[Id]) -> bool:
        fits = not candidate.facts & used_facts and not any(
            candidate.gives_away(other) for other in chosen
        )
        if fits:
            chosen.append(candidate)
            used_facts.update(candidate.facts)
        return fits

    def take(topic: Hashable) -> bool:
        """Ask the topic's next question that fits, if any; close the topic once
        none is left."""
        pool = pools[topic]
        asked = False
        while pool and not asked:
            candidate = pool.pop()
            if candidate.statement and sum(1 for c in chosen if c.statement) >= truefalse_places:
                set_aside.append(candidate)
            else:
                asked = ask(candidate)
        if not pool:
            del pools[topic]
        return asked

    core = sorted(
        (topic for topic, weight in weights.items() if weight.core and topic in pools),
        key=lambda topic: -weights[topic].importance,
    )
    asked_first = {topic for topic in core[:length] if take(topic)}
    while len(chosen) < length and pools:
        lowest = min(pool[0].rank for pool in pools.values())
        open_topics = [topic for topic, pool in pools.items() if pool[0].rank == lowest]
        importance = [weights.get(topic, TopicWeight()).importance for topic in open_topics]
        topic = rng.choices(open_topics, weights=importance)[0]
        if topic in asked_first:
            asked_first.remove(topic)
        else:
            take(topic)
    for candidate in set_aside:
        if len(chosen) >= length:
            break
        ask(candidate)
    ids = [candidate.id for candidate in chosen]
    rng.shuffle(ids)
    return ids
