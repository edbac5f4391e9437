"""Quiz pages: choose and start a quiz, answer it question by question, see the
feedback and results, and look back over past attempts.

Every POST redirects (post-redirect-get), so reloading a page never sends an
answer again; a learner reaches only their own attempts (404 for anyone else's).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Deck, FeedbackTiming, QuizMode
from quizapp.quiz import bp, grading, services, summaries
from quizapp.quiz.forms import (
    AnswerForm,
    FinishForm,
    FlagForm,
    QuickStartForm,
    StartForm,
    answer_form,
    new_start_token,
)
from quizapp.web import paging
from quizapp.web.fields import SelectChoice, required

Page = str | tuple[str, int]
MAX_HISTORY_PAGE = 10_000


def _deck(slug: str) -> Deck:
    deck: Deck = db.first_or_404(select(Deck).where(Deck.slug == slug))
    return deck


def _own_attempt(attempt_id: int, *, lock: bool = False) -> Attempt:
    attempt = services.attempt_of(current_user.id, attempt_id, lock=lock)
    if attempt is None:
        abort(404)
    return attempt


def _own_question(
    attempt_id: int, position: int, *, lock: bool = False
) -> tuple[AttemptQuestion, services.Progress]:
    found = services.own_question(current_user.id, attempt_id, position, lock=lock)
    if found is None:
        abort(404)
    return found


def _next_url(attempt: Attempt, progress: services.Progress | None = None) -> str:
    """Where an attempt goes on: its results, or its first question still open."""
    if attempt.is_finished:
        return url_for(".results", attempt_id=attempt.id)
    progress = progress or services.progress(attempt)
    position = progress.next_position or attempt.length
    return url_for(".question", attempt_id=attempt.id, position=position)


def _begin(settings: services.Settings, token: str) -> Response:
    """Start the attempt (or find the one this form already started) and go to it.

    Raises:
        services.NothingToDraw: when no question fits the settings.
    """
    attempt = services.start_attempt(current_user.id, settings, token)
    if attempt.length < settings.length:
        flash(
            f"Only {attempt.length} questions match your choices, "
            f"so this quiz has {attempt.length} instead of {settings.length}.",
            "info",
        )
    return redirect(_next_url(attempt))


@bp.get("/")
def index() -> str:
    return render_template(
        "quiz/index.html",
        decks=[(deck, count, QuickStartForm()) for deck, count in summaries.decks_with_questions()],
        unfinished=summaries.unfinished_attempt(current_user.id),
    )


@bp.post("/<deck_slug>/quick")
def quick(deck_slug: str) -> Response:
    """One click: ten questions on every topic, with feedback after each answer."""
    deck = _deck(deck_slug)
    form = QuickStartForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        return _begin(services.Settings(deck.id), required(form.token))
    except (services.NothingToDraw, services.StaleStart) as error:
        flash(str(error), "error")
        return redirect(url_for(".index"))


@bp.route("/<deck_slug>/start", methods=["GET", "POST"])
def start(deck_slug: str) -> Page | Response:
    deck = _deck(deck_slug)
    form = StartForm()
    form.topics.choices = [
        SelectChoice(topic.id, f"{topic.title} ({count})")
        for topic, count in summaries.topics_with_questions(deck)
    ]
    if form.validate_on_submit():
        settings = services.Settings(
            deck_id=deck.id,
            topic_ids=tuple(form.topics.data or ()),
            length=required(form.length),
            mode=QuizMode(form.mode.data),
            feedback=FeedbackTiming(form.feedback.data),
        )
        try:
            return _begin(settings, required(form.token))
        except (services.NothingToDraw, services.StaleStart) as error:
            form.form_errors.append(str(error))
    if form.token.errors:
        form.token.data = new_start_token()  # the one sent cannot be used again
    status = 400 if form.errors else 200
    return render_template("quiz/start.html", deck=deck, form=form), status


@bp.get("/attempt/<int:attempt_id>")
def resume(attempt_id: int) -> Response:
    return redirect(_next_url(_own_attempt(attempt_id)))


def _answer_form(attempt_question: AttemptQuestion) -> AnswerForm:
    question = services.question_of(attempt_question)
    return answer_form(question, grading.shown_options(question, attempt_question.option_order))


def _question_page(
    attempt_question: AttemptQuestion,
    progress: services.Progress,
    *,
    form: AnswerForm | None = None,
    flag_form: FlagForm | None = None,
    status: int = 200,
) -> Page:
    """A question: its form while open, its feedback once answered (after each
    answer, or once the attempt is finished when feedback waits for the end)."""
    attempt = attempt_question.attempt
    answered = attempt_question.response is not None
    reveal = attempt.is_finished or (answered and attempt.feedback is FeedbackTiming.EACH)
    page = render_template(
        "quiz/question.html",
        attempt=attempt,
        attempt_question=attempt_question,
        content=attempt_question.item_version.content,
        form=form or _answer_form(attempt_question),
        answered=answered,
        review=summaries.reviews(attempt, [attempt_question])[0] if reveal else None,
        progress=progress,
        next_url=_next_url(attempt, progress),
        flag_form=flag_form or FlagForm(prefix="flag"),
    )
    return page, status


@bp.route("/attempt/<int:attempt_id>/<int:position>", methods=["GET", "POST"])
def question(attempt_id: int, position: int) -> Page | Response:
    attempt_question, progress = _own_question(attempt_id, position, lock=request.method == "POST")
    attempt = attempt_question.attempt
    form = _answer_form(attempt_question)
    if request.method == "POST":
        try:
            services.ensure_answerable(attempt_question)
            if form.validate_on_submit():
                services.answer(attempt_question, form.given())
                if attempt.feedback is FeedbackTiming.EACH:
                    return redirect(url_for(".question", attempt_id=attempt_id, position=position))
                return redirect(_next_url(attempt))
        except services.AlreadyAnswered as error:
            flash(str(error), "info")
            return redirect(url_for(".question", attempt_id=attempt_id, position=position))
        except services.AttemptFinished as error:
            return render_template("quiz/finished.html", attempt=attempt, message=error), 409
    return _question_page(attempt_question, progress, form=form, status=400 if form.errors else 200)


@bp.post("/attempt/<int:attempt_id>/<int:position>/flag")
def flag(attempt_id: int, position: int) -> Page | Response:
    attempt_question, progress = _own_question(attempt_id, position)
    form = FlagForm(prefix="flag")
    if not form.validate_on_submit():
        return _question_page(attempt_question, progress, flag_form=form, status=400)
    try:
        services.flag(attempt_question, current_user.id, required(form.comment))
    except services.AlreadyFlagged as error:
        flash(str(error), "info")
    else:
        flash(
            "Thank you. An instructor will look at this question; "
            "their reply will be on your home page.",
            "success",
        )
    return redirect(url_for(".question", attempt_id=attempt_id, position=position))


@bp.route("/attempt/<int:attempt_id>/finish", methods=["GET", "POST"])
def finish(attempt_id: int) -> str | Response:
    """Finish now; questions left unanswered score nothing. With any unanswered, the
    page says how many and asks first (a plain form: no script needed); with all
    answered, a POST finishes at once. Finishing twice is harmless."""
    attempt = _own_attempt(attempt_id, lock=request.method == "POST")
    if attempt.is_finished:
        return redirect(url_for(".results", attempt_id=attempt.id))
    unanswered = attempt.length - services.progress(attempt).answered
    form = FinishForm(prefix="finish")
    if request.method == "POST" and (unanswered == 0 or form.confirmed.data == "yes"):
        services.finish(attempt)
        return redirect(url_for(".results", attempt_id=attempt.id))
    return render_template(
        "quiz/finish.html",
        attempt=attempt,
        unanswered=unanswered,
        form=form,
        back_url=_next_url(attempt),
    )


@bp.get("/attempt/<int:attempt_id>/results")
def results(attempt_id: int) -> str | Response:
    attempt = _own_attempt(attempt_id)
    if not attempt.is_finished:
        return redirect(_next_url(attempt))
    return render_template(
        "quiz/results.html",
        attempt=attempt,
        topic_scores=summaries.topic_scores(attempt),
        reviews=summaries.reviews(attempt, summaries.questions_of(attempt)),
    )


@bp.get("/history")
def history() -> str | Response:
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= MAX_HISTORY_PAGE:
        abort(404)
    attempts, more = summaries.history(current_user.id, page)
    if not attempts and page > 1:
        return paging.to_page(summaries.history_pages(current_user.id))
    return render_template("quiz/history.html", attempts=attempts, page=page, more=more)
