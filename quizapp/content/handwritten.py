"""Hand-written items from a deck's optional items.yaml, with the same fields as generated ones."""

from __future__ import annotations

from typing import Any

from .model import Answer, Deck, Item, ItemType, NumericAnswer, Status, explain
from .problems import Report
from .references import Names, unknown
from .schema import (
    Check,
    Spec,
    anything,
    boolean,
    check_record,
    mappings,
    non_negative,
    number,
    one_of,
    optional,
    required,
    text,
    text_mapping,
    texts,
)
from .text import normalise
from .yamlfile import LineDict, LineList

ITEMS_FILE: Spec = {"items": required(mappings)}
ITEM: Spec = {
    "id": required(text),
    "type": required(one_of(ItemType)),
    "prompt": required(text),
    "answer": required(anything),
    "facts": required(texts(1)),
    "topic": optional(text),
    "options": optional(texts(2)),
    "accept": optional(texts(1)),
    "explanation": optional(text),
    "relation": optional(text),
    "status": optional(one_of(Status)),
    "feedback": optional(text_mapping),
}


NUMERIC_ANSWER: Spec = {
    "value": required(number),
    "unit": optional(text),
    "tolerance": optional(non_negative),
}

_ANSWER: dict[ItemType, Check] = {
    ItemType.QA: text,
    ItemType.CLOZE: text,
    ItemType.FILLIN: text,
    ItemType.SINGLE: text,
    ItemType.MULTIPLE: texts(1),
    ItemType.TRUEFALSE: boolean,
}
_CHOICE_ONLY = ("options", "relation", "feedback")


def read_items(data: Any, report: Report, deck: Deck, names: Names) -> tuple[Item, ...]:
    """The well-formed items of items.yaml (``data`` is None when the file was unreadable)."""
    if data is None or not check_record(data, ITEMS_FILE, "items.yaml", report, 1):
        return ()
    entries: LineList = data["items"]
    read = [_read_item(entry, report, deck, names) for entry in entries]
    return tuple(item for item in read if item is not None)


def _read_item(node: LineDict, report: Report, deck: Deck, names: Names) -> Item | None:
    if not check_record(node, ITEM, "item", report, node.line):
        return None
    kind = ItemType(node["type"])
    problems = len(report.problems)
    _check_shape(node, kind, report)
    _check_references(node, deck.id, names, report)
    if len(report.problems) > problems or not all(fact in deck.facts for fact in node["facts"]):
        return None  # a fact too broken to load is reported where it is written
    facts = [deck.facts[fact_id] for fact_id in node["facts"]]
    return Item(
        id=node["id"],
        deck=deck.id,
        topic=node.get("topic", facts[0].topic),
        type=kind,
        prompt=node["prompt"],
        options=tuple(node["options"]) if "options" in node else None,
        answer=_answer(node["answer"]),
        accept=tuple(node.get("accept", ())),
        explanation=node.get("explanation") or explain(facts),
        facts=tuple(node["facts"]),
        source=facts[0].source,
        status=Status(node.get("status", Status.PUBLISHED)),
        origin=report.at(node.line),
        relation=node.get("relation"),
        feedback=dict(node.get("feedback", {})),
    )


def _check_shape(node: LineDict, kind: ItemType, report: Report) -> None:
    """What the item's type asks of its answer and options."""
    answer_line = node.line_of("answer")
    if kind is ItemType.NUMERIC:
        check_record(node["answer"], NUMERIC_ANSWER, "numeric answer", report, answer_line)
    elif error := _ANSWER[kind](node["answer"]):
        report.add(answer_line, f"field 'answer' of a {kind} item {error}")
    for name in _CHOICE_ONLY:
        if name in node and not kind.has_options:
            report.add(node.line_of(name), f"field '{name}' is only for single and multiple items")
    if kind.has_options and "options" not in node:
        report.add(node.line, f"a {kind} item needs field 'options'")
    if kind.has_options and "options" in node and "feedback" in node:
        _check_feedback(node, report)


def _check_feedback(node: LineDict, report: Report) -> None:
    """Feedback explains wrong options: each key is an option, and none is a correct answer."""
    options = {normalise(option) for option in node["options"]}
    answers = node["answer"] if isinstance(node["answer"], list) else [node["answer"]]
    correct = {normalise(str(answer)) for answer in answers}
    for option in node["feedback"]:
        if normalise(option) not in options:
            report.add(
                node.line_of("feedback"), f"feedback names '{option}', which is not an option"
            )
        elif normalise(option) in correct:
            report.add(node.line_of("feedback"), f"feedback names '{option}', a correct answer")


def _check_references(node: LineDict, deck_id: str, names: Names, report: Report) -> None:
    prefix = f"{deck_id}:"
    if not node["id"].startswith(prefix) or node["id"] == prefix:
        report.add(node.line_of("id"), f"item id '{node['id']}' must start with '{prefix}'")
    for fact_id in node["facts"]:
        if unknown(fact_id, names.facts):
            report.add(node.line_of("facts"), f"unknown fact '{fact_id}'")
    for name, known in (("topic", names.topics), ("relation", names.relations)):
        if name in node and unknown(node[name], known):
            report.add(node.line_of(name), f"unknown {name} '{node[name]}'")


def _answer(value: Any) -> Answer:
    if isinstance(value, dict):
        return NumericAnswer(value["value"], value.get("tolerance", 0), value.get("unit", ""))
    return tuple(value) if isinstance(value, list) else value
