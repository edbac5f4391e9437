"""A deck's flashcards as an Anki package (.apkg), written with ``genanki``.

No Flask and no database: the caller passes the notes. Ids are derived from the
deck's slug and the items' stable ids, so importing a newer export into Anki
updates the same deck and notes instead of adding copies.

A question-and-answer card is a note of a basic note type (Front, Back,
Explanation, Source); a cloze card is a real Anki Cloze note (Text, Back Extra,
Source) whose text holds ``{{c1::…}}`` for every deletion of the item: one item
is one card that hides all its gaps (see :func:`quizapp.content.text.cloze_gaps`),
and Anki hides same-numbered deletions together on one card. Anki users can
edit it as a cloze. Item text keeps its format (see
:mod:`quizapp.content.markup`): plain text is escaped, HTML and Markdown cleaned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import BinaryIO

import genanki

from quizapp.content.markup import render
from quizapp.content.text import CLOZE_ANSWER_SEPARATOR, CLOZE_GAP
from quizapp.study.cards import Back

FIELDS = ("Front", "Back", "Explanation", "Source")
CLOZE_FIELDS = ("Text", "Back Extra", "Source")

FRONT_TEMPLATE = '<div class="front">{{Front}}</div>'
BACK_TEMPLATE = (
    "{{FrontSide}}"
    '<hr id="answer">'
    '<div class="back">{{Back}}</div>'
    '<div class="explanation">{{Explanation}}</div>'
    '<p class="source">Source: {{Source}}</p>'
)
CSS = """
.card { font-family: system-ui, sans-serif; font-size: 20px; line-height: 1.5;
        max-width: 40em; margin: 0 auto; text-align: left; }
.back b { background: #fff3bf; }
.explanation, .source { font-size: 16px; color: #4a5361; }
.cloze { font-weight: bold; color: #1d4ed8; }
"""
CLOZE_TEMPLATE = "{{cloze:Text}}"
CLOZE_BACK_TEMPLATE = (
    "{{cloze:Text}}"
    '<hr id="answer">'
    '<div class="explanation">{{Back Extra}}</div>'
    '<p class="source">Source: {{Source}}</p>'
)


@dataclass(frozen=True)
class Note:
    """One card: ``uid`` is the bank's stable item id; ``front`` and ``explanation``
    are written in ``text_format``, the rest is plain text (all made safe here).
    A cloze card's ``front`` has a gap for each deletion in its ``back.answer``."""

    uid: str
    front: str
    back: Back
    explanation: str
    source: str
    tags: tuple[str, ...] = ()
    cloze: bool = False
    text_format: str = "plain"

    def cloze_text(self) -> str:
        """The Text field: the front with every gap as ``{{c1::…}}`` (one card, all hidden).

        A card hiding several deletions stores them joined; if they do not split
        into one per gap, the whole answer fills the first gap.
        """
        text = render(self.front, self.text_format)
        gaps = text.count(CLOZE_GAP)
        deletions = self.back.answer.split(CLOZE_ANSWER_SEPARATOR)
        if len(deletions) != gaps:
            deletions = [self.back.answer]
        for deletion in deletions:
            text = text.replace(CLOZE_GAP, f"{{{{c1::{_cloze_safe(deletion)}}}}}", 1)
        return text


def _cloze_safe(text: str) -> str:
    """A deletion as Anki's cloze syntax can hold it ("::" and "}}" would end it early)."""
    return escape(text).replace("::", ":​:").replace("}}", "}​}")


def stable_id(kind: str, slug: str) -> int:
    """An id in the range genanki asks for (2**30 to 2**31), the same for a slug every time."""
    digest = hashlib.sha256(f"quizapp:{kind}:{slug}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def note_guid(note: Note) -> str:
    """The note's id in Anki, from the item's stable id: the same in every export.

    Cloze notes get their own (exports before 2026-12 wrote cloze cards as basic
    notes, and Anki skips a note whose id exists with another note type, so an
    old basic copy stays beside the new cloze note instead of blocking it)."""
    parts = (note.uid, "cloze") if note.cloze else (note.uid,)
    return str(genanki.guid_for(*parts))


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
    cloze_model = genanki.Model(
        stable_id("cloze-model", slug),
        f"quizapp {title} cloze",
        fields=[{"name": name} for name in CLOZE_FIELDS],
        templates=[{"name": "Cloze", "qfmt": CLOZE_TEMPLATE, "afmt": CLOZE_BACK_TEMPLATE}],
        css=CSS,
        model_type=genanki.Model.CLOZE,
    )
    deck = genanki.Deck(stable_id("deck", slug), title, escape(description))
    for note in notes:
        explanation = render(note.explanation, note.text_format)
        if note.cloze:
            fields = [note.cloze_text(), explanation, escape(note.source)]
        else:
            front = render(note.front, note.text_format)
            fields = [front, _back_html(note.back), explanation, escape(note.source)]
        deck.add_note(
            genanki.Note(
                model=cloze_model if note.cloze else model,
                fields=fields,
                guid=note_guid(note),
                tags=list(note.tags),
            )
        )
    genanki.Package(deck).write_to_file(file, timestamp=timestamp)
    return len(deck.notes)
