"""The learner's progress dashboard: mastery per topic, what is due, reviews per
day, the streak and quiz scores over time, each chart drawn on the server as SVG.

Time comes from :mod:`quizapp.clock`, so tests move it.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_login import login_required
from werkzeug.wrappers import Response

bp = Blueprint("progress", __name__, url_prefix="/progress")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here is the signed-in user's own progress; no learner id is in a URL."""


@bp.after_request
def _no_store(response: Response) -> Response:
    """A learner's numbers are theirs: no shared cache keeps them, and back shows them fresh."""
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    from quizapp.progress import routes  # noqa: F401  (registers the views)

    app.register_blueprint(bp)
