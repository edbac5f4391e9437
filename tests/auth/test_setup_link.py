"""The one-time link that creates the first instructor."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from quizapp import clock
from quizapp.auth import services as accounts
from quizapp.extensions import db
from quizapp.models import Role, User
from tests.conftest import PASSWORD, post_form

FIRST = {
    "display_name": "Dr Ada",
    "email": "ada@clinic.example",
    "password": PASSWORD,
    "confirm": PASSWORD,
}


def issue(app: Flask, now=None) -> str:
    with app.app_context():
        token = accounts.issue_setup_token(now)
        db.session.commit()
        return token


def test_setup_link_creates_the_first_instructor_once(app: Flask, client: FlaskClient) -> None:
    token = issue(app)
    assert client.get(f"/auth/setup/{token}").status_code == 200
    assert post_form(client, f"/auth/setup/{token}", FIRST).status_code == 302
    with app.app_context():
        user = db.session.scalar(User.by_email("ada@clinic.example"))
        assert user is not None and user.role is Role.INSTRUCTOR
    assert "Instructor" in client.get("/").get_data(as_text=True)
    again = app.test_client()
    assert again.get(f"/auth/setup/{token}").status_code == 404


def test_expired_or_unknown_link_is_not_found(app: Flask, client: FlaskClient) -> None:
    token = issue(app, now=clock.now() - timedelta(hours=2))
    assert client.get(f"/auth/setup/{token}").status_code == 404
    assert client.get("/auth/setup/not-a-token").status_code == 404


def test_link_is_dead_once_an_instructor_exists(
    app: Flask, client: FlaskClient, instructor: User
) -> None:
    token = issue(app)
    assert client.get(f"/auth/setup/{token}").status_code == 404
