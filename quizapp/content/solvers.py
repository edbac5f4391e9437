"""Test-wise solvers: answer a deck's questions without knowing the topic, and score them.

Each solver reads one surface cue (a word, a length, the topic's own
vocabulary) that item writers leak when distractors are careless. A bank
teaches only if these solvers score near chance; :func:`solver_scores` says how
far above chance each one gets, per question type.

Every solver gives each text a *cue* value (higher looks more "right"), then:

- single answer: picks the option(s) with the highest cue, guessing among ties,
  so its credit is the chance that the guess is the key;
- multiple answer: ticks the options whose cue is above the item's mean (all
  equal: a coin flip per option), credited per option, as partial credit is;
- true/false: says True when the statement's cue is at least the mean of the
  deck's statements (so a solver whose cue never varies always says True).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean

from .cues import content_stems, has_absolute, has_hedge
from .model import Fact, Item, ItemType

VOCABULARY_MIN_FACTS = 3  # a stem in this many fact statements is the topic's own word
CHANCE_MULTIPLE = 0.5  # each option of a multiple-answer item is a right/wrong call
CHANCE_TRUEFALSE = 0.5
SOLVED_TYPES = (ItemType.SINGLE, ItemType.MULTIPLE, ItemType.TRUEFALSE)


@dataclass(frozen=True)
class Reading:
    """What a test-wise learner brings: the words that recur across the topic."""

    vocabulary: frozenset[str]

    @classmethod
    def of(cls, facts: Iterable[Fact]) -> Reading:
        counts = Counter(stem for fact in facts for stem in content_stems(fact.statement))
        return cls(frozenset(stem for stem, n in counts.items() if n >= VOCABULARY_MIN_FACTS))


Cue = Callable[[str, frozenset[str], Reading], float]


@dataclass(frozen=True)
class Solver:
    name: str
    description: str
    types: tuple[ItemType, ...]
    cue: Cue  # (text, stem words of the question, reading) -> how "right" the text looks


def _familiar(text: str, question: frozenset[str], reading: Reading) -> float:
    """Share of the text's words that the question or the topic's vocabulary already uses."""
    own = content_stems(text)
    return len(own & (question | reading.vocabulary)) / len(own) if own else 0.0


SOLVERS = (
    Solver("always-true", "always answers True", (ItemType.TRUEFALSE,), lambda *_: 1.0),
    Solver(
        "absolute-false",
        "False only when the statement has an absolute word (never, always, only…)",
        (ItemType.TRUEFALSE,),
        lambda text, *_: 0.0 if has_absolute(text) else 1.0,
    ),
    Solver("longest", "the longest option or statement", SOLVED_TYPES, lambda text, *_: len(text)),
    Solver(
        "familiar",
        "the option most like the stem and the topic's own vocabulary",
        SOLVED_TYPES,
        _familiar,
    ),
    Solver(
        "hedged",
        "the hedged option or statement (may, can, some…)",
        SOLVED_TYPES,
        lambda text, *_: 1.0 if has_hedge(text) else 0.0,
    ),
)


@dataclass(frozen=True)
class Score:
    """One solver on one question type: its mean credit against what guessing gets."""

    solver: str
    type: ItemType
    items: int
    score: float
    chance: float

    @property
    def excess(self) -> float:
        """Points (of 100) above chance."""
        return 100 * (self.score - self.chance)

    @property
    def advantage(self) -> float:
        """Points a learner gains from the cue. On true/false and multiple-answer items the
        opposite call is just as easy to make, so a cue that misleads also counts."""
        reversible = self.type in (ItemType.TRUEFALSE, ItemType.MULTIPLE)
        return abs(self.excess) if reversible else self.excess

    def __str__(self) -> str:
        return (
            f"{self.solver} on {self.type.value} ({self.items} items): "
            f"{100 * self.score:.0f} % vs chance {100 * self.chance:.0f} % "
            f"({self.excess:+.0f} points)"
        )


def chance(item: Item) -> float:
    """What guessing scores on the item."""
    if item.type is ItemType.SINGLE:
        return 1 / len(item.options or ("",))
    return CHANCE_MULTIPLE if item.type is ItemType.MULTIPLE else CHANCE_TRUEFALSE


def _single(values: Sequence[float], right: Sequence[bool]) -> float:
    best = [i for i, value in enumerate(values) if value == max(values)]
    return sum(right[i] for i in best) / len(best)


def _multiple(values: Sequence[float], right: Sequence[bool]) -> float:
    mean = fmean(values)
    if all(value == mean for value in values):
        return 0.5
    return fmean((value > mean) == correct for value, correct in zip(values, right, strict=True))


def credit(solver: Solver, item: Item, reading: Reading, statement_mean: float) -> float:
    """The solver's expected credit on one question (``statement_mean``: see the module doc)."""
    if item.type is ItemType.TRUEFALSE:
        says_true = solver.cue(item.prompt, frozenset(), reading) >= statement_mean
        return float(says_true == item.answer)
    options = item.options or ()
    question = frozenset(content_stems(item.prompt))
    values = [solver.cue(option, question, reading) for option in options]
    right = [option in item.answers for option in options]
    return _single(values, right) if item.type is ItemType.SINGLE else _multiple(values, right)


def solver_scores(items: Sequence[Item], facts: Iterable[Fact]) -> list[Score]:
    """Every solver on every type it answers that the items have, in a fixed order."""
    reading = Reading.of(facts)
    scores = []
    for solver in SOLVERS:
        statements = [i.prompt for i in items if i.type is ItemType.TRUEFALSE]
        mean = fmean(solver.cue(s, frozenset(), reading) for s in statements) if statements else 0
        for item_type in solver.types:
            asked = [item for item in items if item.type is item_type and _answerable(item)]
            if asked:
                scores.append(
                    Score(
                        solver.name,
                        item_type,
                        len(asked),
                        fmean(credit(solver, item, reading, mean) for item in asked),
                        fmean(chance(item) for item in asked),
                    )
                )
    return scores


def _answerable(item: Item) -> bool:
    """A choice item needs options; a true/false one a True or False key."""
    return isinstance(item.answer, bool) if item.type is ItemType.TRUEFALSE else bool(item.options)
