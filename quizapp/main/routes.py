from __future__ import annotations

from flask import render_template
from sqlalchemy import text

from quizapp.extensions import db, limiter
from quizapp.main import bp


@bp.route("/")
def home() -> str:
    return render_template("main/home.html")


@bp.route("/health")
@limiter.exempt
def health() -> tuple[dict[str, str], int]:
    """For load balancers and the benchmark: the app answers and the database too."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}, 200
