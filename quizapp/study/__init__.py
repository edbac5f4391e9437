"""Flashcards on the FSRS schedule: study pages, settings, and the Anki export.

Settings this area adds: ``STUDY_FUZZING`` (default True; tests turn it off so
intervals are exact) and ``STUDY_CLOCK``, the function that says what time it
is (default ``utcnow``; tests pass a clock they can move to "tomorrow").
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_login import login_required

from quizapp.models import utcnow

bp = Blueprint("study", __name__, url_prefix="/study")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Everything here is a learner's own progress: one check for the whole blueprint."""


def init_app(app: Flask) -> None:
    from quizapp.study import routes  # noqa: F401  (registers the views)
    from quizapp.study.cli import export_cli

    app.config.setdefault("STUDY_FUZZING", True)
    app.config.setdefault("STUDY_CLOCK", utcnow)
    app.register_blueprint(bp)
    app.cli.add_command(export_cli)
