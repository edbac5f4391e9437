"""The Anki export: a deck's published flashcards as an .apkg file."""

from __future__ import annotations

from datetime import datetime
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from quizapp.bank.citations import cited_sources
from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Deck, Fact, Item, Topic
from quizapp.study import anki
from quizapp.study.cards import back
from quizapp.study.services.queue import Scope


def write_anki(deck: Deck, file: BinaryIO, now: datetime) -> int:
    """Write the deck's published flashcards as an .apkg; returns the number of cards."""
    items = db.session.scalars(
        select(Item)
        .join(Topic, Topic.id == Item.topic_id)
        .options(selectinload(Item.facts).joinedload(Fact.source), selectinload(Item.topic))
        .where(*Scope(deck).conditions)
        .order_by(Topic.position, Item.id)
    ).all()
    notes = [
        anki.Note(
            uid=item.uid,
            front=item.prompt,
            back=back(item.prompt, item.answer),
            explanation=item.explanation,
            source=cited_sources(item.facts),
            tags=(f"{deck.slug}::{item.topic.key}",),
            cloze=item.type is ItemType.CLOZE,
            text_format=item.text_format,
        )
        for item in items
    ]
    return anki.write(
        file,
        slug=deck.slug,
        title=deck.title,
        description=deck.description or "",
        notes=notes,
        timestamp=now.timestamp(),
    )
