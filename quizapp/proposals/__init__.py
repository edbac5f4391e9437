"""Candidate facts proposed from a source document, and the instructor's review of them.

Instructor-only, under /bank/proposals beside the bank's other pages. The rules
live in :mod:`quizapp.bank.proposals`; these views turn forms into its calls.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from quizapp.security import instructor_required

bp = Blueprint("proposals", __name__, url_prefix="/bank/proposals")


@bp.before_request
@instructor_required
def _only_instructors() -> None:
    """One check for the whole blueprint, so a view added later cannot forget it."""


def init_app(app: Flask) -> None:
    from quizapp.proposals import routes  # noqa: F401

    app.register_blueprint(bp)
