"""Source documents stored in the app: adding, editing (every change kept as a
:class:`SourceVersion`), and where the deck's facts quote them.

A source's text is what its facts' quotes are checked against, so an edit
that would leave a quote (of a fact, or of a decision) without its passage
is refused: a learner can never see a citation whose document does not say
what the item claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from quizapp.bank.problems import Problems
from quizapp.bank.services import EditConflict, add_source_version
from quizapp.content.text import kebab, unix_lines
from quizapp.extensions import db
from quizapp.models import Deck, Fact, Source, User
from quizapp.models.content import WEB_ORIGIN

# Column lengths of :class:`Source`, said as limits in the form's words.
LIMITS = {"title": 300, "author": 300, "publisher": 300, "address": 500, "seed": 200}
KEY_LENGTH = 40  # a key is derived from the title: short enough to read in a file name


class SourceProblems(Problems):
    """Why a source was refused: form field name -> messages."""


@dataclass(frozen=True)
class QuoteSpan:
    """A passage of a source's text (``text[start:end]``) and the facts quoting it.

    Spans do not overlap: where two quotes overlap, the shared part is a span
    of its own with both facts, so a page can highlight each part once.
    """

    start: int
    end: int
    facts: tuple[Fact, ...]


def add_source(
    deck: Deck,
    *,
    title: str,
    text: str,
    seed: str | None = None,
    author: str | None = None,
    publisher: str | None = None,
    address: str | None = None,
    published: date | None = None,
    editor: User,
) -> Source:
    """A new source with its document text, as version 1.

    Its key comes from the title (``leaflet-on-low-white-count``), made unique in
    the deck; ``seed`` is the uploaded file's name, if any. Line endings become
    ``\\n``, as the quotes selected in the browser have them.

    Raises:
        SourceProblems: a required field is empty or a field is too long.
    """
    fields = _fields(title=title, author=author, publisher=publisher, address=address, seed=seed)
    text = unix_lines(text)
    problems = _problems(fields)
    if not text.strip():
        problems.setdefault("text", []).append("Add the document's text.")
    if problems:
        raise SourceProblems(problems)
    values = fields | {"seed": fields["seed"] or "", "published": published, "text": text}
    base = _key(fields["title"])
    taken = set(db.session.scalars(select(Source.key).where(Source.deck_id == deck.id)))
    while True:
        source = Source(
            deck_id=deck.id,
            key=_unique(base, taken),
            version=1,
            origin=WEB_ORIGIN,
            updated_by=editor,
            **values,
        )
        try:
            with db.session.begin_nested():  # another instructor may take the key meanwhile
                db.session.add(source)
        except IntegrityError:
            if not _key_taken(deck, source.key):
                raise
            taken.add(source.key)
            continue
        add_source_version(source, editor)
        db.session.flush()
        return source


def edit_source(
    source: Source,
    *,
    title: str,
    text: str | None,
    author: str | None = None,
    publisher: str | None = None,
    address: str | None = None,
    published: date | None = None,
    note: str | None = None,
    base_version: int,
    editor: User,
) -> Source:
    """Change a source, keeping the new state as its next :class:`SourceVersion`.

    ``text`` None (or empty) keeps a bundled source without a document; a
    source that has text keeps some. An edit that changes nothing stores nothing.

    Raises:
        SourceProblems: a field is refused, or the new text drops a passage a
            fact (or a decision) of the deck quotes.
        services.EditConflict: the source changed since ``base_version`` was shown.
    """
    # The row lock orders this edit with a fact save quoting the source
    # (facts.save_fact takes it too), so the quotes checked below are all there.
    db.session.execute(
        select(Source)
        .where(Source.id == source.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if base_version != source.version:
        raise EditConflict
    fields = _fields(title=title, author=author, publisher=publisher, address=address)
    new_text = unix_lines(text) if text and text.strip() else None
    problems = _problems(fields)
    if new_text is None and source.text is not None:
        problems.setdefault("text", []).append("Keep the document's text.")
    if new_text is not None:
        problems.update(_dropped_quotes(source, new_text))
    if problems:
        raise SourceProblems(problems)
    values: dict[str, Any] = fields | {"published": published, "note": note or None}
    values["text"] = new_text
    if all(getattr(source, name) == value for name, value in values.items()):
        return source
    changed = db.session.execute(
        update(Source)
        .where(Source.id == source.id, Source.version == base_version)
        .values(version=Source.version + 1, origin=WEB_ORIGIN, updated_by_id=editor.id, **values)
        .execution_options(synchronize_session=False)
    )
    if not changed.rowcount:  # type: ignore[attr-defined]  # saved by someone else meanwhile
        raise EditConflict
    db.session.refresh(source)
    add_source_version(source, editor)
    db.session.flush()
    return source


def quote_spans(source: Source) -> list[QuoteSpan]:
    """The passages of the source's text that its active facts quote, in order
    (each quote at its first place in the text)."""
    if not source.text:
        return []
    facts = db.session.scalars(
        select(Fact)
        .where(Fact.source_id == source.id, Fact.retired_at.is_(None))
        .order_by(Fact.key)
    ).all()
    quoted = []
    for fact in facts:
        start = source.text.find(fact.quote) if fact.quote else -1
        if start >= 0:
            quoted.append((start, start + len(fact.quote), fact))
    bounds = sorted({point for start, end, _ in quoted for point in (start, end)})
    spans = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        covering = tuple(fact for first, last, fact in quoted if first <= start and end <= last)
        if covering:
            spans.append(QuoteSpan(start, end, covering))
    return spans


def _fields(**values: str | None) -> dict[str, Any]:
    """Texts as stored: trimmed, and None when empty."""
    return {name: (value or "").strip() or None for name, value in values.items()}


def _problems(fields: dict[str, Any]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not fields["title"]:
        problems["title"] = ["Give the document's title (or a short description of it)."]
    for name, value in fields.items():
        if value is not None and len(value) > LIMITS[name]:
            problems.setdefault(name, []).append(
                f"Keep this to {LIMITS[name]} characters or fewer."
            )
    return problems


def _key(title: str) -> str:
    """A kebab-case key from a title: ``"Leaflet: Low WBC"`` -> ``leaflet-low-wbc``."""
    return kebab(title, "source", length=KEY_LENGTH)


def _key_taken(deck: Deck, key: str) -> bool:
    query = select(Source.id).where(Source.deck_id == deck.id, Source.key == key)
    return db.session.scalar(query) is not None


def _unique(base: str, taken: set[str]) -> str:
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def _dropped_quotes(source: Source, text: str) -> dict[str, list[str]]:
    """A problem for each active fact or decision of the deck whose quote of this
    source is not in ``text``."""
    facts = db.session.scalars(
        select(Fact)
        .where(Fact.source_id == source.id, Fact.retired_at.is_(None))
        .order_by(Fact.key)
    ).all()
    messages = [
        f"The fact '{fact.key}' quotes \"{fact.quote}\", which this text no longer has. "
        "Edit or retire that fact first."
        for fact in facts
        if fact.quote not in text
    ]
    deck = db.session.get_one(Deck, source.deck_id)
    messages += [
        f'A decision of the deck quotes "{entry["quote"]}", which this text no longer has.'
        for entry in (deck.extras or {}).get("decisions", ())
        if entry.get("source") == source.key and entry.get("quote") not in text
    ]
    return {"text": messages} if messages else {}
