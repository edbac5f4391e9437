"""Decks, source documents and facts in the browser: what items are generated from.

Instructor-only, under /bank beside the item editor. The rules live in the bank's
services (:mod:`quizapp.bank.decks`, :mod:`~quizapp.bank.sources`,
:mod:`~quizapp.bank.facts`); these views turn forms into their calls.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from quizapp.security import instructor_required

bp = Blueprint("sources", __name__, url_prefix="/bank")


@bp.before_request
@instructor_required
def _only_instructors() -> None:
    """One check for the whole blueprint, so a view added later cannot forget it."""


def init_app(app: Flask) -> None:
    from quizapp.sources import routes  # noqa: F401

    app.register_blueprint(bp)
