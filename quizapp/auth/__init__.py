"""Accounts: sign-in, registration and the ``quizapp user`` commands."""

from __future__ import annotations

from flask import Blueprint, Flask

from quizapp.auth import sessions
from quizapp.extensions import login_manager
from quizapp.models import User

bp = Blueprint("auth", __name__, url_prefix="/auth")


@login_manager.user_loader
def _load_user(secret: str) -> User | None:
    return sessions.load_user(secret)


def init_app(app: Flask) -> None:
    from quizapp.auth import cli, routes  # noqa: F401  (registers views and commands)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    sessions.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(cli.user_cli)
