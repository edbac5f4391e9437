from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import text

from quizapp import clock
from quizapp.assignments import services as assignments
from quizapp.extensions import db, limiter
from quizapp.main import bp, notices
from quizapp.quiz.forms import QuickStartForm
from quizapp.quiz.summaries import unfinished_attempt
from quizapp.study import services as study
from quizapp.web.forms import EmptyForm


@bp.route("/")
def home() -> str:
    if not current_user.is_authenticated:
        return render_template("main/home.html")
    now = clock.now()
    new_left = study.new_left_today(current_user.id, study.settings_for(current_user.id), now)
    return render_template(
        "main/home.html",
        unfinished=unfinished_attempt(current_user.id),
        decks=study.overview(current_user.id, now, new_left),
        report_notices=notices.unseen(current_user.id),
        dismiss_form=EmptyForm(),
        due=assignments.for_learner(current_user.id, now),
        start_form=QuickStartForm(),
    )


@bp.get("/reports")
@login_required
def reports() -> str:
    """The signed-in user's "this looks wrong" reports and what became of them."""
    return render_template("main/reports.html", reports=notices.mine(current_user.id))


@bp.post("/reports/<int:flag_id>/dismiss")
@login_required
def dismiss_report(flag_id: int) -> ResponseReturnValue:
    if not EmptyForm().validate_on_submit():
        abort(400, description="The form expired: reload the page and try again.")
    if not notices.dismiss(current_user.id, flag_id):
        abort(404)
    flash("Notice dismissed. Your reports page keeps it.", "info")
    return redirect(url_for("main.home"), 303)


@bp.route("/health")
@limiter.exempt
def health() -> tuple[dict[str, str], int]:
    """For load balancers and the benchmark: the app answers and the database too."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}, 200
