from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from quizapp.bank.browse import open_flags
from quizapp.bank.services import overview
from quizapp.content import Status
from quizapp.extensions import db
from quizapp.instructor import bp
from quizapp.models import Item, Role, User


@bp.route("/")
def dashboard() -> str:
    counts = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    return render_template(
        "instructor/dashboard.html",
        learners=counts.get(Role.LEARNER, 0),
        instructors=counts.get(Role.INSTRUCTOR, 0),
        bank=overview(),
        open_flags=db.session.scalar(open_flags().with_only_columns(func.count()).order_by(None)),
        drafts=db.session.scalar(
            select(func.count()).select_from(Item).where(Item.status == Status.DRAFT)
        ),
    )
