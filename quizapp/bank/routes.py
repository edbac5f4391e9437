"""The instructors' bank: browse, write and edit items, versions, status, import and export."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from quizapp.bank import authoring, bp, citations, gate, publishing, services, versions
from quizapp.bank.authoring import ItemDraft
from quizapp.bank.browse import PAGE_SIZE, Filters, items_query, open_flags, page_number
from quizapp.bank.forms import ImportForm, ItemForm, ResolveFlagForm, StatusForm
from quizapp.bank.services import DeckRows
from quizapp.bank.transfer import EXPORT_FORMATS, Defaults, export_text, read_upload, store_import
from quizapp.content import BankError, ItemType, Status
from quizapp.content.lint import Finding
from quizapp.extensions import db
from quizapp.models import Deck, Flag, Item, ItemVersion, Source, Topic
from quizapp.web import paging
from quizapp.web.fields import SelectChoice
from quizapp.web.urls import is_local_path

REVIEW_DRAFTS = 100


def _item_or_404(item_id: int) -> Item:
    return db.get_or_404(Item, item_id)


def _deck_or_404(slug: str | None) -> Deck:
    query = select(Deck).order_by(Deck.id)
    if slug:
        query = query.where(Deck.slug == slug)
    deck = db.session.scalars(query).first()
    if deck is None:
        abort(404)
    return deck


@bp.route("/")
def index() -> ResponseReturnValue:
    filters = Filters.from_args(request.args.to_dict())
    page = db.paginate(
        items_query(filters),
        page=page_number(request.args.get("page")),
        per_page=PAGE_SIZE,
        error_out=False,
        count=True,
    )
    if page.page > 1 and page.page > page.pages:
        return paging.to_page(max(page.pages, 1))
    return render_template(
        "bank/index.html",
        page=page,
        filters=filters,
        decks=db.session.scalars(select(Deck).order_by(Deck.title)).all(),
        topics=db.session.execute(
            select(Topic.key, Topic.title).distinct().order_by(Topic.title)
        ).all(),
        sources=db.session.execute(
            select(Source.key, Source.title).distinct().order_by(Source.title)
        ).all(),
        status_form=StatusForm(),
        page_args=filters.query_args(),
    )


@bp.route("/new")
def choose_type() -> str:
    deck = _deck_or_404(request.args.get("deck"))
    return render_template("bank/new.html", deck=deck, types=list(ItemType))


def _edit_page(
    form: ItemForm, deck: Deck, item: Item | None, conflict: str | None = None
) -> ResponseReturnValue:
    """The form page, with a preview of the item as a learner sees it when asked, or
    (409) the instructor's unsaved text kept in the form when someone saved first."""
    preview = form.draft().content() if form.preview.data and form.validate() else None
    page = render_template(
        "bank/edit.html",
        form=form,
        deck=deck,
        item=item,
        preview=preview,
        quotes=form.quotes(),
        conflict=conflict,
    )
    return page, 409 if conflict else 200


def _conflict(item: Item) -> str:
    return (
        f"Someone saved this item (now version {item.version}) after you opened it. "
        "Your text is kept below: compare it with the current version, then save again."
    )


@bp.route("/new/<item_type>", methods=["GET", "POST"])
def create(item_type: str) -> ResponseReturnValue:
    if item_type not in set(ItemType):
        abort(404)
    deck = _deck_or_404(request.args.get("deck"))
    form = ItemForm(ItemType(item_type), DeckRows.of(deck.id))
    if form.save.data and form.validate_on_submit():
        item = authoring.save(deck, None, form.draft(), current_user)
        db.session.flush()  # the new item's id, for the address it goes to
        flash("Saved as a draft. Publish it when it is ready for learners.", "success")
        return redirect(url_for("bank.show", item_id=item.id))
    return _edit_page(form, deck, None)


@bp.route("/items/<int:item_id>")
def show(item_id: int) -> str:
    item = _item_or_404(item_id)
    versions = db.session.scalars(
        select(ItemVersion)
        .options(selectinload(ItemVersion.created_by))
        .where(ItemVersion.item_id == item.id)
        .order_by(ItemVersion.version.desc())
    ).all()
    flags = db.session.scalars(open_flags().where(Flag.item_id == item.id)).all()
    return render_template(
        "bank/item.html",
        item=item,
        versions=versions,
        flags=flags,
        findings=gate.item_findings(item),
        quotes=citations.quotes(item.facts),
        cited=citations.cited_sources(item.facts),
        status_form=StatusForm(),
        resolve_form=ResolveFlagForm(),
    )


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
def edit(item_id: int) -> ResponseReturnValue:
    item = _item_or_404(item_id)
    drafted = item.status is Status.DRAFT
    form = ItemForm(item.type, DeckRows.of(item.deck_id), require_facts=not drafted)
    if request.method == "GET":
        current = db.session.execute(
            select(ItemVersion.content).where(
                ItemVersion.item_id == item.id, ItemVersion.version == item.version
            )
        ).scalar_one()  # an item's current version always exists
        form.fill(ItemDraft.from_content(current))
        form.base_version.data = item.version
    elif form.save.data and form.validate_on_submit():
        try:
            changed = authoring.save_edit(item, form.draft(), current_user, form.base_version.data)
        except services.EditConflict:
            return _edit_page(form, item.deck, item, conflict=_conflict(item))
        flash(f"Saved as version {item.version}." if changed else "Nothing changed.", "success")
        _flash_withdrawn(publishing.hold_to_gate(item, current_user))
        return redirect(url_for("bank.show", item_id=item.id))
    return _edit_page(form, item.deck, item)


def _version_or_404(item: Item, version: int) -> ItemVersion:
    found: ItemVersion = db.first_or_404(
        select(ItemVersion)
        .options(selectinload(ItemVersion.created_by))
        .where(ItemVersion.item_id == item.id, ItemVersion.version == version)
    )
    return found


@bp.get("/items/<int:item_id>/versions/<int:version>")
def show_version(item_id: int, version: int) -> str:
    """One version as learners would see it, compared field by field with the current
    version (``?compare=current``, the default) or the one before (``?compare=previous``)."""
    item = _item_or_404(item_id)
    shown = _version_or_404(item, version)
    return render_template(
        "bank/version.html",
        item=item,
        version=shown,
        comparison=versions.comparison(item, shown, request.args.get("compare")),
        preview=versions.shown(shown.content),
    )


@bp.route("/items/<int:item_id>/versions/<int:version>/restore", methods=["POST"])
def restore_version(item_id: int, version: int) -> ResponseReturnValue:
    item = _item_or_404(item_id)
    old = _version_or_404(item, version)
    try:
        restored = authoring.restore_version(item, old.content, current_user)
    except services.EditConflict:
        abort(409, description="Someone saved this item at the same moment. Reload and try again.")
    if restored:
        flash(f"Version {version} restored as version {item.version}.", "success")
        _flash_withdrawn(publishing.hold_to_gate(item, current_user))
    else:
        flash(f"Version {version} is already the current content.", "info")
    return redirect(url_for("bank.show", item_id=item.id))


def _flash_withdrawn(errors: list[Finding]) -> None:
    if errors:
        reasons = "; ".join(f"{finding.code}: {finding.reason}" for finding in errors)
        flash(
            f"Moved back to drafts, so learners do not meet it until it is fixed: {reasons}",
            "error",
        )


@bp.route("/status", methods=["POST"])
def set_status() -> ResponseReturnValue:
    """Change the status of one or many items; learners only ever see published ones."""
    form = StatusForm()
    back = _back_to()
    if not form.validate_on_submit() or not form.items.data:
        flash("Tick at least one item and choose a status.", "error")
        return redirect(back, 303)
    status = Status(form.status.data)
    change = publishing.set_status(form.items.data, status, current_user)
    flash(*_status_message(change, status))
    return redirect(back, 303)


def _status_message(change: publishing.StatusChange, status: Status) -> tuple[str, str]:
    """One message for a status change, whatever mix of items it was refused for."""
    refusals = []
    if change.unlinked:
        refusals.append(f"{', '.join(change.unlinked)} — {publishing.UNLINKED}")
    if change.failing:
        refusals.append(
            f"{', '.join(change.failing)} — fix the item-writing errors "
            "listed on each item's page first"
        )
    if not change.changed and not refusals:
        return "None of the ticked items exists any more: reload the page.", "error"
    done = f"{_items(change.changed)} set to {status.value}." if change.changed else ""
    if not refusals:
        return done, "success"
    return f"{done} Not published: {'; '.join(refusals)}.".strip(), "error"


def _items(count: int) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def _back_to() -> str:
    """The bank page the form came from (kept within the bank), or the browser."""
    back = request.form.get("next", "")
    return back if is_local_path(back) and back.startswith("/bank/") else url_for("bank.index")


@bp.route("/export.<fmt>")
def export(fmt: str) -> Response:
    if fmt not in EXPORT_FORMATS:
        abort(404)
    return Response(
        export_text(fmt),
        mimetype=EXPORT_FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="quizapp-bank.{fmt}"'},
    )


@bp.route("/import", methods=["GET", "POST"])
def import_file() -> ResponseReturnValue:
    """Upload a GIFT, Moodle XML or YAML/JSON file; it is refused whole or stored whole.

    When it holds questions this product cannot hold, nothing is stored until the
    instructor ticks "Import the rest"; the result page lists what was
    skipped and what could not be kept as written.
    """
    form = ImportForm()
    decks = db.session.scalars(select(Deck).order_by(Deck.title)).all()
    if not decks:
        abort(404)
    deck = next((d for d in decks if d.slug == form.deck.data), decks[0])
    topics = db.session.scalars(
        select(Topic).where(Topic.deck_id == deck.id).order_by(Topic.position, Topic.id)
    ).all()
    form.deck.choices = [SelectChoice(d.slug, d.title) for d in decks]
    form.topic.choices = [SelectChoice(t.key, t.title) for t in topics]
    problems: list[str] = []
    skipped: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        filename = upload.filename or "upload"
        try:
            text = upload.read().decode("utf-8-sig")
            checked = read_upload(text, filename, deck, Defaults.of(deck, form.topic.data))
            if checked.skipped and not form.import_rest.data:
                skipped = [str(problem) for problem in checked.skipped]
            else:
                report = store_import(deck, checked, current_user)
                return render_template("bank/import.html", form=form, report=report)
        except UnicodeDecodeError:
            problems = [f"{filename}: is not UTF-8 text"]
        except BankError as error:
            problems = [str(problem) for problem in error.problems]
    status = 400 if problems or form.errors else 200
    page = render_template("bank/import.html", form=form, problems=problems, skipped=skipped)
    return page, status


@bp.route("/review")
def review() -> str:
    """The review queue: open flags from learners, then drafts waiting to be published:
    first those with a review note (a fact they come from changed), each draft with
    the quality gate's findings, so an instructor sees what to fix before publishing."""
    flags = db.session.scalars(open_flags()).all()
    drafts = db.session.scalars(
        items_query(Filters(status=Status.DRAFT.value))
        .options(selectinload(Item.facts))
        .order_by(None)
        .order_by(Item.review_note.is_(None), Item.updated_at.desc(), Item.id.desc())
        .limit(REVIEW_DRAFTS)
    ).all()
    contexts = {slug: gate.context_for(slug) for slug in {item.deck.slug for item in drafts}}
    draft_count = db.session.scalar(
        select(func.count()).select_from(Item).where(Item.status == Status.DRAFT)
    )
    return render_template(
        "bank/review.html",
        flags=flags,
        drafts=[(item, gate.item_findings(item, contexts[item.deck.slug])) for item in drafts],
        draft_count=draft_count,
        resolve_form=ResolveFlagForm(),
        status_form=StatusForm(),
    )


@bp.route("/flags/<int:flag_id>/resolve", methods=["POST"])
def resolve_flag(flag_id: int) -> ResponseReturnValue:
    flag = db.get_or_404(Flag, flag_id)
    form = ResolveFlagForm()
    if not form.validate_on_submit():
        flash(" ".join(form.resolution.errors), "error")
        return redirect(url_for("bank.review"), 303)
    if services.resolve_flag(flag.id, current_user, form.resolution.data or ""):
        flash("Report resolved.", "success")
    else:
        flash("That report was already resolved.", "info")
    return redirect(url_for("bank.review"), 303)
