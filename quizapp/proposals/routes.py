"""Propose facts from a source, decide each candidate, and make draft items of the accepted."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import selectinload

from quizapp.bank import proposals
from quizapp.bank.browse import page_number
from quizapp.bank.problems import Problems
from quizapp.bank.proposals import PENDING, AlreadyDecided, ProposalRefused
from quizapp.content import BankError
from quizapp.extensions import db
from quizapp.models import FactCandidate, Source
from quizapp.proposals import bp
from quizapp.proposals.forms import CandidateForm
from quizapp.sources.passages import in_context
from quizapp.web import paging
from quizapp.web.words import counted

CONTEXT_CHARS = 160  # the text shown each side of a quote: a sentence or two
KINDS = {
    "definition": "Definition",
    "number": "Number",
    "list": "List",
    "statement": "Statement",
}


@bp.post("/<int:source_id>/start")
def start(source_id: int) -> ResponseReturnValue:
    """Propose candidate facts from the source's text (again: pending ones are replaced)."""
    source = db.get_or_404(Source, source_id)
    try:
        flash(*_started_message(proposals.start(source)))
    except ProposalRefused as refused:
        flash(str(refused), "error")
    return redirect(url_for("proposals.review", source_id=source.id), 303)


def _started_message(started: proposals.Started) -> tuple[str, str]:
    kept = ""
    if started.kept:
        kept = f" The {counted(started.kept, 'candidate')} decided before stay."
    if not started.added:
        return f"No new candidate facts found in this document.{kept}", "info"
    added = counted(started.added, "candidate fact")
    return f"{added} proposed. Accept, edit or reject each one.{kept}", "success"


@bp.get("/<int:source_id>")
def review(source_id: int) -> ResponseReturnValue:
    source = db.get_or_404(Source, source_id)
    return _review_page(source, page_number(request.args.get("page")))


def _review_page(
    source: Source, page: int, failed: CandidateForm | None = None
) -> ResponseReturnValue:
    """One page of candidates, each pending one with its form; ``failed`` is the form
    whose accept was refused (400), shown with the instructor's text and the problems."""
    listed = db.paginate(
        proposals.candidates_of(source).options(
            selectinload(FactCandidate.fact), selectinload(FactCandidate.decided_by)
        ),
        page=page,
        per_page=proposals.PAGE_SIZE,
        error_out=False,
    )
    if failed is None and listed.page > 1 and listed.page > listed.pages:
        return paging.to_page(max(listed.pages, 1))
    deck = proposals.deck_of(source)
    forms = {
        candidate.id: (
            failed
            if failed is not None and failed.candidate.id == candidate.id
            else CandidateForm.shown(candidate, _topics(candidate))
        )
        for candidate in listed.items
        if candidate.status == PENDING
    }
    page_html = render_template(
        "proposals/review.html",
        source=source,
        deck=deck,
        listed=listed,
        first=(listed.page - 1) * proposals.PAGE_SIZE,
        forms=forms,
        contexts={
            c.id: in_context(source.text or "", c.quote, CONTEXT_CHARS) for c in listed.items
        },
        figures=proposals.figures(source),
        kinds=KINDS,
    )
    return page_html, 400 if failed is not None else 200


def _topics(candidate: FactCandidate) -> dict[str, str]:
    """The topics a candidate may go to: the deck's, and the one proposed for it."""
    topics = {topic.key: topic.title for topic in candidate.deck.topics}
    if candidate.topic_key not in topics:
        topics[candidate.topic_key] = f"{candidate.topic_title} (new topic)"
    return topics


@bp.post("/candidates/<int:candidate_id>/accept")
def accept(candidate_id: int) -> ResponseReturnValue:
    """Store the candidate, as proposed or as edited, as a fact with draft items."""
    candidate = db.get_or_404(FactCandidate, candidate_id)
    if candidate.status != PENDING:
        return _already_decided(candidate)
    form = CandidateForm(candidate, _topics(candidate))
    if form.validate_on_submit():
        try:
            fact = proposals.accept(candidate, form.record(), current_user)
        except Problems as refused:
            form.show_problems(refused.problems)
        except AlreadyDecided:
            return _already_decided(candidate)
        else:
            edited = " with your edits" if candidate.edited else ""
            flash(f"Accepted{edited}: the fact “{fact.key}” is saved.", "success")
            return redirect(_place(candidate), 303)
    return _review_page(candidate.source, proposals.page_of(candidate), failed=form)


@bp.post("/candidates/<int:candidate_id>/reject")
def reject(candidate_id: int) -> ResponseReturnValue:
    candidate = db.get_or_404(FactCandidate, candidate_id)
    try:
        proposals.reject(candidate, current_user)
    except AlreadyDecided:
        return _already_decided(candidate)
    flash("Rejected: it will not become a fact.", "success")
    return redirect(_place(candidate), 303)


def _already_decided(candidate: FactCandidate) -> ResponseReturnValue:
    """A second decision (another tab, a double click): the first one stands."""
    flash(f"This candidate was already {candidate.status}; that decision stands.", "info")
    return redirect(_place(candidate), 303)


def _place(candidate: FactCandidate) -> str:
    """The candidate's place in the list, so the instructor goes on from there."""
    return url_for(
        "proposals.review",
        source_id=candidate.source_id,
        page=proposals.page_of(candidate),
        _anchor=f"candidate-{candidate.id}",
    )


@bp.post("/<int:source_id>/generate")
def generate(source_id: int) -> ResponseReturnValue:
    """Make (or bring up to date) the draft items of the facts accepted from the source."""
    source = db.get_or_404(Source, source_id)
    try:
        made = proposals.generate(source, current_user)
    except BankError as error:
        problems = "; ".join(str(problem) for problem in error.problems[:3])
        flash(
            f"No items were made: the deck does not pass the bank's checks ({problems}).", "error"
        )
        return redirect(url_for("proposals.review", source_id=source.id), 303)
    if not made.facts:
        flash("Accept some candidates first: draft items are made from accepted facts.", "error")
    else:
        report = made.report
        now = ""
        if report.added or report.changed or report.retired:
            now = f" Now {report.added} new, {report.changed} updated, {report.retired} retired."
        flash(
            f"{counted(made.drafts, 'draft item')} from {counted(made.facts, 'accepted fact')} "
            f"wait in the review queue.{now} Check each one there, then publish it.",
            "success",
        )
    return redirect(url_for("proposals.review", source_id=source.id), 303)
