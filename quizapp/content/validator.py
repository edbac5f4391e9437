"""Rules that keep a deck safe to learn from, checked on its facts and on every item.

Generated items obey these rules by construction; checking them anyway
catches hand-written items, data mistakes that generation quietly works
around (a distractor that is really a true answer), and generator bugs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .falsify import claim_member, number_swapped
from .model import Deck, Fact, Item, ItemType
from .problems import Problem, duplicate_ids
from .records import MIN_DISTRACTORS
from .text import normalise
from .truth import Truth

_TRUE_FOR = "is a true answer for relation"


def validate(deck: Deck, items: Sequence[Item]) -> list[Problem]:
    """Every problem of the deck's facts and of the items, at the fact's (or item's) file:line."""
    statements = {normalise(fact.statement): fact.id for fact in deck.facts.values()}
    rules = _Rules(deck, Truth(deck), statements)
    problems = [
        Problem.at(fact.origin, message)
        for fact in deck.facts.values()
        for message in rules.fact(fact)
    ]
    problems += duplicate_ids("item", ((item.id, item.origin) for item in items))
    problems += [
        Problem.at(item.origin, f"item {item.id}: {message}")
        for item in items
        for message in rules.item(item)
    ]
    return problems


@dataclass(frozen=True)
class _Rules:
    deck: Deck
    truth: Truth
    statements: dict[str, str]  # normalised statement -> fact id

    def fact(self, fact: Fact) -> Iterator[str]:
        for false in fact.false_statements:
            if same := self.statements.get(normalise(false.text)):
                yield f"false statement '{false.text}' is the statement of fact '{same}'"
        if block := fact.list_block:
            for distractor in block.distractors:
                if self.truth.is_true(block.relation, distractor.text):
                    yield f"distractor '{distractor.text}' {_TRUE_FOR} '{block.relation}'"
        rights = [right for right in (fact.answer, *fact.accept) if right]
        for distractor in fact.distractors:
            for right in rights:
                if self.truth.same(distractor.text, right):
                    yield f"distractor '{distractor.text}' is a correct answer ('{right}')"

    def item(self, item: Item) -> Iterator[str]:
        if not item.source:
            yield "has no source"
        if not item.facts:
            yield "links to no facts"
        if item.options is not None:
            yield from self._options(item, item.options)
        if item.type is ItemType.TRUEFALSE and item.answer is False:
            yield from self._false(item)
        for option in item.feedback:
            if item.options is None or option not in item.options:
                yield f"has feedback for '{option}', which is not one of its options"
            elif self.truth.key(option) in self.truth.keys(item.answers):
                yield f"has feedback for '{option}', a correct answer"

    def _false(self, item: Item) -> Iterator[str]:
        """A False statement must be false by the fact base, not merely marked so.

        Accepted: an explicit false_statement; a fact's statement with one
        number changed; a list claim naming something that is not a true
        answer of the list's relation.
        """
        facts = [self.deck.facts[fact_id] for fact_id in item.facts if fact_id in self.deck.facts]
        false = {normalise(statement.text) for fact in facts for statement in fact.false_statements}
        if normalise(item.prompt) in false:
            return
        if any(number_swapped(fact.statement, item.prompt) for fact in facts):
            return
        for fact in facts:
            block = fact.list_block
            if block and block.claim and (named := claim_member(block.claim, item.prompt)):
                if self.truth.is_true(block.relation, named):
                    yield f"is answered false but '{named}' {_TRUE_FOR} '{block.relation}'"
                return
        yield "is answered false but its prompt is not a false_statement of its facts"

    def _options(self, item: Item, options: tuple[str, ...]) -> Iterator[str]:
        seen: set[str] = set()
        for option in options:
            if self.truth.key(option) in seen:
                yield f"offers '{option}' twice"
            seen.add(self.truth.key(option))
        answers = self.truth.keys(item.answers)
        correct = [option for option in options if self.truth.key(option) in answers]
        if item.type is ItemType.SINGLE and len(correct) != 1:
            yield f"a single question needs exactly 1 correct option, it has {len(correct)}"
        if item.type is ItemType.MULTIPLE:
            yield from self._multiple_answers(item, options, correct)
        wrong = [option for option in options if option not in correct]
        if len(wrong) < MIN_DISTRACTORS:
            yield f"offers {len(wrong)} wrong options, needs at least {MIN_DISTRACTORS}"
        for option in wrong:
            yield from self._wrong_option(item, option)

    def _multiple_answers(
        self, item: Item, options: tuple[str, ...], correct: list[str]
    ) -> Iterator[str]:
        if not correct:
            yield "a multiple question needs a correct option, it has none"
        offered = self.truth.keys(options)
        for answer in item.answers:
            if self.truth.key(answer) not in offered:
                yield f"answer '{answer}' is not one of the options"

    def _wrong_option(self, item: Item, option: str) -> Iterator[str]:
        if item.relation and self.truth.is_true(item.relation, option):
            yield f"wrong option '{option}' {_TRUE_FOR} '{item.relation}'"
        elif any(self.truth.same(option, accepted) for accepted in item.accept):
            yield f"wrong option '{option}' is an accepted answer"
