"""The quality gate: every item-writing flaw (NBME guide) that can be found by reading the items.

A *finding* names the item (or, for a rule about a fact or the whole deck,
the fact's or deck's id), a rule code, a severity and the reason. Errors break
a written standard in a way a reader can check (a document-citing stem, a key
that is the only long option, a wrong option nobody explains); warnings are
heuristics that need a person's judgement. :func:`lint_item` holds one item
to the bar (the instructor's item page uses it); :func:`lint_deck` adds the
rules that need the whole deck, and the figures the CLI prints.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from statistics import median

from . import readability
from .choices import leading_number
from .cues import DANGLING, DOCUMENT_CITATIONS, content_stems, has_absolute, stem, words
from .model import Deck, Distractor, Item, ItemType, Kind
from .solvers import Score, solver_scores
from .text import CLOZE_GAP, normalise

MAX_READING_GRADE = 8.0  # Flesch-Kincaid target for patient material: grade 8 or below
READING_GRADE_ERROR = 12.0  # one item's text this far above the target is not a noisy estimate
MAX_ITEMS_PER_FACT = 8
MAX_FILLIN_WORDS = 3
LONG_KEY_RATIO = 1.5  # a key this many times longer than every distractor stands out
FALSE_SHARE = (0.40, 0.60)  # share of true/false statements whose key is False
MIN_SPLIT_ITEMS = 20  # fewer statements than this cannot be balanced finely: a warning only
# A solver that knows nothing may beat chance by this many points before the bank fails.
# With MIN_SOLVER_ITEMS questions, 15 points is about two standard deviations of pure
# guessing (sqrt(0.5 * 0.5 / 40) = 7.9 points), so a random keying rarely trips it,
# while the cues of the original bank (+36 for "always True", +40 for absolute words,
# +32 for "familiar" on single answers, measured by these solvers) do.
SOLVER_MARGIN = 15.0
MIN_SOLVER_ITEMS = 40
_OF_THE_ABOVE = ("all of the above", "none of the above")
_WHICH_OF_THESE = ("which of these", "which of the following")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    item_id: str  # or the fact's or deck's id, for rules about a fact or the deck
    code: str
    severity: Severity
    reason: str

    def __str__(self) -> str:
        tag = "" if self.severity is Severity.ERROR else " (warning)"
        return f"{self.item_id}: {self.code}{tag}: {self.reason}"


@dataclass(frozen=True)
class LintContext:
    """What the item rules need from the deck: its glossary, and which pool each option is from."""

    glossary: tuple[str, ...] = ()
    categories: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, deck: Deck) -> LintContext:
        found: dict[str, set[str]] = {}

        def add(category: str, text: str) -> None:
            found.setdefault(normalise(text), set()).add(category)

        for pool, entries in deck.pools.items():
            for entry in entries:
                add(pool, entry.text)
        for fact in deck.facts.values():
            if block := fact.list_block:
                for text in [*block.members, *(d.text for d in block.distractors)]:
                    add(block.member_type, text)
        return cls(
            tuple(deck.glossary),
            {text: frozenset(categories) for text, categories in found.items()},
        )


def _error(item: Item, code: str, reason: str) -> Finding:
    return Finding(item.id, code, Severity.ERROR, reason)


def _warning(item: Item, code: str, reason: str) -> Finding:
    return Finding(item.id, code, Severity.WARNING, reason)


def _reading(item: Item, context: LintContext) -> Iterator[Finding]:
    for name, text in (("prompt", item.prompt), ("explanation", item.explanation)):
        grade = readability.grade(text, context.glossary)
        if grade is not None and grade > MAX_READING_GRADE:
            make = _error if grade > READING_GRADE_ERROR else _warning
            yield make(
                item,
                "READING-GRADE",
                f"the {name} reads at grade {grade:.1f} (Flesch-Kincaid; target "
                f"{MAX_READING_GRADE:g} or below)",
            )


def _stem(item: Item, context: LintContext) -> Iterator[Finding]:
    if match := DOCUMENT_CITATIONS.search(item.prompt):
        yield _error(
            item,
            "CITES-DOCUMENT",
            f"the stem asks about a document ('{match.group(0)}'), not the medicine; "
            "keep the citation in the feedback",
        )
    if item.type is ItemType.TRUEFALSE:
        if has_absolute(item.prompt):
            yield _error(
                item, "ABSOLUTE-CUE", "an absolute word (never, always, only…) cues the key"
            )
        if match := DANGLING.search(item.prompt):
            yield _warning(
                item, "DANGLING", f"'{match.group(0).strip()}' needs a neighbouring sentence"
            )
    if item.type is ItemType.SINGLE and normalise(item.prompt).startswith(_WHICH_OF_THESE):
        yield _warning(
            item, "OPTIONS-NEEDED", "'Which of these…' cannot be answered with the options covered"
        )


_FIGURE = re.compile(r"\s*\d+(?:[.,]\d+)?(?:\s*[×x]\s*10\S*)?")


def key_words(answer: str) -> int:
    """How many words a learner types for a key; a figure with its unit
    ("4.0 × 10⁹/L") is one, as the grader reads it as one number."""
    if figure := _FIGURE.match(answer):
        return 1 + len(words(answer[figure.end() :]))
    return len(words(answer))


def _typed_answer(item: Item, context: LintContext) -> Iterator[Finding]:
    answer = item.answer if isinstance(item.answer, str) else ""
    if item.type is ItemType.FILLIN and (count := key_words(answer)) > MAX_FILLIN_WORDS:
        yield _error(item, "FILLIN-LONG", f"the key has {count} words (at most {MAX_FILLIN_WORDS})")
    if item.type in (ItemType.FILLIN, ItemType.QA, ItemType.CLOZE) and answer:
        shown = content_stems(item.prompt.replace(CLOZE_GAP, " "))
        given = content_stems(answer) & shown
        if given and (item.type is ItemType.CLOZE or given == content_stems(answer)):
            code = "CLOZE-LEAK" if item.type is ItemType.CLOZE else "ANSWER-IN-STEM"
            yield _error(item, code, f"the answer shows in the text ({_spelled(answer, given)})")


def _spelled(text: str, stems: set[str]) -> str:
    """The words of ``text`` whose stems are in ``stems``, as the reason shows them."""
    return ", ".join(dict.fromkeys(word for word in words(text) if stem(word) in stems))


def _options(item: Item, context: LintContext) -> Iterator[Finding]:
    options = item.options or ()
    if not item.type.has_options or not options:
        return
    keys = [option for option in options if option in item.answers]
    wrong = [option for option in options if option not in item.answers]
    if any(normalise(option) in _OF_THE_ABOVE for option in options):
        yield _error(item, "OF-THE-ABOVE", "'all/none of the above' rewards partial knowledge")
    yield from _categories(item, options, context)
    if missing := [option for option in wrong if not item.feedback.get(option, "").strip()]:
        yield _error(
            item,
            "NO-FEEDBACK",
            f"wrong option(s) without feedback saying why: {'; '.join(missing)}",
        )
    yield from _length_cue(item, keys, wrong)
    yield from _clang(item, keys, wrong)


def _categories(item: Item, options: Sequence[str], context: LintContext) -> Iterator[Finding]:
    numbers = [n for option in options if (n := leading_number(option)) is not None]
    if 0 < len(numbers) < len(options):
        yield _error(item, "MIXED-CATEGORY", "some options are numbers and some are not")
    elif numbers and numbers != sorted(numbers):
        yield _error(item, "NUMERIC-ORDER", "numeric options are not in numeric order")
    known = [context.categories[k] for o in options if (k := normalise(o)) in context.categories]
    if len(known) > 1 and not frozenset.intersection(*known):
        kinds = sorted({category for categories in known for category in categories})
        yield _error(
            item, "MIXED-CATEGORY", f"options come from different kinds: {', '.join(kinds)}"
        )


def _length_cue(item: Item, keys: Sequence[str], wrong: Sequence[str]) -> Iterator[Finding]:
    if not keys or not wrong:
        return
    longest_wrong = max(len(option) for option in wrong)
    if item.type is ItemType.SINGLE and len(keys[0]) >= LONG_KEY_RATIO * longest_wrong:
        yield _error(item, "LONG-KEY", "the key is the only long option")
    elif item.type is ItemType.MULTIPLE and min(len(key) for key in keys) > longest_wrong:
        yield _warning(item, "LONG-KEY", "every key is longer than every wrong option")


def _clang(item: Item, keys: Sequence[str], wrong: Sequence[str]) -> Iterator[Finding]:
    """A word of the stem that only the key repeats points at the key (a clang association)."""
    asked = content_stems(item.prompt)
    in_wrong = set().union(*(content_stems(option) for option in wrong))
    for key in keys:
        if echoed := (content_stems(key) & asked) - in_wrong:
            yield _error(
                item,
                "CLANG",
                f"the key '{key}' repeats the stem's word(s) ({_spelled(key, echoed)}) "
                "and no wrong option does",
            )


ITEM_RULES = (_reading, _stem, _typed_answer, _options)


def lint_item(item: Item, context: LintContext) -> list[Finding]:
    """Every finding on one item that needs no other item."""
    return [finding for rule in ITEM_RULES for finding in rule(item, context)]


@dataclass(frozen=True)
class Figures:
    """The deck's numbers that the gate is judged by (printed as the lint summary)."""

    items: int
    scores: tuple[Score, ...]
    true_statements: int
    false_statements: int
    prompt_grade: float | None
    explanation_grade: float | None
    citing_document: int
    most_items_per_fact: tuple[str, int]

    @property
    def false_share(self) -> float | None:
        total = self.true_statements + self.false_statements
        return self.false_statements / total if total else None


@dataclass(frozen=True)
class DeckLint:
    deck: str
    findings: tuple[Finding, ...]
    figures: Figures

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)


def lint_deck(deck: Deck, items: Sequence[Item]) -> DeckLint:
    """The item rules on every item, then the rules and figures of the whole deck."""
    context = LintContext.of(deck)
    findings = [finding for item in items for finding in lint_item(item, context)]
    figures = _figures(deck, items, context)
    findings += _duplicate_stems(items)
    findings += _unexplained_distractors(deck)
    findings += _deck_findings(deck.id, figures, _items_per_fact(deck.id, items))
    return DeckLint(deck.id, tuple(findings), figures)


def _unexplained_distractors(deck: Deck) -> Iterator[Finding]:
    """Written distractors with no ``why`` (legacy plain strings): a warning where they are
    written, since only the items that show them are errors (NO-FEEDBACK)."""
    written: list[tuple[str, tuple[Distractor, ...]]] = [
        (f"{deck.id}:pool:{name}", entries) for name, entries in deck.pools.items()
    ]
    for fact in deck.facts.values():
        listed = fact.list_block.distractors if fact.list_block else ()
        written.append((f"{deck.id}:{fact.id}", (*fact.distractors, *listed)))
    for subject, entries in written:
        if bare := [entry.text for entry in entries if not (entry.why or "").strip()]:
            yield Finding(
                subject,
                "NO-FEEDBACK",
                Severity.WARNING,
                f"distractor(s) without feedback: {'; '.join(bare)}",
            )


def _duplicate_stems(items: Sequence[Item]) -> Iterator[Finding]:
    first: dict[tuple[Kind, str], str] = {}
    for item in items:
        key = (item.kind, normalise(item.prompt))
        if key in first:
            yield _error(item, "DUPLICATE-STEM", f"same stem as {first[key]}")
        first.setdefault(key, item.id)


def _items_per_fact(deck: str, items: Sequence[Item]) -> Counter[str]:
    """Items per fact, counting each item for the fact it is about (its first)."""
    return Counter(f"{deck}:{item.facts[0]}" for item in items if item.facts)


def _figures(deck: Deck, items: Sequence[Item], context: LintContext) -> Figures:
    statements = [item for item in items if item.type is ItemType.TRUEFALSE]
    per_fact = _items_per_fact(deck.id, items).most_common(1)
    return Figures(
        items=len(items),
        scores=tuple(solver_scores(items, deck.facts.values())),
        true_statements=sum(item.answer is True for item in statements),
        false_statements=sum(item.answer is False for item in statements),
        prompt_grade=_median_grade([item.prompt for item in items], context),
        explanation_grade=_median_grade([item.explanation for item in items], context),
        citing_document=sum(bool(DOCUMENT_CITATIONS.search(item.prompt)) for item in items),
        most_items_per_fact=per_fact[0] if per_fact else ("", 0),
    )


def _median_grade(texts: Sequence[str], context: LintContext) -> float | None:
    grades = [g for text in texts if (g := readability.grade(text, context.glossary)) is not None]
    return round(median(grades), 1) if grades else None


def _deck_findings(deck: str, figures: Figures, per_fact: Counter[str]) -> Iterator[Finding]:
    def finding(code: str, severity: Severity, reason: str, subject: str = deck) -> Finding:
        return Finding(subject, code, severity, reason)

    for fact, count in per_fact.items():
        if count > MAX_ITEMS_PER_FACT:
            yield finding(
                "ITEMS-PER-FACT",
                Severity.ERROR,
                f"{count} items test this fact (at most {MAX_ITEMS_PER_FACT})",
                fact,
            )
    share, total = figures.false_share, figures.true_statements + figures.false_statements
    if share is not None and not FALSE_SHARE[0] <= share <= FALSE_SHARE[1]:
        yield finding(
            "TRUEFALSE-SPLIT",
            Severity.ERROR if total >= MIN_SPLIT_ITEMS else Severity.WARNING,
            f"{100 * share:.0f} % of {total} true/false statements are False "
            f"(keep {100 * FALSE_SHARE[0]:.0f}-{100 * FALSE_SHARE[1]:.0f} %)",
        )
    for name, grade in (
        ("prompts", figures.prompt_grade),
        ("explanations", figures.explanation_grade),
    ):
        if grade is not None and grade > MAX_READING_GRADE:
            yield finding(
                "READING-MEDIAN",
                Severity.ERROR,
                f"median reading grade of {name} is {grade:.1f} (target {MAX_READING_GRADE:g})",
            )
    for score in figures.scores:
        if score.advantage > SOLVER_MARGIN:
            enough = score.items >= MIN_SOLVER_ITEMS
            reverse = "" if score.excess > 0 else " (answering the opposite wins)"
            yield finding(
                "TESTWISE",
                Severity.ERROR if enough else Severity.WARNING,
                f"a solver that knows nothing beats chance: {score}{reverse}",
            )
