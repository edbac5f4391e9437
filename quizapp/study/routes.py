"""The deck list, the study page (show, reveal, rate, undo), settings and the .apkg download.

Every page works with plain forms; ``static/js/study.js`` only adds the keyboard.
"""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from fsrs import Rating
from werkzeug.wrappers import Response

from quizapp import clock
from quizapp.study import bp, scheduling, services
from quizapp.study.cards import back
from quizapp.study.forms import MAX_ID, RatingForm, SettingsForm, UndoForm
from quizapp.study.services import parameters
from quizapp.web.fields import required

ALREADY_RATED = (
    "You had already rated that card (a double click, or another tab): "
    "your rating was recorded once."
)
NOTHING_TO_UNDO = (
    "There was nothing to undo: that rating was already undone, or a newer one exists."
)


def _scope(deck: str, topic: str | None) -> services.Scope:
    scope = services.find_scope(deck, topic)
    if scope is None:
        abort(404)
    return scope


def _session_url(scope: services.Scope, card: int | None = None) -> str:
    """The study page of the scope; ``card`` asks it to show that card first."""
    topic = scope.topic.key if scope.topic else None
    return url_for(".session", deck=scope.deck.slug, topic=topic, card=card)


def _number_arg(name: str) -> int | None:
    """A positive id from the query string; anything else counts as absent."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def _when(due: datetime | None, now: datetime, zone: ZoneInfo) -> str | None:
    """'tomorrow at 09:05 (in 19 h)': when the next card comes, in the learner's time."""
    if due is None:
        return None
    return f"{scheduling.describe_due(due, now, zone)} (in {scheduling.humanise(due - now)})"


@bp.route("/")
def index() -> str:
    now = clock.now()
    settings = services.settings_for(current_user.id)
    new_left = services.new_left_today(current_user.id, settings, now)
    return render_template(
        "study/index.html",
        decks=services.overview(current_user.id, now, new_left),
        settings=settings,
        new_left=new_left,
    )


@bp.route("/decks/<deck>", defaults={"topic": None})
@bp.route("/decks/<deck>/topics/<topic>")
def session(deck: str, topic: str | None) -> str:
    """The next card's front; with ``?card=ID&answer=1`` (the "Show answer" button
    without JavaScript) that card's back and the rating buttons too."""
    scope = _scope(deck, topic)
    now = clock.now()
    chosen = _number_arg("card")
    queue = services.queue(current_user.id, scope, now, chosen=chosen)
    card = queue.card
    revealed = card is not None and card.item.id == chosen and request.args.get("answer") == "1"
    shown_at = request.args.get("shown", type=int) if revealed else None
    form = None
    if card is not None:
        form = RatingForm(
            item_id=card.item.id,
            token=card.token,
            shown_at=shown_at or scheduling.epoch_ms(now),
        )
    return render_template(
        "study/session.html",
        scope=scope,
        queue=queue,
        card=card,
        back=back(card.item.prompt, card.item.answer) if card else None,
        revealed=revealed,
        form=form,
        intervals={rating: scheduling.humanise(delta) for rating, delta in queue.intervals.items()},
        ratings=list(Rating),
        next_due=_when(queue.next_due, now, queue.zone),
    )


@bp.route("/decks/<deck>/review", methods=["POST"], defaults={"topic": None})
@bp.route("/decks/<deck>/topics/<topic>/review", methods=["POST"])
def review(deck: str, topic: str | None) -> Response:
    """Record a rating; the card must be of the page's deck (and topic), which the
    statement reading the card checks, so no query looks the deck up first.
    A bad form on a deck that does not exist is still a 404, like every other page."""
    form = RatingForm()
    if not form.validate_on_submit():
        _scope(deck, topic)
        abort(400)
    now = clock.now()
    try:
        outcome = services.rate(
            current_user.id,
            services.CardPlace(required(form.item_id), deck, topic),
            required(form.token),
            Rating(required(form.rating)),
            now,
            duration_ms=scheduling.duration_ms(form.shown_at.data, now),
        )
    except services.NotACard:
        abort(404)
    if outcome is services.Outcome.ALREADY_RATED:
        flash(ALREADY_RATED, "info")
    return redirect(url_for(".session", deck=deck, topic=topic), code=303)


@bp.route("/decks/<deck>/undo", methods=["POST"], defaults={"topic": None})
@bp.route("/decks/<deck>/topics/<topic>/undo", methods=["POST"])
def undo(deck: str, topic: str | None) -> Response:
    scope = _scope(deck, topic)
    form = UndoForm()
    if not form.validate_on_submit():
        abort(400)
    item_id = services.undo(current_user.id, required(form.review_id))
    if item_id is None:
        flash(NOTHING_TO_UNDO, "info")
        return redirect(_session_url(scope), code=303)
    flash("Your last rating was undone.", "success")
    return redirect(_session_url(scope, card=item_id), code=303)


@bp.route("/settings", methods=["GET", "POST"])
def settings() -> str | Response | tuple[str, int]:
    form = SettingsForm(
        obj=services.settings_for(current_user.id), time_zone=current_user.time_zone
    )
    if form.validate_on_submit():
        services.save_settings(
            current_user.id,
            desired_retention=required(form.desired_retention),
            new_per_day=required(form.new_per_day),
            time_zone=form.time_zone.data,
        )
        flash("Your study settings are saved.", "success")
        return redirect(url_for(".index"), code=303)
    return render_template(
        "study/settings.html", form=form, schedules=parameters.schedules(current_user.id)
    ), 400 if form.errors else 200


@bp.route("/decks/<deck>/export.apkg")
def export_anki(deck: str) -> Response:
    """The deck's flashcards for Anki: a learner can take them anywhere."""
    scope = _scope(deck, None)
    package = io.BytesIO()
    services.write_anki(scope.deck, package, clock.now())
    package.seek(0)
    return send_file(
        package,
        mimetype="application/apkg",
        as_attachment=True,
        download_name=f"{scope.deck.slug}.apkg",
    )
