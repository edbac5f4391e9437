from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import text

from quizapp import clock
from quizapp.extensions import db, limiter
from quizapp.main import bp
from quizapp.quiz.summaries import unfinished_attempt
from quizapp.study import services as study


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
    )


@bp.route("/health")
@limiter.exempt
def health() -> tuple[dict[str, str], int]:
    """For load balancers and the benchmark: the app answers and the database too."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}, 200
