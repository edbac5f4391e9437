"""The instructor's area: every view here requires the instructor role."""

from __future__ import annotations

from flask import Blueprint, Flask

from quizapp.security import instructor_required

bp = Blueprint("instructor", __name__, url_prefix="/instructor")


@bp.before_request
@instructor_required
def _only_instructors() -> None:
    """One check for the whole blueprint, so a view added later cannot forget it."""


def init_app(app: Flask) -> None:
    from quizapp.instructor import routes  # noqa: F401

    app.register_blueprint(bp)
