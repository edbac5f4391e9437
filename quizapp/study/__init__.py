"""Flashcards on the FSRS schedule: study pages, settings, and the Anki export.

Setting this area adds: ``STUDY_FUZZING`` (default True; tests turn it off so
intervals are exact) and ``STUDY_BURY_SIBLINGS`` (default True: see
:mod:`quizapp.study.services.queue`; tests that pin the queue card by card turn
it off). The time comes from :mod:`quizapp.clock`.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_login import login_required

from quizapp.cli_groups import shared_group

bp = Blueprint("study", __name__, url_prefix="/study")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Everything here is a learner's own progress: one check for the whole blueprint."""


def init_app(app: Flask) -> None:
    from quizapp.study import routes  # noqa: F401  (registers the views)
    from quizapp.study.cli import anki, study_cli

    app.config.setdefault("STUDY_FUZZING", True)
    app.config.setdefault("STUDY_BURY_SIBLINGS", True)
    app.register_blueprint(bp)
    shared_group(app, "export").add_command(anki)
    app.cli.add_command(study_cli)
