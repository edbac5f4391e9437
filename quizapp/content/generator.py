"""Items generated from a deck's facts, one template at a time.

Generation is a pure function of the deck: the same facts give the same items
with the same ids (``<deck>:<fact>:<template>[:<n>]``) and the same options,
because every random choice is seeded by the item id. ``<n>`` counts from 1
and is used by templates that make several items from one fact (cloze
deletions, false statements, list members), even when there is only one, so
that adding a second never renames the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from random import Random

from .choices import pick, seeded
from .model import Answer, Deck, Fact, Item, ItemType, ListBlock, NumericAnswer, Status, explain
from .schema import MEMBER_PLACEHOLDER
from .text import cloze_deletions, cloze_prompt, normalise
from .truth import Truth

DISTRACTORS = 3  # wrong options of a single-answer question, and at most of a multiple one
MULTIPLE_MEMBERS = 4  # list members shown at most in a multiple-answer question
MULTIPLE_OPTIONS = 6  # options at most in a multiple-answer question: 2 or 3 are wrong


def generate(deck: Deck) -> list[Item]:
    """Every item the deck's facts give, fact by fact in file order, templates in a fixed order."""
    context = _Context(deck, Truth(deck))
    return [
        item
        for fact in deck.facts.values()
        for template in TEMPLATES
        for item in template(fact, context)
    ]


@dataclass(frozen=True)
class _Context:
    """What templates share: the deck, its truth, and how an item is assembled from a fact."""

    deck: Deck
    truth: Truth

    def item_id(self, fact: Fact, template: str) -> str:
        return f"{self.deck.id}:{fact.id}:{template}"

    def explanation(self, fact: Fact) -> str:
        return explain([fact, *(self.deck.facts[other] for other in fact.see_also)])

    def item(
        self,
        fact: Fact,
        template: str,
        item_type: ItemType,
        prompt: str,
        answer: Answer,
        *,
        options: tuple[str, ...] | None = None,
        accept: tuple[str, ...] = (),
        explanation: str | None = None,
        relation: str | None = None,
    ) -> Item:
        return Item(
            id=self.item_id(fact, template),
            deck=self.deck.id,
            topic=fact.topic,
            type=item_type,
            prompt=prompt,
            options=options,
            answer=answer,
            accept=accept,
            explanation=explanation or self.explanation(fact),
            facts=(fact.id, *fact.see_also),
            source=fact.source,
            status=Status.PUBLISHED,
            origin=fact.origin,
            relation=relation,
        )

    def choice(
        self,
        fact: Fact,
        template: str,
        item_type: ItemType,
        prompt: str,
        correct: Sequence[str],
        wrong: Sequence[str],
        relation: str | None = None,
    ) -> Item:
        """A single- or multiple-answer question; options are sorted so order reveals nothing."""
        options = tuple(sorted([*correct, *wrong], key=lambda option: (normalise(option), option)))
        answer: Answer = correct[0]
        if item_type is ItemType.MULTIPLE:
            answer = tuple(option for option in options if option in correct)
        return self.item(
            fact, template, item_type, prompt, answer, options=options, relation=relation
        )

    def list_distractors(self, block: ListBlock, count: int, rng: Random) -> list[str]:
        """Wrong answers for a list question, never one of the relation's true answers.

        Explicit distractors come first, then the pool named by ``member_type``,
        then members of other relations of the same type.
        """
        others = [
            member
            for fact in self.deck.facts.values()
            if (other := fact.list_block) and other.member_type == block.member_type
            if other.relation != block.relation
            for member in other.members
        ]
        tiers = [block.distractors, self.deck.pools.get(block.member_type, ()), others]
        return pick(tiers, count, rng, self.truth.key, self.truth.true_keys(block.relation))


Template = Callable[[Fact, _Context], Iterator[Item]]


def _qa(fact: Fact, context: _Context) -> Iterator[Item]:
    if fact.question and fact.answer:
        yield context.item(fact, "qa", ItemType.QA, fact.question, fact.answer)


def _fillin(fact: Fact, context: _Context) -> Iterator[Item]:
    if fact.question and fact.answer and fact.accept:
        yield context.item(
            fact, "fillin", ItemType.FILLIN, fact.question, fact.answer, accept=fact.accept
        )


def _single(fact: Fact, context: _Context) -> Iterator[Item]:
    if fact.question and fact.answer and fact.distractors:
        rng = seeded(context.item_id(fact, "single"))
        right = context.truth.keys([fact.answer, *fact.accept])
        wrong = pick([fact.distractors], DISTRACTORS, rng, context.truth.key, right)
        yield context.choice(fact, "single", ItemType.SINGLE, fact.question, [fact.answer], wrong)


def _numeric(fact: Fact, context: _Context) -> Iterator[Item]:
    if number := fact.number:
        answer = NumericAnswer(number.value, number.tolerance, number.unit)
        yield context.item(fact, "numeric", ItemType.NUMERIC, number.question, answer)


def _cloze(fact: Fact, context: _Context) -> Iterator[Item]:
    if cloze := fact.cloze:
        for index, deleted in enumerate(cloze_deletions(cloze)):
            prompt = cloze_prompt(cloze, index)
            yield context.item(fact, f"cloze:{index + 1}", ItemType.CLOZE, prompt, deleted)


def _statement(fact: Fact, context: _Context) -> Iterator[Item]:
    if fact.truefalse:
        yield context.item(fact, "truefalse", ItemType.TRUEFALSE, fact.statement, True)


def _false_statements(fact: Fact, context: _Context) -> Iterator[Item]:
    for number, false in enumerate(fact.false_statements, start=1):
        explanation = f"{false.correction} {context.explanation(fact)}"
        yield context.item(
            fact, f"false:{number}", ItemType.TRUEFALSE, false.text, False, explanation=explanation
        )


def _list_card(fact: Fact, context: _Context) -> Iterator[Item]:
    if block := fact.list_block:
        yield context.item(
            fact, "list", ItemType.QA, block.flashcard_question, "; ".join(block.members)
        )


def _list_multiple(fact: Fact, context: _Context) -> Iterator[Item]:
    if block := fact.list_block:
        rng = seeded(context.item_id(fact, "multiple"))
        shown = rng.sample(block.members, min(MULTIPLE_MEMBERS, len(block.members)))
        count = min(DISTRACTORS, MULTIPLE_OPTIONS - len(shown))
        wrong = context.list_distractors(block, count, rng)
        yield context.choice(
            fact, "multiple", ItemType.MULTIPLE, block.question, shown, wrong, block.relation
        )


def _list_singles(fact: Fact, context: _Context) -> Iterator[Item]:
    if block := fact.list_block:
        for number, member in enumerate(block.members, start=1):
            template = f"single:{number}"
            rng = seeded(context.item_id(fact, template))
            wrong = context.list_distractors(block, DISTRACTORS, rng)
            yield context.choice(
                fact, template, ItemType.SINGLE, block.question, [member], wrong, block.relation
            )


def _list_claims(fact: Fact, context: _Context) -> Iterator[Item]:
    if block := fact.list_block:
        for number, member in enumerate(block.members, start=1):
            yield context.item(
                fact, f"truefalse:{number}", ItemType.TRUEFALSE, _claim(block, member), True
            )


def _claim(block: ListBlock, member: str) -> str:
    """The sentence a learner judges: the list's ``claim``, or a wording that fits any question."""
    if block.claim:
        return block.claim.replace(MEMBER_PLACEHOLDER, member)
    return f"“{member}” is a correct answer to “{block.flashcard_question}”"


TEMPLATES: tuple[Template, ...] = (
    _qa,
    _fillin,
    _single,
    _numeric,
    _cloze,
    _statement,
    _false_statements,
    _list_card,
    _list_multiple,
    _list_singles,
    _list_claims,
)
