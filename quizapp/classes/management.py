"""Running a class: rename, archive and restore, co-instructors, removing a learner,
and sharing it by a join link and a printable join sheet with a QR code."""

from __future__ import annotations

import segno
from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from quizapp.classes import bp, services
from quizapp.classes.access import classroom_or_404, owned_classroom_or_403
from quizapp.classes.forms import CoInstructorForm, JoinForm, RenameForm
from quizapp.extensions import db
from quizapp.models import Classroom, Enrolment, Role, User
from quizapp.security import instructor_required, role_required
from quizapp.web.fields import add_error, required


@bp.app_errorhandler(services.ClassroomArchived)
def _archived(error: services.ClassroomArchived) -> ResponseReturnValue:
    """A change sent to an archived class (a stale tab): 409, saying what to do."""
    return render_template(
        "errors/error.html", status=409, title="This class is archived", message=str(error)
    ), 409


@bp.route("/<int:classroom_id>/manage")
@instructor_required
def manage(classroom_id: int) -> str:
    classroom = classroom_or_404(classroom_id)
    return _manage_page(classroom)[0]


def _manage_page(
    classroom: Classroom,
    rename_form: RenameForm | None = None,
    instructor_form: CoInstructorForm | None = None,
) -> tuple[str, int]:
    rename_form = rename_form or RenameForm(
        classroom.instructor_id, classroom.id, data={"name": classroom.name}
    )
    instructor_form = instructor_form or CoInstructorForm(formdata=None)
    members = db.session.execute(
        select(User.id, User.display_name, User.email)
        .join(Enrolment, Enrolment.learner_id == User.id)
        .where(Enrolment.classroom_id == classroom.id)
        .order_by(User.display_name, User.id)
    ).all()
    status = 400 if rename_form.errors or instructor_form.errors else 200
    return render_template(
        "classes/manage.html",
        classroom=classroom,
        is_owner=services.owns(classroom, current_user),
        co_instructors=services.co_instructors(classroom),
        members=members,
        rename_form=rename_form,
        instructor_form=instructor_form,
    ), status


@bp.route("/<int:classroom_id>/rename", methods=["POST"])
@instructor_required
def rename(classroom_id: int) -> ResponseReturnValue:
    classroom = classroom_or_404(classroom_id)
    form = RenameForm(classroom.instructor_id, classroom.id)
    if not (form.validate_on_submit() and services.rename(classroom, required(form.name))):
        if not form.errors:
            add_error(form.name, RenameForm.NAME_TAKEN)
        return _manage_page(classroom, rename_form=form)
    flash(f"The class is now called {classroom.name}.", "success")
    return redirect(url_for("classes.manage", classroom_id=classroom.id), 303)


@bp.route("/<int:classroom_id>/archive", methods=["POST"])
@instructor_required
def archive(classroom_id: int) -> ResponseReturnValue:
    classroom = owned_classroom_or_403(classroom_id)
    services.archive(classroom)
    flash(f"{classroom.name} is archived: read-only, its reports stay available.", "success")
    return redirect(url_for("classes.index"), 303)


@bp.route("/<int:classroom_id>/restore", methods=["POST"])
@instructor_required
def restore(classroom_id: int) -> ResponseReturnValue:
    classroom = owned_classroom_or_403(classroom_id)
    services.restore(classroom)
    flash(f"{classroom.name} is restored and can be changed again.", "success")
    return redirect(url_for("classes.show", classroom_id=classroom.id), 303)


@bp.route("/<int:classroom_id>/instructors", methods=["POST"])
@instructor_required
def add_co_instructor(classroom_id: int) -> ResponseReturnValue:
    classroom = owned_classroom_or_403(classroom_id)
    form = CoInstructorForm()
    if form.validate_on_submit():
        instructor = services.instructor_by_email(required(form.email))
        if instructor is None:
            add_error(form.email, "No instructor account has this address.")
        elif services.owns(classroom, instructor):
            add_error(form.email, "This is your own address: you own the class.")
        else:
            added = services.add_co_instructor(classroom, instructor)
            flash(
                f"{instructor.display_name} can now see and run this class."
                if added
                else f"{instructor.display_name} is already a co-instructor.",
                "success",
            )
            return redirect(url_for("classes.manage", classroom_id=classroom.id), 303)
    return _manage_page(classroom, instructor_form=form)


@bp.route("/<int:classroom_id>/instructors/<int:instructor_id>/remove", methods=["POST"])
@instructor_required
def remove_co_instructor(classroom_id: int, instructor_id: int) -> ResponseReturnValue:
    classroom = owned_classroom_or_403(classroom_id)
    if services.remove_co_instructor(classroom, instructor_id):
        flash("The co-instructor no longer sees this class.", "success")
    return redirect(url_for("classes.manage", classroom_id=classroom.id), 303)


@bp.route("/<int:classroom_id>/learners/<int:learner_id>/remove", methods=["GET", "POST"])
@instructor_required
def remove_learner(classroom_id: int, learner_id: int) -> ResponseReturnValue:
    """Confirm, then take the learner out; a learner outside the class is a 404."""
    classroom = classroom_or_404(classroom_id)
    member = db.session.scalar(
        select(User)
        .join(Enrolment, Enrolment.learner_id == User.id)
        .where(Enrolment.classroom_id == classroom.id, User.id == learner_id)
    )
    if member is None:
        return render_template(
            "errors/error.html",
            status=404,
            title="Not in this class",
            message="This learner is not (or no longer) in the class.",
        ), 404
    if request.method == "POST":  # CSRF is checked for every POST (CSRFProtect)
        services.remove_learner(classroom, member.id)
        flash(
            f"{member.display_name} is no longer in {classroom.name}; "
            "their own progress stays theirs.",
            "success",
        )
        return redirect(url_for("classes.manage", classroom_id=classroom.id), 303)
    services.check_changeable(classroom)
    return render_template("classes/remove_learner.html", classroom=classroom, member=member)


@bp.route("/<int:classroom_id>/sheet")
@instructor_required
def join_sheet(classroom_id: int) -> str:
    """A page to print or project: the class's name, code, link and QR code."""
    classroom = classroom_or_404(classroom_id)
    link = _share_link(classroom)
    return render_template(
        "classes/join_sheet.html",
        classroom=classroom,
        link=link,
        qr_code=qr_svg(link),
        joinable=classroom.joining_open and not classroom.archived,
    )


def _share_link(classroom: Classroom) -> str:
    return url_for(
        "classes.join_link", code=services.display_code(classroom.join_code), _external=True
    )


def qr_svg(text: str) -> Markup:
    """The QR code as inline SVG, drawn here by segno: no outside service sees the link.

    No size attributes, so the page's CSS sizes it; the segno output holds only
    the path of the code (the link is ASCII), so it is safe to mark as markup.
    """
    svg = segno.make(text, error="m").svg_inline(
        scale=1, border=2, omitsize=True, svgclass="qr-code", lineclass=None, light="#fff"
    )
    return Markup(svg)  # noqa: S704  (segno's own output, no user text in it)


@bp.route("/join/<code>")
@role_required(Role.LEARNER)
def join_link(code: str) -> str:
    """A shared join link: the join form with the code filled in, to confirm.

    Signed-out visitors sign in (or register) first and come back here. Joining
    itself is the rate-limited POST to ``classes.join``, so the link reveals no
    more than typing the code would.
    """
    form = JoinForm(formdata=None, data={"code": code[:40]})
    return render_template("classes/join.html", form=form, memberships=None, from_link=True)
