"""Assignments: quizzes an instructor sets for a class, open between two times."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("assignments", __name__, url_prefix="/assignments")


def init_app(app: Flask) -> None:
    from quizapp.assignments import routes, services  # noqa: F401  (registers the views)

    app.register_blueprint(bp)
    app.jinja_env.globals["assignment_columns"] = services.roster_columns
    app.jinja_env.filters["zone_time"] = services.zone_time
