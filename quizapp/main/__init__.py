"""The home page and the health check."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("main", __name__)


def init_app(app: Flask) -> None:
    from quizapp.main import routes  # noqa: F401

    app.register_blueprint(bp)
