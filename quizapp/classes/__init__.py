"""Classes: instructors create them and share a join code; learners join and leave."""

from __future__ import annotations

from flask import Blueprint, Flask

from quizapp.classes.services import display_code
from quizapp.cli_groups import shared_group

bp = Blueprint("classes", __name__, url_prefix="/classes")


def init_app(app: Flask) -> None:
    from quizapp.classes import cells, cli, management, routes  # noqa: F401  (registers the views)

    app.register_blueprint(bp)
    shared_group(app, "export").add_command(cli.progress)
    app.cli.add_command(cli.classes_cli)
    app.jinja_env.filters["join_code"] = display_code
    app.jinja_env.globals.update(
        pct=cells.pct,
        when=cells.when,
        mastery_cell=cells.mastery_cell,
        roster_rows=cells.roster_rows,
        grid_rows=cells.grid_rows,
    )
