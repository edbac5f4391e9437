"""The account lifecycle: forgotten password, name and email, delete, download my data."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask.wrappers import Response

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.after_request
def _private(response: Response) -> Response:
    """Every page here shows a person's details or a secret link: never cache it."""
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    from quizapp.account import routes  # noqa: F401  (registers the views)

    app.register_blueprint(bp)
