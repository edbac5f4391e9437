"""Classes: instructors create them and share a join code; learners join and leave."""

from __future__ import annotations

from flask import Blueprint, Flask

from quizapp.classes.services import display_code

bp = Blueprint("classes", __name__, url_prefix="/classes")


def init_app(app: Flask) -> None:
    from quizapp.classes import cells, cli, routes  # noqa: F401  (views; `quizapp export progress`)

    app.register_blueprint(bp)
    app.jinja_env.filters["join_code"] = display_code
    app.jinja_env.globals.update(
        pct=cells.pct,
        when=cells.when,
        mastery_cell=cells.mastery_cell,
        mastery_cells=cells.mastery_cells,
    )
