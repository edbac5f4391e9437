"""Quizzes: start an attempt, answer it question by question, see the results and history."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_login import login_required
from werkzeug.wrappers import Response

bp = Blueprint("quiz", __name__, url_prefix="/quiz")


@bp.before_request
@login_required
def _signed_in_only() -> None:
    """Every quiz page shows or changes a learner's own attempts."""


@bp.after_request
def _no_store(response: Response) -> Response:
    """Back and reload fetch the page anew: a start button gets a fresh token, a
    question shows whether it was answered, and no answer lingers in a shared cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    from quizapp.quiz import routes  # noqa: F401  (registers the views)

    app.register_blueprint(bp)
