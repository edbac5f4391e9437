"""The shape of each bank file, and the model objects built from well-formed records."""

from __future__ import annotations

from typing import Any

from .model import (
    Decision,
    Distractor,
    Fact,
    FalseStatement,
    ListBlock,
    NumberBlock,
    Relation,
    Source,
    Status,
)
from .problems import Report
from .schema import (
    Spec,
    a_date,
    among,
    boolean,
    check_record,
    claim,
    cloze,
    distractors,
    file_name,
    glossary,
    importance,
    mapping,
    mappings,
    named_lists,
    non_negative,
    nullable_text,
    number,
    optional,
    required,
    slug,
    text,
    text_lists,
    texts,
    titles,
)
from .yamlfile import LineDict

MIN_DISTRACTORS = 2

DECK_FILE: Spec = {
    "id": required(slug),
    "title": required(text),
    "description": optional(text),
    "topics": required(titles),
    "relations": optional(mapping),
    "importance": optional(importance),
    "core_topics": optional(texts(1, distinct=True)),
    "critical_topics": optional(texts(1, distinct=True)),
    "glossary": optional(glossary),
    "new_items": optional(among(Status.DRAFT, Status.PUBLISHED)),
}
RELATION: Spec = {"broader": optional(texts(1)), "label": optional(text)}
SOURCES_FILE: Spec = {"sources": required(mappings)}
SOURCE: Spec = {
    "id": required(slug),
    "title": required(text),
    "author": optional(nullable_text),
    "publisher": optional(nullable_text),
    "seed": optional(text),
    "document": optional(file_name),
    "address": optional(nullable_text),
    "date": optional(a_date),
    "note": optional(nullable_text),
}
POOLS_FILE: Spec = {"pools": optional(named_lists), "synonyms": optional(text_lists)}
DECISIONS_FILE: Spec = {"decisions": required(mappings)}
DECISION: Spec = {"source": required(text), "quote": required(text), "decision": required(text)}
FACTS_FILE: Spec = {"facts": required(mappings)}
FACT: Spec = {
    "id": required(slug),
    "topic": required(text),
    "source": required(text),
    "quote": required(text),
    "statement": required(text),
    "question": optional(text),
    "answer": optional(text),
    "accept": optional(texts(1)),
    "distractors": optional(distractors(MIN_DISTRACTORS)),
    "cloze": optional(cloze),
    "number": optional(mapping),
    "false_statements": optional(mappings),
    "list": optional(mapping),
    "see_also": optional(texts(1)),
    "truefalse": optional(boolean),
    "critical": optional(boolean),
}
NUMBER: Spec = {
    "question": required(text),
    "value": required(number),
    "unit": optional(text),
    "tolerance": optional(non_negative),
}
FALSE_STATEMENT: Spec = {"text": required(text), "correction": required(text)}
LIST: Spec = {
    "relation": required(text),
    "member_type": required(text),
    "question": required(text),
    "card_question": optional(text),
    "members": required(texts(1, distinct=True)),
    "distractors": optional(distractors(1)),
    "claim": optional(claim),
}

# Fields that make items only from a question and its answer.
_NEED_QUESTION_AND_ANSWER = ("accept", "distractors")


def read_relation(key: Any, node: Any, report: Report, line: int) -> Relation | None:
    """One entry of deck.yaml ``relations``; an empty value (``{}`` or nothing) has no broader."""
    if error := slug(key):
        report.add(line, f"relation '{key}' {error}")
        return None
    node = LineDict(line) if node is None else node
    if not check_record(node, RELATION, f"relation '{key}'", report, line):
        return None
    return Relation(key, report.at(line), tuple(node.get("broader", ())), node.get("label"))


def read_source(node: Any, report: Report, line: int) -> Source | None:
    """A source names where its text is: a ``document`` beside the deck, or a bundled ``seed``."""
    if not check_record(node, SOURCE, "source", report, line):
        return None
    if "seed" not in node and "document" not in node:
        message = "source needs field 'document' (its text in documents/) or 'seed'"
        report.add(node.line, message)
        return None
    return Source(**node, origin=report.at(node.line))


def read_decision(node: Any, report: Report, line: int) -> Decision | None:
    if not check_record(node, DECISION, "decision", report, line):
        return None
    return Decision(**node, origin=report.at(node.line))


def read_fact(node: Any, report: Report, line: int) -> Fact | None:
    """A fact when it and its blocks are well-formed, else None with every problem reported."""
    well_formed = check_record(node, FACT, "fact", report, line)
    if not isinstance(node, LineDict):
        return None
    blocks = [
        check_record(block, spec, what, report, block.line) for block, spec, what in _blocks(node)
    ]
    checks = [_needs_met(node, report), *blocks]
    if not (well_formed and all(checks)):
        return None
    return Fact(
        id=node["id"],
        topic=node["topic"],
        source=node["source"],
        quote=node["quote"],
        statement=node["statement"],
        origin=report.at(node.line),
        question=node.get("question"),
        answer=node.get("answer"),
        accept=tuple(node.get("accept", ())),
        distractors=read_distractors(node.get("distractors", ())),
        cloze=node.get("cloze"),
        number=NumberBlock(**node["number"]) if "number" in node else None,
        false_statements=tuple(
            FalseStatement(**entry) for entry in node.get("false_statements", ())
        ),
        list_block=_list_block(node["list"]) if "list" in node else None,
        see_also=tuple(node.get("see_also", ())),
        truefalse=node.get("truefalse", True),
        critical=node.get("critical", False),
    )


def _needs_met(node: LineDict, report: Report) -> bool:
    """A question comes with its answer; accept and distractors need both."""
    problems = len(report.problems)
    pair = [name for name in ("question", "answer") if name in node]
    if len(pair) == 1:
        (present,) = pair
        missing = "answer" if present == "question" else "question"
        report.add(node.line_of(present), f"field '{present}' needs field '{missing}'")
    unpaired = [name for name in _NEED_QUESTION_AND_ANSWER if name in node and not pair]
    for name in unpaired:
        report.add(node.line_of(name), f"field '{name}' needs fields 'question' and 'answer'")
    return len(report.problems) == problems


def _blocks(node: LineDict) -> list[tuple[LineDict, Spec, str]]:
    """A fact's nested records that are mappings (one of another type is already reported)."""
    entries = node.get("false_statements")
    blocks = [(node.get("number"), NUMBER, "number block"), (node.get("list"), LIST, "list block")]
    blocks += [
        (entry, FALSE_STATEMENT, "false statement")
        for entry in (entries if isinstance(entries, list) else ())
    ]
    return [(block, spec, what) for block, spec, what in blocks if isinstance(block, LineDict)]


def read_distractors(entries: Any) -> tuple[Distractor, ...]:
    """Well-formed distractor entries (plain texts or ``{text, why}``) as :class:`Distractor`."""
    return tuple(
        Distractor(entry) if isinstance(entry, str) else Distractor(entry["text"], entry["why"])
        for entry in entries
    )


def _list_block(node: LineDict) -> ListBlock:
    lists = {
        "members": tuple(node["members"]),
        "distractors": read_distractors(node.get("distractors", ())),
    }
    return ListBlock(**{**node, **lists})
