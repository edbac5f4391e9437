"""Accounts: sign-in, registration and the ``quizapp user`` commands."""

from __future__ import annotations

from flask import Blueprint, Flask
from sqlalchemy import select

from quizapp.extensions import db, login_manager
from quizapp.models import User

bp = Blueprint("auth", __name__, url_prefix="/auth")


@login_manager.user_loader
def _load_user(session_token: str) -> User | None:
    return db.session.scalar(select(User).where(User.session_token == session_token))


def init_app(app: Flask) -> None:
    from quizapp.auth import cli, routes  # noqa: F401  (registers views and commands)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    app.register_blueprint(bp)
    app.cli.add_command(cli.user_cli)
