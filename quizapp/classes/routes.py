"""Class pages: an instructor's classes, each with its roster, mastery grid, learner
pages, item analysis and CSV downloads; a learner's join and leave."""

from __future__ import annotations

import io
from datetime import datetime

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from quizapp.auth.forms import EmptyForm
from quizapp.classes import analytics, bp, exports, services
from quizapp.classes.analytics import Sorting
from quizapp.classes.forms import ClassroomForm, JoinForm
from quizapp.extensions import db, limiter
from quizapp.models import Classroom, Enrolment, Role
from quizapp.quiz import summaries
from quizapp.security import guessing_limit, instructor_required, role_required

learner_required = role_required(Role.LEARNER)
MAX_PAGE = 10_000  # of a learner's quiz history; past it, OFFSET would only be absurd


def _own_classroom(classroom_id: int) -> Classroom:
    """The instructor's own class; another instructor's is as good as absent (404)."""
    classroom = db.session.get(Classroom, classroom_id)
    if classroom is None or classroom.instructor_id != current_user.id:
        abort(404)
    return classroom


@bp.route("/", methods=["GET", "POST"])
@instructor_required
def index() -> ResponseReturnValue:
    form = ClassroomForm()
    if form.validate_on_submit():
        try:
            classroom = services.create_classroom(form.name.data, current_user)
            db.session.commit()
        except IntegrityError:  # a double click: the first click made the class
            db.session.rollback()
            classroom = services.classroom_named(form.name.data, current_user)
        else:
            code = services.display_code(classroom.join_code)
            flash(f"Class created. Share the join code {code}.", "success")
        return redirect(url_for("classes.show", classroom_id=classroom.id))
    classrooms = db.session.execute(
        select(Classroom, func.count(Enrolment.learner_id))
        .outerjoin(Enrolment)
        .where(Classroom.instructor_id == current_user.id)
        .group_by(Classroom.id)
        .order_by(Classroom.created_at.desc())
    ).all()
    return render_template(
        "classes/index.html", form=form, classrooms=classrooms
    ), 400 if form.errors else 200


@bp.route("/<int:classroom_id>")
@instructor_required
def show(classroom_id: int) -> str:
    """The join code, the roster with each learner's numbers, and the mastery grid."""
    classroom = _own_classroom(classroom_id)
    sorting = Sorting.read(request.args, _roster_sortable, "name")
    learners = analytics.class_learners(classroom.id)
    grid = analytics.mastery_grid(learners, _now(), analytics.all_topics())
    roster = analytics.sort_by_grid(
        analytics.roster(classroom.id, sorting, learners), grid, sorting
    )
    return render_template(
        "classes/show.html",
        classroom=classroom,
        roster=roster,
        grid=grid,
        sorting=sorting,
        columns=analytics.ROSTER_COLUMNS,
        form=EmptyForm(),
    )


def _now() -> datetime:
    return current_app.config["STUDY_CLOCK"]()  # type: ignore[no-any-return]


def _roster_sortable(key: str) -> bool:
    return (
        key in analytics.ROSTER_COLUMNS
        or key == "mastered"
        or analytics.topic_column(key) is not None
    )


@bp.route("/<int:classroom_id>/learners/<int:learner_id>")
@instructor_required
def learner(classroom_id: int, learner_id: int) -> str:
    """One learner of the class: numbers, topic mastery, quizzes and recent reviews.
    A learner outside the instructor's class is as good as absent (404)."""
    classroom = _own_classroom(classroom_id)
    stats = analytics.learner_stats(classroom.id, learner_id)
    if stats is None:
        abort(404)
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    attempts, more = summaries.history(learner_id, page)
    now = _now()
    week, month = analytics.review_counts(learner_id, now)
    return render_template(
        "classes/learner.html",
        classroom=classroom,
        learner=stats,
        grid=analytics.mastery_grid([learner_id], now, analytics.all_topics()),
        attempts=attempts,
        page=page,
        more=more,
        reviews=analytics.recent_reviews(learner_id),
        reviews_week=week,
        reviews_month=month,
    )


@bp.route("/<int:classroom_id>/items")
@instructor_required
def items(classroom_id: int) -> str:
    classroom = _own_classroom(classroom_id)
    return _items_page(analytics.class_learners(classroom.id), classroom)


@bp.route("/items/all")
@instructor_required
def items_all() -> str:
    """Item analysis over every learner's finished quizzes, in a class or not."""
    return _items_page(analytics.all_learners(), None)


def _items_page(learners: analytics.Learners, classroom: Classroom | None) -> str:
    sorting = Sorting.read(request.args, analytics.ITEM_COLUMNS.__contains__, "facility")
    return render_template(
        "classes/items.html",
        classroom=classroom,
        items=analytics.item_analysis(learners, sorting),
        sorting=sorting,
        columns=analytics.ITEM_COLUMNS,
        low_facility=analytics.LOW_FACILITY,
        weak_discrimination=analytics.WEAK_DISCRIMINATION,
    )


@bp.route("/<int:classroom_id>/roster.csv")
@instructor_required
def roster_csv(classroom_id: int) -> Response:
    classroom = _own_classroom(classroom_id)
    learners = analytics.class_learners(classroom.id)
    grid = analytics.mastery_grid(learners, _now(), analytics.all_topics())
    out = io.StringIO()
    exports.write_roster(out, classroom, learners, grid)
    return _csv(out, exports.filename(classroom, "roster"))


@bp.route("/<int:classroom_id>/items.csv")
@instructor_required
def items_csv(classroom_id: int) -> Response:
    classroom = _own_classroom(classroom_id)
    out = io.StringIO()
    exports.write_items(out, analytics.class_learners(classroom.id))
    return _csv(out, exports.filename(classroom, "items"))


@bp.route("/items/all.csv")
@instructor_required
def items_all_csv() -> Response:
    out = io.StringIO()
    exports.write_items(out, analytics.all_learners())
    return _csv(out, "all-learners-items.csv")


def _csv(out: io.StringIO, name: str) -> Response:
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/<int:classroom_id>/code", methods=["POST"])
@instructor_required
def regenerate_code(classroom_id: int) -> ResponseReturnValue:
    classroom = _own_classroom(classroom_id)
    services.regenerate_code(classroom)
    db.session.commit()
    flash("A new join code is ready; the old one no longer works.", "success")
    return redirect(url_for("classes.show", classroom_id=classroom.id), 303)


@bp.route("/<int:classroom_id>/joining", methods=["POST"])
@instructor_required
def set_joining(classroom_id: int) -> ResponseReturnValue:
    """Open or close joining; the button says which, so a double click cannot undo it."""
    classroom = _own_classroom(classroom_id)
    classroom.joining_open = request.form.get("open") == "1"
    db.session.commit()
    flash(
        "Learners can join with the code." if classroom.joining_open else "Joining is closed.",
        "success",
    )
    return redirect(url_for("classes.show", classroom_id=classroom.id), 303)


@bp.route("/join", methods=["GET", "POST"])
@learner_required
@limiter.limit(guessing_limit, methods=["POST"])
def join() -> ResponseReturnValue:
    """Join with a code; a wrong, old or closed code gets one message (it reveals nothing)."""
    form = JoinForm()
    if form.validate_on_submit():
        classroom = services.open_classroom(form.code.data)
        if classroom is None:
            form.code.errors.append("No open class has this code. Check it with your instructor.")
        else:
            joined = services.enrol(classroom, current_user)
            db.session.commit()
            flash(
                f"You joined {classroom.name}."
                if joined
                else f"You are already in {classroom.name}.",
                "success",
            )
            return redirect(url_for("classes.mine"))
    memberships = _memberships()
    return render_template(
        "classes/join.html", form=form, memberships=memberships
    ), 400 if form.errors else 200


@bp.route("/mine")
@learner_required
def mine() -> str:
    return render_template("classes/join.html", form=JoinForm(), memberships=_memberships())


def _memberships() -> list[Enrolment]:
    return list(
        db.session.scalars(
            select(Enrolment)
            .options(selectinload(Enrolment.classroom).selectinload(Classroom.instructor))
            .where(Enrolment.learner_id == current_user.id)
            .order_by(Enrolment.joined_at)
        )
    )


@bp.route("/<int:classroom_id>/leave", methods=["POST"])
@learner_required
def leave(classroom_id: int) -> ResponseReturnValue:
    if not services.leave(classroom_id, current_user):
        abort(404)
    db.session.commit()
    flash("You left the class. Your own progress is kept.", "success")
    return redirect(url_for("classes.mine"), 303)
