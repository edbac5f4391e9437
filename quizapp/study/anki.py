"""A deck's flashcards as an Anki package (.apkg), written with ``genanki``.

No Flask and no database: the caller passes the notes. Ids are derived from the
deck's slug and the items' stable ids, so importing a newer export into Anki
updates the same deck and notes instead of adding copies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import BinaryIO

import genanki

from quizapp.study.cards import Back

FIELDS = ("Front", "Back", "Explanation", "Source")

FRONT_TEMPLATE = '<div class="front">{{Front}}</div>'
BACK_TEMPLATE = (
    "{{FrontSide}}"
    '<hr id="answer">'
    '<div class="back">{{Back}}</div>'
    '<p class="explanation">{{Explanation}}</p>'
    '<p class="source">Source: {{Source}}</p>'
)
CSS = """
.card { font-family: system-ui, sans-serif; font-size: 20px; line-height: 1.5;
        max-width: 40em; margin: 0 auto; text-align: left; }
.back b { background: #fff3bf; }
.explanation, .source { font-size: 16px; color: #4a5361; }
"""


@dataclass(frozen=True)
class Note:
    """One card: ``uid`` is the bank's stable item id; texts are plain (escaped here)."""

    uid: str
    front: str
    back: Back
    explanation: str
    source: str
    tags: tuple[str, ...] = ()


def stable_id(kind: str, slug: str) -> int:
    """An id in the range genanki asks for (2**30 to 2**31), the same for a slug every time."""
    digest = hashlib.sha256(f"quizapp:{kind}:{slug}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def _back_html(back: Back) -> str:
    return f"{escape(back.before)}<b>{escape(back.answer)}</b>{escape(back.after)}"


def write(
    file: BinaryIO,
    *,
    slug: str,
    title: str,
    description: str,
    notes: Iterable[Note],
    timestamp: float,
) -> int:
    """Write the package to ``file``; returns the number of notes written."""
    model = genanki.Model(
        stable_id("model", slug),
        f"quizapp {title}",
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card", "qfmt": FRONT_TEMPLATE, "afmt": BACK_TEMPLATE}],
        css=CSS,
    )
    deck = genanki.Deck(stable_id("deck", slug), title, escape(description))
    for note in notes:
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[
                    escape(note.front),
                    _back_html(note.back),
                    escape(note.explanation),
                    escape(note.source),
                ],
                guid=genanki.guid_for(note.uid),
                tags=list(note.tags),
            )
        )
    genanki.Package(deck).write_to_file(file, timestamp=timestamp)
    return len(deck.notes)
