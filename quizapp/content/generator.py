"""Items generated from a deck's facts, one template at a time, to item-writing standards.

Generation is a pure function of the deck: the same facts give the same items
with the same ids (``<deck>:<fact>:<template>[:<n>]``) and the same options,
because every random choice is seeded by the item id. ``<n>`` counts from 1
and is used by templates that make several items from one fact (cloze
deletions, false statements, list members), even when there is only one, so
that adding a second never renames the first.

The standards it follows (questions/README.md): every wrong option carries
its own feedback when the bank gives one; true/false questions come in True
and False versions made by plausible substitution; a fact gives at most
:data:`MAX_ITEMS_PER_FACT` items, so a long list does not crowd out the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from random import Random

from .choices import option_order, pick, seeded
from .falsify import claim_text, dangling, wrong_thresholds
from .model import (
    Answer,
    Deck,
    Distractor,
    Fact,
    Item,
    ItemType,
    Kind,
    ListBlock,
    NumericAnswer,
    explain,
)
from .text import cloze_deletions, cloze_leaks, cloze_prompt, without_echoes
from .truth import Truth, reachable

DISTRACTORS = 3  # wrong options of a single-answer question, and at most of a multiple one
MULTIPLE_MEMBERS = 4  # list members shown at most in a multiple-answer question
MULTIPLE_OPTIONS = 6  # options at most in a multiple-answer question: 2 or 3 are wrong
MULTIPLE_HINT = "Choose all that apply."  # also keeps its stem apart from the list's single
LIST_SINGLES = 1  # singles of one list share its question: more would repeat a stem
MAX_ITEMS_PER_FACT = 8
LIST_CARD_MEMBERS = 6  # a longer list is not learnable as one flashcard back
FILLIN_WORDS = 3  # a typed answer longer than this is a free-text essay, not a fill-in
FALSE_THRESHOLDS = 1  # wrong-threshold statements per fact with a number
STATEMENT_WORDS = 20  # a longer statement is a compound claim: one idea per true/false item


def generate(deck: Deck) -> list[Item]:
    """Every item the deck's facts give, fact by fact in file order, templates in a fixed order."""
    context = _Context(deck, Truth(deck))
    return [item for fact in deck.facts.values() for item in _capped(fact, context)]


def _capped(fact: Fact, context: _Context) -> list[Item]:
    """A fact's items, at most :data:`MAX_ITEMS_PER_FACT`: questions kept before cards."""
    items = [item for template in TEMPLATES for item in template(fact, context)]
    if len(items) <= MAX_ITEMS_PER_FACT:
        return items
    ranked = sorted(range(len(items)), key=lambda index: (_rank(items[index]), index))
    return [items[index] for index in sorted(ranked[:MAX_ITEMS_PER_FACT])]


def _rank(item: Item) -> int:
    """Which items a crowded fact keeps first: choices, then False statements, then the rest."""
    if item.type.has_options or item.type is ItemType.NUMERIC:
        return 0
    if item.answer is False:
        return 1
    return 2 if item.kind is Kind.QUESTION else 3


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
        feedback: dict[str, str] | None = None,
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
            explanation=without_echoes(explanation or self.explanation(fact), prompt),
            facts=(fact.id, *fact.see_also),
            source=fact.source,
            status=self.deck.new_items,
            origin=fact.origin,
            relation=relation,
            feedback=feedback or {},
        )

    def choice(
        self,
        fact: Fact,
        template: str,
        item_type: ItemType,
        prompt: str,
        correct: Sequence[str],
        wrong: Sequence[Distractor],
        relation: str | None = None,
    ) -> Item:
        """A single- or multiple-answer question; each wrong option brings its feedback."""
        options = option_order([*correct, *(distractor.text for distractor in wrong)])
        answer: Answer = correct[0]
        if item_type is ItemType.MULTIPLE:
            answer = tuple(option for option in options if option in correct)
        feedback = {distractor.text: distractor.why for distractor in wrong if distractor.why}
        return self.item(
            fact,
            template,
            item_type,
            prompt,
            answer,
            options=options,
            relation=relation,
            feedback=feedback,
        )

    def list_distractors(self, block: ListBlock, count: int, rng: Random) -> list[Distractor]:
        """Wrong answers for a list question, never one of the relation's true answers.

        Explicit distractors come first; then the pool named by ``member_type``
        together with members of sibling relations (same member type) whose
        feedback can be written from the relation labels; then other siblings.
        """
        siblings = self.siblings(block)
        explained = [*self.deck.pools.get(block.member_type, ()), *(s for s in siblings if s.why)]
        tiers = [block.distractors, explained, [s for s in siblings if not s.why]]
        taken = self.truth.true_keys(block.relation)
        return pick(tiers, count, rng, lambda option: self.truth.key(option.text), taken)

    def siblings(self, block: ListBlock) -> list[Distractor]:
        """Members of other relations with the same member type: near-misses from the facts.

        Their feedback reads "<X> is one of the <other label>, not one of the
        <this label>", written only when both relations have a label; it is
        true because a sibling that is a true answer here is never offered.
        Members of a *broader* relation are not siblings: "may come with a low
        count" does not say "does not cause it", so such a member may well be a
        true answer the facts do not state.
        """
        here = self.deck.relations.get(block.relation)
        broader = reachable(block.relation, {r.id: r.broader for r in self.deck.relations.values()})
        found: dict[str, Distractor] = {}
        for fact in self.deck.facts.values():
            other = fact.list_block
            if not other or other.member_type != block.member_type:
                continue
            if other.relation == block.relation or other.relation in broader:
                continue
            there = self.deck.relations.get(other.relation)
            for member in other.members:
                why = None
                if here and there and here.label and there.label:
                    why = f"{member} is one of the {there.label}, not one of the {here.label}."
                found.setdefault(self.truth.key(member), Distractor(member, why))
        return list(found.values())


Template = Callable[[Fact, _Context], Iterator[Item]]


def _qa(fact: Fact, context: _Context) -> Iterator[Item]:
    if fact.question and fact.answer:
        yield context.item(fact, "qa", ItemType.QA, fact.question, fact.answer)


def _fillin(fact: Fact, context: _Context) -> Iterator[Item]:
    """Only short keys (a learner cannot be expected to type a sentence the grader will
    match), and only when the same question is not asked with options (:func:`_single`):
    two questions with one stem give each other away."""
    short = fact.answer is not None and len(fact.answer.split()) <= FILLIN_WORDS
    if fact.question and fact.accept and short and not fact.distractors:
        answer = fact.answer or ""
        yield context.item(
            fact, "fillin", ItemType.FILLIN, fact.question, answer, accept=fact.accept
        )


def _single(fact: Fact, context: _Context) -> Iterator[Item]:
    if fact.question and fact.answer and fact.distractors:
        rng = seeded(context.item_id(fact, "single"))
        right = context.truth.keys([fact.answer, *fact.accept])
        wrong = pick(
            [fact.distractors], DISTRACTORS, rng, lambda d: context.truth.key(d.text), right
        )
        yield context.choice(fact, "single", ItemType.SINGLE, fact.question, [fact.answer], wrong)


def _numeric(fact: Fact, context: _Context) -> Iterator[Item]:
    if number := fact.number:
        answer = NumericAnswer(number.value, number.tolerance, number.unit)
        yield context.item(fact, "numeric", ItemType.NUMERIC, number.question, answer)


def _cloze(fact: Fact, context: _Context) -> Iterator[Item]:
    """One card per deletion, except a deletion the rest of the sentence gives away."""
    if cloze := fact.cloze:
        for index, deleted in enumerate(cloze_deletions(cloze)):
            if not cloze_leaks(cloze, index):
                prompt = cloze_prompt(cloze, index)
                yield context.item(fact, f"cloze:{index + 1}", ItemType.CLOZE, prompt, deleted)


def _statement(fact: Fact, context: _Context) -> Iterator[Item]:
    """The statement as a True question, unless it is long, reads as a list or leans on a
    neighbour (a long statement holds several claims, and length alone would mark it True).

    A list fact's statement ("the viruses named are…") reads as exhaustive;
    its members are judged one by one instead (:func:`_list_claims`).
    """
    short = len(fact.statement.split()) <= STATEMENT_WORDS
    if fact.truefalse and short and not fact.list_block and not dangling(fact.statement):
        yield context.item(fact, "truefalse", ItemType.TRUEFALSE, fact.statement, True)


def _false_statements(fact: Fact, context: _Context) -> Iterator[Item]:
    for number, false in enumerate(fact.false_statements, start=1):
        explanation = f"{false.correction} {context.explanation(fact)}"
        yield context.item(
            fact, f"false:{number}", ItemType.TRUEFALSE, false.text, False, explanation=explanation
        )


def _wrong_threshold(fact: Fact, context: _Context) -> Iterator[Item]:
    """The statement with another of the deck's thresholds (same unit): a plausible False."""
    if not (number := fact.number) or not fact.truefalse or dangling(fact.statement):
        return
    others = [
        other.number.value
        for other in context.deck.facts.values()
        if other.number and other.number.unit == number.unit
    ]
    variants = wrong_thresholds(fact.statement, number.value, others)
    rng = seeded(context.item_id(fact, "threshold"))
    for index, variant in enumerate(rng.sample(variants, min(FALSE_THRESHOLDS, len(variants)))):
        explanation = f"The figure is {variant.right}, not {variant.wrong}. "
        yield context.item(
            fact,
            f"threshold:{index + 1}",
            ItemType.TRUEFALSE,
            variant.text,
            False,
            explanation=explanation + context.explanation(fact),
        )


def _list_card(fact: Fact, context: _Context) -> Iterator[Item]:
    if (block := fact.list_block) and len(block.members) <= LIST_CARD_MEMBERS:
        yield context.item(
            fact, "list", ItemType.QA, block.flashcard_question, "; ".join(block.members)
        )


def _list_multiple(fact: Fact, context: _Context) -> Iterator[Item]:
    if block := fact.list_block:
        rng = seeded(context.item_id(fact, "multiple"))
        shown = rng.sample(block.members, min(MULTIPLE_MEMBERS, len(block.members)))
        count = min(DISTRACTORS, MULTIPLE_OPTIONS - len(shown))
        wrong = context.list_distractors(block, count, rng)
        prompt = f"{block.question} {MULTIPLE_HINT}"
        yield context.choice(
            fact, "multiple", ItemType.MULTIPLE, prompt, shown, wrong, block.relation
        )


@dataclass(frozen=True)
class _ListPlan:
    """Which members of a list get a single-answer question and which a True claim.

    One member gets a single-answer question (more would repeat its stem); the
    items left under the per-fact cap go to as many True claims as False ones.
    Members are taken in a seeded rotation, the single first, so that claims
    and the single ask about different members, and a long list rotates.
    """

    singles: tuple[int, ...]
    claims: tuple[int, ...]

    @classmethod
    def of(cls, fact: Fact, block: ListBlock, context: _Context) -> _ListPlan:
        used = sum(
            1
            for template in TEMPLATES
            if template not in _LIST_SHARED
            for _ in template(fact, context)
        )
        budget = max(0, MAX_ITEMS_PER_FACT - used)
        single_count = min(LIST_SINGLES, budget)
        pairs = (budget - single_count) // 2 if block.claim else 0
        order = list(range(len(block.members)))
        seeded(context.item_id(fact, "members")).shuffle(order)
        rotated = order[single_count:] + order[:single_count]  # the single's member last
        return cls(tuple(sorted(order[:single_count])), tuple(sorted(rotated[:pairs])))


def _list_singles(fact: Fact, context: _Context) -> Iterator[Item]:
    if block := fact.list_block:
        for index in _ListPlan.of(fact, block, context).singles:
            template = f"single:{index + 1}"
            rng = seeded(context.item_id(fact, template))
            wrong = context.list_distractors(block, DISTRACTORS, rng)
            member = block.members[index]
            yield context.choice(
                fact, template, ItemType.SINGLE, block.question, [member], wrong, block.relation
            )


def _list_claims(fact: Fact, context: _Context) -> Iterator[Item]:
    """True claims about some members, and as many False ones about near-misses.

    A False claim puts a distractor (never a true answer of the relation) in
    the member's place; its explanation starts with the distractor's feedback.
    """
    if not (block := fact.list_block) or not block.claim:
        return
    claims = _ListPlan.of(fact, block, context).claims
    for index in claims:
        prompt = claim_text(block.claim, block.members[index])
        yield context.item(fact, f"truefalse:{index + 1}", ItemType.TRUEFALSE, prompt, True)
    rng = seeded(context.item_id(fact, "false-claim"))
    stated = {context.truth.key(false.text) for false in fact.false_statements}
    candidates = context.list_distractors(block, len(claims) + len(stated), rng)
    fresh = [
        d for d in candidates if context.truth.key(claim_text(block.claim, d.text)) not in stated
    ]
    for number, wrong in enumerate(fresh[: len(claims)], start=1):
        explanation = " ".join(filter(None, [wrong.why, context.explanation(fact)]))
        yield context.item(
            fact,
            f"false-claim:{number}",
            ItemType.TRUEFALSE,
            claim_text(block.claim, wrong.text),
            False,
            explanation=explanation,
            relation=block.relation,
        )


TEMPLATES: tuple[Template, ...] = (
    _qa,
    _fillin,
    _single,
    _numeric,
    _cloze,
    _statement,
    _false_statements,
    _wrong_threshold,
    _list_card,
    _list_multiple,
    _list_singles,
    _list_claims,
)
# The list templates that share what the other templates leave of a fact's budget.
_LIST_SHARED: tuple[Template, ...] = (_list_singles, _list_claims)
