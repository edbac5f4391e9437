"""Class pages: an instructor's classes, each with its roster, mastery grid, learner
pages, item analysis and CSV downloads; a learner's join and leave."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from quizapp import clock
from quizapp.auth.limits import guess_limits
from quizapp.classes import bp, exports, services
from quizapp.classes import summaries as class_summaries
from quizapp.classes.access import classroom_or_404
from quizapp.classes.forms import ClassroomForm, JoinForm
from quizapp.classes.grid import all_topics, mastery_grid, sort_roster, topic_column
from quizapp.classes.items import ITEM_COLUMNS, ITEM_FILTERS, ITEM_THRESHOLDS, item_analysis
from quizapp.classes.reviews import recent_reviews, review_counts
from quizapp.classes.roster import ROSTER_COLUMNS, learner_stats, members
from quizapp.classes.selection import Learners, Sorting, all_learners, class_learners
from quizapp.extensions import db
from quizapp.models import Classroom, Enrolment, Role
from quizapp.quiz import summaries
from quizapp.security import instructor_required, role_required
from quizapp.web import paging
from quizapp.web.fields import add_error, required

learner_required = role_required(Role.LEARNER)
MAX_PAGE = 10_000  # of a learner's quiz history; past it, OFFSET would only be absurd


# A class the instructor teaches (owner or co-instructor); anyone else's is a 404.
_own_classroom = classroom_or_404


@bp.route("/", methods=["GET", "POST"])
@instructor_required
def index() -> ResponseReturnValue:
    form = ClassroomForm()
    if form.validate_on_submit():
        classroom, created = services.create_classroom(required(form.name), current_user)
        if created:
            code = services.display_code(classroom.join_code)
            flash(f"Class created. Share the join code {code}.", "success")
        return redirect(url_for("classes.show", classroom_id=classroom.id))
    taught = db.session.execute(
        services.taught_classrooms(current_user).options(selectinload(Classroom.instructor))
    ).all()
    return render_template(
        "classes/index.html",
        form=form,
        classrooms=[(room, count) for room, count in taught if not room.archived],
        archived=[(room, count) for room, count in taught if room.archived],
    ), 400 if form.errors else 200


@bp.route("/<int:classroom_id>")
@instructor_required
def show(classroom_id: int) -> str:
    """The join code, the roster with each learner's numbers, and the mastery grid:
    the members live, their numbers from the class's summary (at most
    ``SUMMARY_MAX_AGE`` old)."""
    classroom = _own_classroom(classroom_id)
    sorting = Sorting.read(request.args, _roster_sortable, "name")
    figures = class_summaries.class_figures(classroom, members(classroom.id), clock.now())
    return render_template(
        "classes/show.html",
        classroom=classroom,
        roster=sort_roster(figures.roster, figures.grid, sorting),
        grid=figures.grid,
        computed_at=figures.computed_at,
        max_age_minutes=class_summaries.SUMMARY_MAX_AGE // timedelta(minutes=1),
        sorting=sorting,
        columns=ROSTER_COLUMNS,
    )


@bp.route("/<int:classroom_id>/figures", methods=["POST"])
@instructor_required
def refresh_figures(classroom_id: int) -> ResponseReturnValue:
    """Recompute the class page's figures now; back to the page in the same order."""
    classroom = _own_classroom(classroom_id)
    class_summaries.refresh(classroom)
    flash("The figures are up to date.", "success")
    order: dict[str, Any] = {
        key: request.args[key] for key in ("sort", "dir") if key in request.args
    }
    return redirect(
        url_for("classes.show", classroom_id=classroom.id, _anchor="roster", **order), 303
    )


def _roster_sortable(key: str) -> bool:
    return key in ROSTER_COLUMNS or key == "mastered" or topic_column(key) is not None


@bp.route("/<int:classroom_id>/learners/<int:learner_id>")
@instructor_required
def learner(classroom_id: int, learner_id: int) -> ResponseReturnValue:
    """One learner of the class: numbers, topic mastery, quizzes and recent reviews.
    A learner outside the instructor's class is as good as absent (404)."""
    classroom = _own_classroom(classroom_id)
    stats = learner_stats(classroom.id, learner_id)
    if stats is None:
        abort(404)
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    attempts, more = summaries.history(learner_id, page)
    if not attempts and page > 1:
        return paging.to_page(summaries.history_pages(learner_id))
    now = clock.now()
    week, month = review_counts(learner_id, now)
    return render_template(
        "classes/learner.html",
        classroom=classroom,
        learner=stats,
        grid=mastery_grid([learner_id], now, all_topics()),
        attempts=attempts,
        page=page,
        more=more,
        reviews=recent_reviews(learner_id),
        reviews_week=week,
        reviews_month=month,
    )


@bp.route("/<int:classroom_id>/items")
@instructor_required
def items(classroom_id: int) -> str:
    classroom = _own_classroom(classroom_id)
    return _items_page(class_learners(classroom.id), classroom)


@bp.route("/items/all")
@instructor_required
def items_all() -> str:
    """Item analysis over every learner's finished quizzes, in a class or not."""
    return _items_page(all_learners(), None)


def _items_page(learners: Learners, classroom: Classroom | None) -> str:
    """``?sort=column&dir=asc|desc`` orders the questions, ``?show=flagged`` keeps
    only the flagged ones (an unknown value shows all)."""
    sorting = Sorting.read(request.args, ITEM_COLUMNS.__contains__, "facility")
    show = request.args.get("show", "all")
    show = show if show in ITEM_FILTERS else "all"
    items = item_analysis(learners, sorting)
    return render_template(
        "classes/items.html",
        classroom=classroom,
        items=[item for item in items if item.flags] if show == "flagged" else items,
        total=len(items),
        flagged=sum(1 for item in items if item.flags),
        show=show,
        filters=ITEM_FILTERS,
        sorting=sorting,
        columns=ITEM_COLUMNS,
        thresholds=ITEM_THRESHOLDS,
    )


@bp.route("/<int:classroom_id>/roster.csv")
@instructor_required
def roster_csv(classroom_id: int) -> Response:
    classroom = _own_classroom(classroom_id)
    learners = class_learners(classroom.id)
    grid = mastery_grid(learners, clock.now(), all_topics())
    out = io.StringIO()
    exports.write_roster(out, classroom, learners, grid)
    return _csv(out, exports.filename(classroom, "roster"))


@bp.route("/<int:classroom_id>/items.csv")
@instructor_required
def items_csv(classroom_id: int) -> Response:
    classroom = _own_classroom(classroom_id)
    out = io.StringIO()
    exports.write_items(out, class_learners(classroom.id))
    return _csv(out, exports.filename(classroom, "items"))


@bp.route("/items/all.csv")
@instructor_required
def items_all_csv() -> Response:
    out = io.StringIO()
    exports.write_items(out, all_learners())
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
    flash("A new join code is ready; the old one no longer works.", "success")
    return redirect(url_for("classes.show", classroom_id=classroom.id), 303)


@bp.route("/<int:classroom_id>/joining", methods=["POST"])
@instructor_required
def set_joining(classroom_id: int) -> ResponseReturnValue:
    """Open or close joining; the button says which, so a double click cannot undo it."""
    classroom = _own_classroom(classroom_id)
    services.set_joining(classroom, request.form.get("open") == "1")
    flash(
        "Learners can join with the code." if classroom.joining_open else "Joining is closed.",
        "success",
    )
    return redirect(url_for("classes.show", classroom_id=classroom.id), 303)


@bp.route("/join", methods=["GET", "POST"])
@learner_required
@guess_limits
def join() -> ResponseReturnValue:
    """Join with a code; a wrong, old or closed code gets one message (it reveals nothing)."""
    form = JoinForm()
    if form.validate_on_submit():
        classroom = services.open_classroom(required(form.code))
        if classroom is None:
            add_error(form.code, "No open class has this code. Check it with your instructor.")
        else:
            joined = services.enrol(classroom, current_user)
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
    flash("You left the class. Your own progress is kept.", "success")
    return redirect(url_for("classes.mine"), 303)
