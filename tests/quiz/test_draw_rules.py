"""The draw rules as a pure function, over many seeded draws: one question per
fact, no true/false that gives another answer away, core topics always asked,
topics weighted by importance, weak topics first."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from quizapp.content import Bank, ItemType, Kind, Status
from quizapp.quiz.selection import Candidate, TopicWeight, choose, deck_weights

SEEDS = range(200)
CORE = ("help", "prevention")


def fillin(id_: str, topic: str, fact: str, key: str, rank: float = 0.0) -> Candidate[str]:
    return Candidate.of(id_, topic, [fact], ItemType.FILLIN, f"Question {id_}?", key, rank)


def truefalse(id_: str, topic: str, fact: str, statement: str) -> Candidate[str]:
    return Candidate.of(id_, topic, [fact], ItemType.TRUEFALSE, statement, True)


def many(topic: str, facts: int, per_fact: int = 3, rank: float = 0.0) -> list[Candidate[str]]:
    """``per_fact`` questions on each of ``facts`` facts of one topic."""
    return [
        fillin(f"{topic}-{f}-{n}", topic, f"{topic}-fact-{f}", f"{topic} key {f} {n}", rank)
        for f in range(facts)
        for n in range(per_fact)
    ]


WEIGHTS = {
    "help": TopicWeight(importance=5, core=True),
    "prevention": TopicWeight(importance=4, core=True),
    "causes": TopicWeight(),
    "lists": TopicWeight(),
}
# Core topics with one or two questions among hundreds: a plain sample misses them.
BANK = [
    *many("help", 1, per_fact=2),
    *many("prevention", 2, per_fact=1),
    *many("causes", 40, per_fact=5),
    *many("lists", 1, per_fact=60),
]


def draw(
    bank: list[Candidate[str]],
    seed: int,
    weights: dict[str, TopicWeight] | None = None,
    length: int = 10,
) -> list[Candidate[str]]:
    """The candidates ``choose`` picks, rather than their ids."""
    lookup = {candidate.id: candidate for candidate in bank}
    return [lookup[i] for i in choose(bank, length, random.Random(seed), weights)]


@pytest.mark.parametrize("seed", SEEDS)
def test_one_question_per_fact_and_every_core_topic(seed: int) -> None:
    drawn = draw(BANK, seed, WEIGHTS)
    assert len(drawn) == 10
    facts = [fact for candidate in drawn for fact in candidate.facts]
    assert len(facts) == len(set(facts))
    assert {"help", "prevention"} <= {candidate.topic for candidate in drawn}


def test_fewer_fitting_questions_than_asked_for_gives_those_that_fit() -> None:
    bank = [*many("help", 1, per_fact=4), *many("causes", 3, per_fact=4)]
    assert len(choose(bank, 10, random.Random(1), WEIGHTS)) == 4
    assert choose([], 10, random.Random(1), WEIGHTS) == []


def test_a_true_false_never_gives_away_another_questions_answer() -> None:
    bank = [
        truefalse("tf", "help", "fever-sign", "Fever is the most common sign of infection."),
        fillin("fill", "causes", "fever-symptom", "Fever"),
        truefalse("other-tf", "causes", "other", "Hand washing lowers the risk of infection."),
        fillin("other-fill", "lists", "another", "Bone marrow"),
    ]
    for seed in SEEDS:
        drawn = set(choose(bank, 4, random.Random(seed), WEIGHTS))
        assert len(drawn) == 3
        assert not {"tf", "fill"} <= drawn
        assert {"other-tf", "other-fill"} <= drawn


def test_the_giveaway_rule_matches_whole_words_and_numbers() -> None:
    statement = truefalse("tf", "t", "f1", "Leukopenia is a count below 4.0 × 10⁹/L.")
    assert statement.gives_away(fillin("a", "t", "f2", "Leukopenia"))
    assert statement.gives_away(
        Candidate.of("n", "t", ["f3"], ItemType.NUMERIC, "Below what?", {"value": 4.0})
    )
    assert not statement.gives_away(fillin("b", "t", "f4", "Leuko"))
    assert not statement.gives_away(fillin("c", "t", "f5", "40"))
    assert not statement.gives_away(truefalse("d", "t", "f6", "Leukopenia is common."))


def test_true_false_takes_at_most_its_share_unless_nothing_else_fits() -> None:
    statements = [
        truefalse(f"tf-{n}", "causes", f"tf-fact-{n}", f"Statement number {n} is true.")
        for n in range(30)
    ]
    mixed = [*statements, *many("causes", 30, per_fact=1)]
    for seed in SEEDS:
        drawn = draw(mixed, seed, length=10)
        assert len(drawn) == 10
        assert sum(1 for candidate in drawn if candidate.statement) <= 4
    only_true_false = draw(statements, 0, length=10)
    assert len(only_true_false) == 10


def test_topics_are_weighted_by_importance() -> None:
    weights = {"major": TopicWeight(importance=3), "minor": TopicWeight(importance=1)}
    bank = [*many("major", 300, per_fact=1), *many("minor", 300, per_fact=1)]
    topics = Counter(candidate.topic for seed in SEEDS for candidate in draw(bank, seed, weights))
    assert topics["major"] / topics.total() == pytest.approx(0.75, abs=0.05)


def test_a_core_topic_keeps_close_to_its_weight() -> None:
    weights = {"core": TopicWeight(importance=1, core=True), "other": TopicWeight(importance=9)}
    bank = [*many("core", 300, per_fact=1), *many("other", 300, per_fact=1)]
    topics = Counter(candidate.topic for seed in SEEDS for candidate in draw(bank, seed, weights))
    # A draw alone gives 1 in 10; never missing the topic adds the 35 % of
    # quizzes that drew it nowhere (0.9 ** 10): 1.35 questions in 10 on average.
    assert topics["core"] / topics.total() == pytest.approx(0.135, abs=0.03)


def test_a_core_topic_not_chosen_is_not_asked() -> None:
    assert {candidate.topic for candidate in draw(many("causes", 20), 3, WEIGHTS)} == {"causes"}


def test_core_topics_come_first_when_the_quiz_is_shorter_than_their_number() -> None:
    weights = {f"core-{n}": TopicWeight(importance=n, core=True) for n in range(1, 5)}
    bank = [candidate for topic in weights for candidate in many(topic, 3)]
    topics = {candidate.topic for candidate in draw(bank, 5, weights, length=2)}
    assert topics == {"core-4", "core-3"}  # the most important ones


def test_the_lowest_rank_fills_first() -> None:
    bank = [*many("weak", 4, rank=0.2), *many("middle", 9, rank=0.5), *many("strong", 9, rank=0.9)]
    for seed in range(20):
        topics = Counter(candidate.topic for candidate in draw(bank, seed))
        assert topics == {"weak": 4, "middle": 6}


def test_the_same_seed_gives_the_same_quiz() -> None:
    first, second = (choose(BANK, 10, random.Random(42), WEIGHTS) for _ in range(2))
    assert first == second


@pytest.fixture(scope="module")
def bundled(bundled_bank: Bank) -> tuple[list[Candidate[str]], dict[str, TopicWeight]]:
    """The bundled bank's published questions and its deck's topic weights."""
    (deck,) = bundled_bank.decks
    published = [
        Candidate.from_item(item)
        for item in bundled_bank.items
        if item.kind is Kind.QUESTION and item.status is Status.PUBLISHED
    ]
    return published, deck_weights(deck)


def test_default_quizzes_on_the_bundled_bank_follow_every_rule(
    bundled: tuple[list[Candidate[str]], dict[str, TopicWeight]],
) -> None:
    candidates, weights = bundled
    core = {topic for topic, weight in weights.items() if weight.core}
    assert core == {"when-to-see-a-doctor", "prevention"}
    for seed in SEEDS:
        drawn = draw(candidates, seed, weights)
        assert len(drawn) == 10
        assert core <= {candidate.topic for candidate in drawn}
        assert sum(1 for candidate in drawn if candidate.statement) <= 4
        for one, other in itertools.combinations(drawn, 2):
            assert not one.facts & other.facts, (one.id, other.id)
            assert not one.gives_away(other), (one.id, other.id)
