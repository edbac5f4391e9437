"""Content read from bank files, written back as the plain records those files hold.

The database keeps a fact as its ``facts:`` record and a deck's relations,
glossary, pools and decisions in their files' shapes, so a stored deck can be
read again by the content pipeline and written out as a folder. These
functions invert the loader for one record each: reading the result gives
back an equal object. Values at their default are left out, as an author
would leave them out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from quizapp import content
from quizapp.content.model import Decision, Distractor, ListBlock, NumberBlock, Relation


def fact_record(fact: content.Fact, critical_topics: Iterable[str] = ()) -> dict[str, Any]:
    """A fact as its facts/*.yaml entry.

    ``critical`` is written only when the fact's topic does not already make
    it critical (the loader marks every fact of ``critical_topics``).
    """
    record: dict[str, Any] = {
        "id": fact.id,
        "topic": fact.topic,
        "source": fact.source,
        "quote": fact.quote,
        "statement": fact.statement,
    }
    if fact.question is not None:
        record["question"] = fact.question
    if fact.answer is not None:
        record["answer"] = fact.answer
    if fact.accept:
        record["accept"] = list(fact.accept)
    if fact.distractors:
        record["distractors"] = distractor_records(fact.distractors)
    if fact.cloze is not None:
        record["cloze"] = fact.cloze
    if fact.number is not None:
        record["number"] = _number_record(fact.number)
    if fact.false_statements:
        record["false_statements"] = [
            {"text": entry.text, "correction": entry.correction} for entry in fact.false_statements
        ]
    if fact.list_block is not None:
        record["list"] = _list_record(fact.list_block)
    if fact.see_also:
        record["see_also"] = list(fact.see_also)
    if not fact.truefalse:
        record["truefalse"] = False
    if fact.critical and fact.topic not in set(critical_topics):
        record["critical"] = True
    return record


def distractor_records(distractors: Iterable[Distractor]) -> list[Any]:
    """Distractors as written: a plain text, or ``{text, why}`` when it has a why."""
    return [
        entry.text if entry.why is None else {"text": entry.text, "why": entry.why}
        for entry in distractors
    ]


def _number_record(block: NumberBlock) -> dict[str, Any]:
    record: dict[str, Any] = {"question": block.question, "value": block.value}
    if block.unit:
        record["unit"] = block.unit
    if block.tolerance:
        record["tolerance"] = block.tolerance
    return record


def _list_record(block: ListBlock) -> dict[str, Any]:
    record: dict[str, Any] = {
        "relation": block.relation,
        "member_type": block.member_type,
        "question": block.question,
    }
    if block.card_question is not None:
        record["card_question"] = block.card_question
    record["members"] = list(block.members)
    if block.distractors:
        record["distractors"] = distractor_records(block.distractors)
    if block.claim is not None:
        record["claim"] = block.claim
    return record


def deck_extras(deck: content.Deck) -> dict[str, Any]:
    """What :attr:`Deck.extras` keeps: deck.yaml's fields beyond topics, plus
    pools.yaml and decisions.yaml, each present only when the deck has it."""
    extras: dict[str, Any] = {
        "relations": {key: _relation_record(r) for key, r in deck.relations.items()},
        "glossary": dict(deck.glossary),
        "critical_topics": list(deck.critical_topics),
        "pools": {name: distractor_records(entries) for name, entries in deck.pools.items()},
        "synonyms": [list(group) for group in deck.synonyms],
        "decisions": [_decision_record(decision) for decision in deck.decisions],
    }
    if deck.new_items is not content.Status.PUBLISHED:
        extras["new_items"] = deck.new_items.value
    return {key: value for key, value in extras.items() if value}


def _relation_record(relation: Relation) -> dict[str, Any]:
    record: dict[str, Any] = {}
    if relation.broader:
        record["broader"] = list(relation.broader)
    if relation.label is not None:
        record["label"] = relation.label
    return record


def _decision_record(decision: Decision) -> dict[str, Any]:
    return {"source": decision.source, "quote": decision.quote, "decision": decision.decision}
