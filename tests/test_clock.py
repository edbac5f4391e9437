"""One clock (quizapp.clock): every service reads the app's ``CLOCK``, so a test
moves sign-ins, flags, setup links and quiz times alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from quizapp import clock
from quizapp.auth import services as accounts
from quizapp.extensions import db
from quizapp.models import Role, SetupToken, User
from tests.conftest import PASSWORD, post_form

FIXED = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)


@pytest.fixture
def app(make_app) -> Flask:
    app = make_app(CLOCK=lambda: FIXED)
    with app.app_context():
        db.create_all()
    return app


def test_now_reads_the_app_setting_and_the_wall_clock_outside_an_app(app: Flask) -> None:
    with app.app_context():
        assert clock.now() == FIXED
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_naive_clock_is_refused(make_app) -> None:
    app = make_app(CLOCK=lambda: datetime(2030, 1, 1))
    with app.app_context(), pytest.raises(ValueError, match="naive"):
        clock.now()


def test_sign_in_setup_links_and_new_rows_take_the_apps_time(app: Flask) -> None:
    with app.app_context():
        accounts.issue_setup_token()
        user = accounts.create_user("kim@example.org", "Kim", PASSWORD, role=Role.LEARNER)
        db.session.commit()
        token = db.session.scalar(db.select(SetupToken))
        minutes = app.config["SETUP_TOKEN_MAX_AGE_MINUTES"]
        assert token.expires_at == FIXED + timedelta(minutes=minutes)
        assert user.created_at == FIXED
    client = app.test_client()
    post_form(client, "/auth/login", {"email": "kim@example.org", "password": PASSWORD})
    with app.app_context():
        assert db.session.scalar(db.select(User.last_login_at)) == FIXED


def test_a_day_with_a_clock_change_lasts_23_hours() -> None:
    zone = ZoneInfo("America/New_York")
    length = clock.local_midnight(date(2026, 3, 9), zone) - clock.local_midnight(
        date(2026, 3, 8), zone
    )
    assert length == timedelta(hours=23)
