"""The question bank: the instructors' browser and editor, loading the bundled
files into the database, imports and exports."""

from __future__ import annotations

from flask import Blueprint, Flask

from quizapp.security import instructor_required

bp = Blueprint("bank", __name__, url_prefix="/bank")


@bp.before_request
@instructor_required
def _only_instructors() -> None:
    """One check for the whole blueprint, so a view added later cannot forget it."""


def init_app(app: Flask) -> None:
    from quizapp.bank import routes  # noqa: F401
    from quizapp.bank.citations import cited_sources
    from quizapp.bank.cli import bank_cli

    app.register_blueprint(bp)
    app.cli.add_command(bank_cli)
    # Learners' pages (study cards) cite an item's facts by the same rule as quizzes.
    app.add_template_filter(cited_sources, "cited_sources")
