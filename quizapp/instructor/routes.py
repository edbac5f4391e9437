from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from quizapp.bank.browse import open_flags
from quizapp.bank.services import overview
from quizapp.classes.services import taught_classrooms
from quizapp.content import Status
from quizapp.extensions import db
from quizapp.instructor import bp
from quizapp.models import Classroom, Item, Role, User


@bp.route("/")
def dashboard() -> str:
    people = select(User.role, func.count()).where(~User.is_placeholder).group_by(User.role)
    counts = dict(db.session.execute(people).all())
    return render_template(
        "instructor/dashboard.html",
        learners=counts.get(Role.LEARNER, 0),
        instructors=counts.get(Role.INSTRUCTOR, 0),
        bank=overview(),
        # the classes this instructor teaches (owner or co-instructor), in use
        classrooms=db.session.execute(
            taught_classrooms(current_user).where(Classroom.archived_at.is_(None))
        ).all(),
        open_flags=db.session.scalar(open_flags().with_only_columns(func.count()).order_by(None)),
        drafts=db.session.scalar(
            select(func.count()).select_from(Item).where(Item.status == Status.DRAFT)
        ),
    )
