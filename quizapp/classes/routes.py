"""Class pages: an instructor's classes and rosters; a learner's join and leave."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from quizapp.auth.forms import EmptyForm
from quizapp.classes import bp, services
from quizapp.classes.forms import ClassroomForm, JoinForm
from quizapp.extensions import db, limiter
from quizapp.models import Classroom, Enrolment, Role
from quizapp.security import instructor_required, role_required

learner_required = role_required(Role.LEARNER)


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
        classroom = services.create_classroom(form.name.data, current_user)
        db.session.commit()
        flash(
            f"Class created. Share the join code {services.display_code(classroom.join_code)}.",
            "success",
        )
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
    classroom = _own_classroom(classroom_id)
    roster = db.session.scalars(
        select(Enrolment)
        .options(selectinload(Enrolment.learner))
        .where(Enrolment.classroom_id == classroom.id)
        .order_by(Enrolment.joined_at)
    ).all()
    return render_template(
        "classes/show.html", classroom=classroom, roster=roster, form=EmptyForm()
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
def toggle_joining(classroom_id: int) -> ResponseReturnValue:
    classroom = _own_classroom(classroom_id)
    classroom.joining_open = not classroom.joining_open
    db.session.commit()
    flash(
        "Learners can join with the code." if classroom.joining_open else "Joining is closed.",
        "success",
    )
    return redirect(url_for("classes.show", classroom_id=classroom.id), 303)


def _join_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@bp.route("/join", methods=["GET", "POST"])
@login_required
@learner_required
@limiter.limit(_join_limit, methods=["POST"])
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
@login_required
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
@login_required
@learner_required
def leave(classroom_id: int) -> ResponseReturnValue:
    if not services.leave(classroom_id, current_user):
        abort(404)
    db.session.commit()
    flash("You left the class. Your own progress is kept.", "success")
    return redirect(url_for("classes.mine"), 303)
