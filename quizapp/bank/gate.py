"""The quality gate as ``quizapp bank lint`` and ``bank check`` print it.

The rules live in :mod:`quizapp.content.lint`; this module adds what needs
the quiz: how many simulated default quizzes, drawn by the learners' own
rules (:func:`quizapp.quiz.selection.choose`), ask about each core topic;
and the findings of one stored item, for the instructor's item page.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from quizapp import content, models
from quizapp.bank import services
from quizapp.content.lint import DeckLint, Finding, LintContext, lint_deck, lint_item
from quizapp.content.markup import plain_text
from quizapp.content.solvers import SOLVERS
from quizapp.quiz.selection import Candidate, TopicWeight, choose
from quizapp.quiz.services import DEFAULT_LENGTH

SIMULATED_QUIZZES = 2000
SIMULATION_SEED = 12


@dataclass(frozen=True)
class GateReport:
    lint: DeckLint
    core_share: dict[str, float]  # core topic -> share of default quizzes that ask about it


def run(deck: content.Deck) -> GateReport:
    items = content.deck_items(deck)
    return GateReport(lint_deck(deck, items), core_share(deck, items))


def core_share(deck: content.Deck, items: Sequence[content.Item]) -> dict[str, float]:
    """For each core topic, the share of simulated default quizzes with a question on it."""
    questions = [
        item
        for item in items
        if item.kind is content.Kind.QUESTION and item.status is content.Status.PUBLISHED
    ]
    candidates = [
        Candidate.of(item.id, item.topic, item.facts, item.type, item.prompt, _stored(item))
        for item in sorted(questions, key=lambda item: item.id)
    ]
    if not deck.core_topics or not candidates:
        return {}
    weights: dict[Hashable, TopicWeight] = {
        topic: TopicWeight(deck.weight(topic), topic in deck.core_topics) for topic in deck.topics
    }
    topic_of = {item.id: item.topic for item in questions}
    rng = random.Random(SIMULATION_SEED)
    asked = {topic: 0 for topic in deck.core_topics}
    for _ in range(SIMULATED_QUIZZES):
        topics = {topic_of[i] for i in choose(candidates, DEFAULT_LENGTH, rng, weights)}
        for topic in asked.keys() & topics:
            asked[topic] += 1
    return {topic: count / SIMULATED_QUIZZES for topic, count in asked.items()}


def _stored(item: content.Item) -> object:
    answer = item.answer
    return answer.to_dict() if isinstance(answer, content.NumericAnswer) else answer


def summary(report: GateReport) -> Iterator[str]:
    """The figures the gate is judged by, one line each."""
    lint, figures = report.lint, report.lint.figures
    errors = len(lint.errors)
    yield (
        f"{lint.deck}: {figures.items} items, {errors} error(s), "
        f"{len(lint.findings) - errors} warning(s)"
    )
    legend = "; ".join(f"{solver.name}: {solver.description}" for solver in SOLVERS)
    yield f"  test-wise solvers (they answer without knowing the topic): {legend}"
    for score in figures.scores:
        yield f"  solver {score}"
    share = figures.false_share
    split = "n/a" if share is None else f"{100 * share:.0f} % False"
    yield (
        f"  true/false: {figures.true_statements} True, {figures.false_statements} False ({split})"
    )
    yield (
        f"  median reading grade: prompts {_grade(figures.prompt_grade)}, "
        f"explanations {_grade(figures.explanation_grade)}"
    )
    yield f"  stems citing a document: {figures.citing_document}"
    fact, most = figures.most_items_per_fact
    yield f"  items per fact (max): {most} ({fact})"
    if report.core_share:
        shares = ", ".join(f"{t} {100 * s:.0f} %" for t, s in report.core_share.items())
        yield f"  default quizzes ({DEFAULT_LENGTH} questions) asking each core topic: {shares}"
    else:
        yield "  default quizzes asking each core topic: n/a (the deck declares no core topics)"


def _grade(grade: float | None) -> str:
    return "n/a" if grade is None else f"{grade:.1f}"


def item_findings(row: models.Item, context: LintContext | None = None) -> list[Finding]:
    """A stored item held to the bank's bar: judged with its deck's glossary and pools
    (``context``, from :func:`context_for`, when several items of one deck are judged).
    HTML and Markdown are judged by the words a learner reads, not their tags."""
    item = services.content_item(row)
    words = replace(
        item,
        prompt=plain_text(item.prompt, item.text_format),
        explanation=plain_text(item.explanation, item.text_format),
    )
    return lint_item(words, context or context_for(row.deck.slug))


def context_for(deck_slug: str) -> LintContext:
    """A deck's glossary and pools. They live in the bank files, not the database,
    so they are read from the bank folder (again only when a file there changed)."""
    root = services.bank_path()
    files = sorted(root.rglob("*.yaml")) if root.is_dir() else []
    stamp = tuple((str(path), path.stat().st_mtime_ns) for path in files)
    return _contexts(root, stamp).get(deck_slug, LintContext())


@lru_cache(maxsize=2)
def _contexts(root: Path, stamp: tuple[tuple[str, int], ...]) -> dict[str, LintContext]:
    """Each deck's lint context by deck id (none when the folder does not load)."""
    try:
        decks = content.load_bank(root)
    except content.BankError:
        return {}
    return {deck.id: LintContext.of(deck) for deck in decks}
