"""Assignment pages: an instructor sets assignments for a class and follows each
learner's result; a learner starts an assignment from their home page."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from quizapp import clock
from quizapp.assignments import bp, services
from quizapp.assignments.forms import AssignmentForm
from quizapp.auth.forms import known_zones
from quizapp.classes import exports
from quizapp.classes.access import classroom_or_404
from quizapp.classes.routes import _csv
from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import Assignment, FeedbackTiming, Item, Role
from quizapp.quiz import grading, summaries
from quizapp.quiz.forms import QuickStartForm
from quizapp.quiz.services import NothingToDraw, StaleStart
from quizapp.security import instructor_required, role_required
from quizapp.web.fields import SelectChoice, required

learner_required = role_required(Role.LEARNER)
PROMPT_SHOWN = 90  # characters of a question's prompt in the picker


def _own_assignment(assignment_id: int) -> Assignment:
    """An assignment of one of the instructor's classes (404 otherwise)."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        abort(404)
    classroom_or_404(assignment.classroom_id)
    return assignment


def _choices(form: AssignmentForm) -> None:
    decks = summaries.decks_with_questions()
    form.deck.choices = [SelectChoice(deck.id, deck.title) for deck, _count in decks]
    form.topics.choices = [
        SelectChoice(topic.id, f"{topic.title} ({count})")
        for deck, _count in decks
        for topic, count in summaries.topics_with_questions(deck)
    ]
    form.questions.choices = [
        SelectChoice(item_id, f"{uid}: {prompt[:PROMPT_SHOWN]}")
        for item_id, uid, prompt in db.session.execute(
            select(Item.id, Item.uid, Item.prompt)
            .where(Item.status == Status.PUBLISHED, Item.type.in_(grading.QUESTION_TYPES))
            .order_by(Item.uid)
        )
    ]


@bp.route("/class/<int:classroom_id>", methods=["GET", "POST"])
@instructor_required
def index(classroom_id: int) -> ResponseReturnValue:
    """The class's assignments and the form to set a new one."""
    classroom = classroom_or_404(classroom_id)
    zone = services.class_zone(classroom)
    form = AssignmentForm(time_zone=zone.key)
    _choices(form)
    if form.validate_on_submit():
        plan = services.Plan(
            title=required(form.title),
            deck_id=required(form.deck),
            topic_ids=tuple(form.topics.data or ()),
            item_ids=tuple(form.questions.data or ()),
            length=required(form.length),
            opens=required(form.opens),
            closes=required(form.closes),
            zone=required(form.time_zone),
            attempts_allowed=required(form.attempts),
            feedback=FeedbackTiming(form.feedback.data),
            late_allowed=bool(form.late_allowed.data),
        )
        try:
            assignment = services.create(classroom, plan)
        except services.AssignmentError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"“{assignment.title}” is assigned to {classroom.name}.", "success")
            return redirect(url_for(".show", assignment_id=assignment.id), 303)
    return render_template(
        "assignments/index.html",
        classroom=classroom,
        zone=zone,
        assignments=services.of_class(classroom.id),
        form=form,
        zones=sorted(known_zones()),
        now=clock.now(),
    ), 400 if form.errors else 200


@bp.get("/<int:assignment_id>")
@instructor_required
def show(assignment_id: int) -> str:
    """Each member's best score, when it was submitted, and late or missing work."""
    assignment = _own_assignment(assignment_id)
    now = clock.now()
    return render_template(
        "assignments/show.html",
        assignment=assignment,
        classroom=assignment.classroom,
        zone=services.class_zone(assignment.classroom),
        results=services.results(assignment, now),
        window=services.window(assignment, now),
    )


@bp.get("/<int:assignment_id>/scores.csv")
@instructor_required
def scores_csv(assignment_id: int) -> Response:
    assignment = _own_assignment(assignment_id)
    zone = services.class_zone(assignment.classroom)
    rows = (
        [
            result.member.name,
            result.member.email,
            result.score.attempts if result.score else 0,
            exports.percent(result.score.best) if result.score else None,
            _local(result.score.submitted_at, zone) if result.score else None,
            result.status,
        ]
        for result in services.results(assignment, clock.now())
    )
    out = io.StringIO()
    exports.write_csv(
        out,
        ["Learner", "Email", "Attempts", "Best %", f"Submitted ({zone.key})", "Status"],
        rows,
    )
    slug = exports.filename(assignment.classroom, f"assignment-{assignment.id}-scores")
    return _csv(out, slug)


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.astimezone(zone) if moment else None


@bp.post("/<int:assignment_id>/start")
@learner_required
def start(assignment_id: int) -> ResponseReturnValue:
    """Start (or resume) the learner's attempt; a refusal says why on the home page."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        abort(404)
    form = QuickStartForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        attempt = services.start(assignment, current_user.id, required(form.token))
    except services.NotMember:
        abort(404)
    except (services.AssignmentError, NothingToDraw, StaleStart) as error:
        flash(str(error), "error")
        return redirect(url_for("main.home"), 303)
    return redirect(url_for("quiz.resume", attempt_id=attempt.id), 303)
