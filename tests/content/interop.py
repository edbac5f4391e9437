"""What the GIFT and Moodle XML tests share: a quiz-question builder and the fields compared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quizapp.content import Item, ItemType, Kind, Location, NumericAnswer, Status, read_bank
from quizapp.content.interchange import ForeignQuestion
from quizapp.content.model import Answer

BANK = Path(__file__).resolve().parents[2] / "questions"


def item(item_type: ItemType, answer: Answer, **fields: Any) -> Item:
    """A quiz question with plain defaults, for the fields a test does not care about."""
    defaults: dict[str, Any] = {
        "id": f"deck:fact:{item_type.value}",
        "deck": "deck",
        "topic": "topic",
        "prompt": "What?",
        "options": None,
        "accept": (),
        "explanation": "Because.",
        "facts": ("fact",),
        "source": "source",
    }
    return Item(
        type=item_type,
        answer=answer,
        status=Status.PUBLISHED,
        origin=Location("items.yaml", 1),
        **(defaults | fields),
    )


def bank_items() -> tuple[Item, ...]:
    return read_bank(BANK).items


def bank_questions() -> list[Item]:
    return [each for each in bank_items() if each.kind is Kind.QUESTION]


def as_read(question: ForeignQuestion) -> tuple[object, ...]:
    """Everything a question read back carries, in :func:`as_written` order."""
    return (
        question.idnumber,
        question.name,
        question.category,
        question.type,
        question.prompt,
        question.text_format,
        question.options,
        question.answer,
        question.accept,
        question.explanation,
        question.facts,
        question.source,
        question.unit,
        dict(question.feedback),
        dict(question.weights),
    )


def as_written(item: Item) -> tuple[object, ...]:
    """What reading back the GIFT or Moodle XML of ``item`` must give."""
    unit = item.answer.unit if isinstance(item.answer, NumericAnswer) else ""
    return (
        item.id,
        item.id,
        f"$course$/top/{item.deck}/{item.topic}",
        item.type,
        item.prompt,
        item.text_format,
        item.options,
        item.answer,
        item.accept,
        item.explanation,
        item.facts,
        item.source,
        unit or None,
        dict(item.feedback),
        dict(item.weights),
    )
