from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from quizapp.bank.services import overview
from quizapp.extensions import db
from quizapp.instructor import bp
from quizapp.models import Role, User


@bp.route("/")
def dashboard() -> str:
    counts = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    return render_template(
        "instructor/dashboard.html",
        learners=counts.get(Role.LEARNER, 0),
        instructors=counts.get(Role.INSTRUCTOR, 0),
        bank=overview(),
    )
