"""Pages for decks, their source documents and their facts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.exceptions import RequestEntityTooLarge

from quizapp.bank import decks as deck_service
from quizapp.bank import facts as fact_service
from quizapp.bank import services
from quizapp.bank import sources as source_service
from quizapp.bank.browse import page_number
from quizapp.content import Status
from quizapp.content.documents import DocumentError, extract_text
from quizapp.extensions import db
from quizapp.models import Deck, Fact, Item, Source, SourceVersion, Topic
from quizapp.models.content import item_fact
from quizapp.sources import bp
from quizapp.sources.forms import (
    ConfirmForm,
    DeckForm,
    FactForm,
    SourceForm,
    TopicForm,
    key_of,
    show_problems,
)
from quizapp.sources.passages import in_context, passages
from quizapp.web.fields import add_error, required
from quizapp.web.inbound import takes_documents
from quizapp.web.words import counted

FACTS_PER_PAGE = 100


def _deck_or_404(slug: str) -> Deck:
    deck: Deck = db.first_or_404(select(Deck).where(Deck.slug == slug))
    return deck


def _deck_of(row: Source | Fact) -> Deck:
    return db.session.get_one(Deck, row.deck_id)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> ResponseReturnValue:
    """An upload over the site's limit: say so plainly, with the way back."""
    limit = (request.max_content_length or 0) // (1024 * 1024)  # whole megabytes
    return render_template("sources/too_large.html", limit=f"{limit} MB"), 413


# Decks ---------------------------------------------------------------------------------


@bp.get("/decks")
def deck_list() -> str:
    """Every deck with how much it holds: sources, active facts, items by status."""
    decks = db.session.scalars(select(Deck).order_by(Deck.title)).all()
    sources = _counts(select(Source.deck_id, func.count()).group_by(Source.deck_id))
    facts = _counts(
        select(Fact.deck_id, func.count()).where(Fact.retired_at.is_(None)).group_by(Fact.deck_id)
    )
    items: dict[int, Counter[str]] = {}
    for deck_id, status, count in db.session.execute(
        select(Item.deck_id, Item.status, func.count()).group_by(Item.deck_id, Item.status)
    ):
        items.setdefault(deck_id, Counter())[status.value] = count
    return render_template(
        "sources/decks.html", decks=decks, sources=sources, facts=facts, items=items
    )


def _counts(query: Select[int, int]) -> Counter[int]:
    """``id -> count`` rows as a Counter, which answers 0 for an id with none."""
    return Counter({key: count for key, count in db.session.execute(query)})


@bp.route("/decks/new", methods=["GET", "POST"])
def new_deck() -> ResponseReturnValue:
    form = DeckForm()
    if form.validate_on_submit():
        try:
            deck = deck_service.create_deck(
                form.slug_or_title(),
                required(form.title),
                (form.description.data or "").strip() or None,
                current_user,
            )
        except deck_service.DeckProblems as problems:
            show_problems(form, problems.problems)
        else:
            flash(f"Deck “{deck.title}” created. Add its topics and a first source.", "success")
            return redirect(url_for("sources.deck", deck=deck.slug))
    return render_template("sources/new_deck.html", form=form), 400 if form.errors else 200


@bp.get("/decks/<deck>")
def deck(deck: str) -> str:
    """A deck's topics and source documents."""
    shown = _deck_or_404(deck)
    return _deck_page(shown, TopicForm(formdata=None))


def _deck_page(deck: Deck, topic_form: TopicForm) -> str:
    sources = db.session.scalars(
        select(Source)
        .options(selectinload(Source.updated_by))
        .where(Source.deck_id == deck.id)
        .order_by(Source.title)
    ).all()
    fact_counts = _counts(
        select(Fact.source_id, func.count())
        .where(Fact.deck_id == deck.id, Fact.retired_at.is_(None))
        .group_by(Fact.source_id)
    )
    return render_template(
        "sources/deck.html",
        deck=deck,
        sources=sources,
        fact_counts=fact_counts,
        topic_form=topic_form,
    )


@bp.post("/decks/<deck>/topics")
def add_topic(deck: str) -> ResponseReturnValue:
    shown = _deck_or_404(deck)
    form = TopicForm()
    if form.validate_on_submit():
        title = required(form.title).strip()
        try:
            deck_service.add_topic(shown, key_of(title, "topic"), title)
        except deck_service.DeckProblems as problems:
            show_problems(form, problems.problems, {"key": "title"})
        else:
            flash(f"Topic “{title}” is part of the deck.", "success")
            return redirect(url_for("sources.deck", deck=shown.slug), 303)
    return _deck_page(shown, form), 400


# Sources -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """What the source form gave: the text, and a title from the file when it has one."""

    text: str
    title: str | None
    filename: str | None


def _document(form: SourceForm) -> Document | None:
    """The uploaded file's text (it replaces any pasted text) or the pasted text; None,
    with the reason at the file field, when the file cannot be used."""
    upload = form.file.data
    if not (upload and upload.filename):
        return Document(form.text.data or "", None, None)
    try:
        document = extract_text(upload.read(), upload.filename)
    except DocumentError as error:
        add_error(form.file, error.message)
        return None
    form.text.data = document.text
    if document.title and not (form.title.data or "").strip():
        form.title.data = document.title
    return Document(document.text, document.title, upload.filename)


@bp.route("/decks/<deck>/sources/new", methods=["GET", "POST"])
@takes_documents
def new_source(deck: str) -> ResponseReturnValue:
    shown = _deck_or_404(deck)
    form = SourceForm()
    if form.validate_on_submit() and (document := _document(form)):
        try:
            source = source_service.add_source(
                shown,
                title=form.title.data or "",
                text=document.text,
                seed=document.filename,
                editor=current_user,
                **form.citation(),
            )
        except source_service.SourceProblems as problems:
            show_problems(form, problems.problems)
        else:
            flash("Source saved. Select a passage of it to write a fact.", "success")
            return redirect(url_for("sources.source", source_id=source.id))
    page = render_template("sources/source_form.html", form=form, deck=shown, source=None)
    return page, 400 if form.errors else 200


@bp.get("/sources/<int:source_id>")
def source(source_id: int) -> str:
    """The document with every passage a fact quotes highlighted, its facts and versions."""
    shown = db.get_or_404(Source, source_id)
    spans = source_service.quote_spans(shown) if shown.text else []
    facts = db.session.scalars(
        select(Fact)
        .options(joinedload(Fact.topic))
        .where(Fact.source_id == shown.id)
        .order_by(Fact.retired_at.is_not(None), Fact.key)
    ).all()
    versions = db.session.scalars(
        select(SourceVersion)
        .options(selectinload(SourceVersion.created_by))
        .where(SourceVersion.source_id == shown.id)
        .order_by(SourceVersion.version.desc())
    ).all()
    return render_template(
        "sources/source.html",
        source=shown,
        deck=_deck_of(shown),
        passages=passages(shown.text or "", spans),
        facts=facts,
        versions=versions,
    )


@bp.route("/sources/<int:source_id>/edit", methods=["GET", "POST"])
@takes_documents
def edit_source(source_id: int) -> ResponseReturnValue:
    """A new version of the source; refused when the text would lose a fact's quote."""
    shown = db.get_or_404(Source, source_id)
    deck = _deck_of(shown)
    form = SourceForm(obj=shown if request.method == "GET" else None)
    if request.method == "GET":
        form.base_version.data = shown.version
    conflict = None
    if form.validate_on_submit() and (document := _document(form)):
        try:
            source_service.edit_source(
                shown,
                title=form.title.data or "",
                text=document.text,
                note=(form.note.data or "").strip() or None,
                base_version=form.base_version.data or shown.version,
                editor=current_user,
                **form.citation(),
            )
        except source_service.SourceProblems as problems:
            show_problems(form, problems.problems)
        except services.EditConflict:
            conflict = (
                f"Someone saved this source (now version {shown.version}) after you opened it. "
                "Your text is kept below: compare it with the current version, then save again."
            )
        else:
            flash(f"Saved. The source is at version {shown.version}.", "success")
            return redirect(url_for("sources.source", source_id=shown.id))
    page = render_template(
        "sources/source_form.html", form=form, deck=deck, source=shown, conflict=conflict
    )
    return page, 409 if conflict else 400 if form.errors else 200


# Facts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactFilters:
    deck: str = ""
    topic: str = ""
    source: int | None = None
    retired: bool = False

    @classmethod
    def from_args(cls) -> FactFilters:
        source = request.args.get("source", "")
        return cls(
            deck=request.args.get("deck", "")[:64],
            topic=request.args.get("topic", "")[:64],
            source=int(source) if source.isdigit() and len(source) < 10 else None,
            retired=request.args.get("retired") == "1",
        )

    def query(self) -> Select[Fact]:
        query = (
            select(Fact)
            .join(Topic, Topic.id == Fact.topic_id)
            .options(joinedload(Fact.topic), joinedload(Fact.source))
            .order_by(Topic.position, Fact.key)
        )
        if self.deck:
            query = query.join(Deck, Deck.id == Fact.deck_id).where(Deck.slug == self.deck)
        if self.topic:
            query = query.where(Topic.key == self.topic)
        if self.source is not None:
            query = query.where(Fact.source_id == self.source)
        if not self.retired:
            query = query.where(Fact.retired_at.is_(None))
        return query

    def args(self) -> dict[str, str]:
        values = {
            "deck": self.deck,
            "topic": self.topic,
            "source": "" if self.source is None else str(self.source),
            "retired": "1" if self.retired else "",
        }
        return {key: value for key, value in values.items() if value}


@bp.get("/facts")
def fact_list() -> str:
    filters = FactFilters.from_args()
    page = db.paginate(
        filters.query(),
        page=page_number(request.args.get("page")),
        per_page=FACTS_PER_PAGE,
        error_out=False,
    )
    deck_id = db.session.scalar(select(Deck.id).where(Deck.slug == filters.deck))
    topics = select(Topic.key, Topic.title).distinct().order_by(Topic.title)
    sources = select(Source.id, Source.title).order_by(Source.title)
    if deck_id:
        topics = topics.where(Topic.deck_id == deck_id)
        sources = sources.where(Source.deck_id == deck_id)
    return render_template(
        "sources/facts.html",
        page=page,
        filters=filters,
        decks=db.session.scalars(select(Deck).order_by(Deck.title)).all(),
        topics=db.session.execute(topics).all(),
        sources=db.session.execute(sources).all(),
    )


def _fact_form(deck: Deck) -> FactForm:
    return FactForm(
        {topic.key: topic.title for topic in deck.topics}, deck.extras.get("relations", {})
    )


def _fact_page(
    form: FactForm, source: Source, fact: Fact | None, conflict: str | None = None
) -> ResponseReturnValue:
    page = render_template(
        "sources/fact_form.html",
        form=form,
        source=source,
        deck=_deck_of(source),
        fact=fact,
        passages=passages(source.text or "", source_service.quote_spans(source))
        if source.text
        else [],
        conflict=conflict,
    )
    return page, 409 if conflict else 400 if form.errors else 200


@bp.route("/sources/<int:source_id>/facts/new", methods=["GET", "POST"])
def new_fact(source_id: int) -> ResponseReturnValue:
    """A fact from a passage of this document, and the items to make from it."""
    source = db.get_or_404(Source, source_id)
    form = _fact_form(_deck_of(source))
    if form.validate_on_submit():
        return _save_fact(form, source, None)
    return _fact_page(form, source, None)


def _save_fact(form: FactForm, source: Source, fact: Fact | None) -> ResponseReturnValue:
    deck = _deck_of(source)
    if new_topic := (form.new_topic.data or "").strip():
        try:
            deck_service.add_topic(deck, form.topic_key(), new_topic)
        except deck_service.DeckProblems as problems:
            show_problems(form, problems.problems, {"key": "new_topic", "title": "new_topic"})
            return _fact_page(form, source, fact)
    _declare_list(deck, form)
    before = _items_of(fact)
    try:
        saved = fact_service.save_fact(
            deck,
            fact,
            form.record(source.key, fact.record if fact else None),
            current_user,
            base_version=form.base_version.data,
        )
    except fact_service.FactProblems as problems:
        form.show_problems(problems.problems)
        return _fact_page(form, source, fact)
    except services.EditConflict:
        assert fact is not None  # only an edit can conflict
        return _fact_page(
            form,
            source,
            fact,
            conflict=f"Someone saved this fact (now version {fact.version}) after you opened "
            "it. Your text is kept below: compare it with the current fact, then save again.",
        )
    flash(f"Fact saved. {_changes(before, _items_of(saved))}", "success")
    return redirect(url_for("sources.fact", fact_id=saved.id))


def _declare_list(deck: Deck, form: FactForm) -> None:
    """A list fact names a relation (deck.yaml) and a kind of member (a pools.yaml
    pool of wrong answers): add to the deck the ones it does not have yet."""
    block = form.record("").get("list")
    if not block:
        return
    deck_service.declare_list(deck, block["relation"], block["member_type"], form.new_relation())


def _items_of(fact: Fact | None) -> dict[int, tuple[int, Status]]:
    """The fact's items as (version, status) by id: compared before and after a save
    to tell the instructor what the save did to them."""
    if fact is None:
        return {}
    db.session.flush()
    rows = db.session.execute(
        select(Item.id, Item.version, Item.status)
        .join(item_fact, item_fact.c.item_id == Item.id)
        .where(item_fact.c.fact_id == fact.id)
    )
    return {item_id: (version, status) for item_id, version, status in rows}


def _changes(before: dict[int, tuple[int, Status]], after: dict[int, tuple[int, Status]]) -> str:
    """What a save did to the fact's items, in words: "3 draft items made; 2 items
    back to drafts for review."."""
    counts: Counter[str] = Counter()
    for item, (version, status) in after.items():
        if item not in before:
            counts["made"] += 1
            continue
        old_version, old_status = before[item]
        if status is Status.RETIRED and old_status is not Status.RETIRED:
            counts["retired"] += 1
        elif old_status is Status.PUBLISHED and status is Status.DRAFT:
            counts["back"] += 1
        elif version > old_version:
            counts["rewritten"] += 1
    said = "; ".join(
        counted(counts[change], one, many)
        for change, one, many in (
            ("made", "draft item made", "draft items made"),
            ("rewritten", "draft item rewritten", "draft items rewritten"),
            ("back", "item back to drafts for review", "items back to drafts for review"),
            ("retired", "item retired", "items retired"),
        )
        if counts[change]
    )
    return f"{said}." if said else "Its items did not change."


@bp.get("/facts/<int:fact_id>")
def fact(fact_id: int) -> str:
    """The fact, its quote in the document, the items made from it."""
    shown = db.get_or_404(Fact, fact_id)
    items = db.session.scalars(
        select(Item)
        .join(item_fact, item_fact.c.item_id == Item.id)
        .where(item_fact.c.fact_id == shown.id)
        .order_by(Item.status, Item.uid)
    ).all()
    return render_template(
        "sources/fact.html",
        fact=shown,
        deck=_deck_of(shown),
        context=in_context(shown.source.text or "", shown.quote),
        items=items,
    )


@bp.route("/facts/<int:fact_id>/edit", methods=["GET", "POST"])
def edit_fact(fact_id: int) -> ResponseReturnValue:
    shown = db.get_or_404(Fact, fact_id)
    if shown.retired_at is not None:
        flash("This fact is retired: it can no longer be edited.", "error")
        return redirect(url_for("sources.fact", fact_id=shown.id))
    form = _fact_form(_deck_of(shown))
    if request.method == "GET":
        form.fill(shown.record, {topic.key: topic.title for topic in _deck_of(shown).topics})
        form.base_version.data = shown.version
    elif form.validate_on_submit():
        return _save_fact(form, shown.source, shown)
    return _fact_page(form, shown.source, shown)


@bp.route("/facts/<int:fact_id>/retire", methods=["GET", "POST"])
def retire_fact(fact_id: int) -> ResponseReturnValue:
    """Ask first; retiring takes the fact's generated items away from learners."""
    shown = db.get_or_404(Fact, fact_id)
    form = ConfirmForm()
    if shown.retired_at is None and form.validate_on_submit():
        before = _items_of(shown)
        try:
            fact_service.retire_fact(shown, current_user)
        except fact_service.FactProblems as problems:
            show_problems(form, problems.problems)
            return render_template("sources/retire.html", fact=shown, form=form), 400
        except services.EditConflict:  # retired (or edited) at the same moment elsewhere
            flash("Someone else changed or retired this fact just now: see it as it is.", "error")
            return redirect(url_for("sources.fact", fact_id=shown.id), 303)
        flash(f"Fact retired. {_changes(before, _items_of(shown))}", "success")
        return redirect(url_for("sources.fact", fact_id=shown.id), 303)
    return render_template("sources/retire.html", fact=shown, form=form)
