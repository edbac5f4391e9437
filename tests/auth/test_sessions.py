"""Server-side sessions: signing out ends a session for real, wherever its cookies went."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import LoginSession, Role, User
from tests.conftest import PASSWORD, Accounts, csrf_token, post_form, sql_statements

SESSION = "session"
REMEMBER = "remember_token"
NEW_PASSWORD = "a new long passphrase"


def cookie(client: FlaskClient, name: str) -> str:
    found = client.get_cookie(name)
    assert found is not None, f"no {name} cookie"
    return found.value


def browser(app: Flask, **cookies: str) -> FlaskClient:
    """A browser that holds only these cookies: a copy taken by someone else, or
    what a browser keeps after a restart (only the persistent remember-me cookie)."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def signed_in(client: FlaskClient) -> bool:
    """What a person sees: a private page, or a redirect to the sign-in page."""
    response = client.get("/progress/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def remembered_client(app: Flask, accounts: Accounts, email: str) -> FlaskClient:
    client = app.test_client()
    assert accounts.login(client, email, remember="y").status_code == 302
    return client


def test_a_session_cookie_copied_before_sign_out_stops_working(
    app: Flask, accounts: Accounts, learner: User, learner_client: FlaskClient
) -> None:
    token = csrf_token(learner_client, "/auth/password")
    copied = cookie(learner_client, SESSION)
    assert accounts.logout(learner_client).status_code == 302

    replay = browser(app, **{SESSION: copied})
    assert not signed_in(replay)
    changed = replay.post(
        "/auth/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 302
    assert changed.headers["Location"].startswith("/auth/login")
    assert accounts.login(app.test_client(), learner.email).status_code == 302


def test_sign_out_deletes_the_remember_cookie_and_ends_it_on_the_server(
    app: Flask, accounts: Accounts, learner: User
) -> None:
    client = remembered_client(app, accounts, learner.email)
    remembered = cookie(client, REMEMBER)

    response = accounts.logout(client)
    deleted = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{REMEMBER}=;")]
    assert deleted, response.headers.getlist("Set-Cookie")
    assert client.get_cookie(REMEMBER) is None
    assert not signed_in(browser(app, **{REMEMBER: remembered}))


def test_keep_me_signed_in_survives_a_browser_restart_and_rotates_the_cookie(
    app: Flask, accounts: Accounts, learner: User
) -> None:
    remembered = cookie(remembered_client(app, accounts, learner.email), REMEMBER)

    restarted = browser(app, **{REMEMBER: remembered})
    assert signed_in(restarted)
    rotated = cookie(restarted, REMEMBER)
    assert rotated != remembered
    for page in ("/quiz/", "/study/", "/auth/password", "/progress/"):
        assert restarted.get(page).status_code == 200, page
    assert cookie(restarted, REMEMBER) == rotated

    assert not signed_in(browser(app, **{REMEMBER: remembered}))
    assert signed_in(restarted)


def test_the_database_holds_only_a_hash_of_the_secret(
    app: Flask, accounts: Accounts, learner: User
) -> None:
    secret = cookie(remembered_client(app, accounts, learner.email), REMEMBER).split("|")[0]
    with app.app_context():
        row = db.session.scalars(select(LoginSession)).one()
        assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in repr(
            [getattr(row, column.key) for column in LoginSession.__table__.columns]
        )


def _session_ids(app: Flask, email: str) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(LoginSession.id)
                .join(User)
                .where(User.email == email)
                .order_by(LoginSession.id)
            )
        )


def test_the_devices_page_lists_each_sign_in_and_signs_one_out(
    app: Flask, accounts: Accounts, learner: User, learner_client: FlaskClient
) -> None:
    phone = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Android 14; Mobile) Firefox/133.0"
    accounts.login(phone, learner.email, remember="y")
    page = learner_client.get("/auth/sessions")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Mozilla/5.0 (Android 14; Mobile) Firefox/133.0" in html
    assert html.count("Sign out this device") == 2
    assert "(this device)" in html
    assert "Yes, until" in html

    laptop_id, phone_id = _session_ids(app, learner.email)
    response = post_form(learner_client, f"/auth/sessions/{phone_id}/end", {})
    assert response.status_code == 303
    assert not signed_in(phone)
    assert signed_in(learner_client)
    assert _session_ids(app, learner.email) == [laptop_id]


def test_a_device_of_another_account_cannot_be_signed_out(
    app: Flask, accounts: Accounts, learner: User, learner_client: FlaskClient
) -> None:
    accounts.create("other@example.org", Role.LEARNER, name="Other")
    other = app.test_client()
    accounts.login(other, "other@example.org")
    (other_id,) = _session_ids(app, "other@example.org")
    assert post_form(learner_client, f"/auth/sessions/{other_id}/end", {}).status_code == 404
    assert signed_in(other)


def test_sign_out_everywhere_else_then_everywhere(
    app: Flask, accounts: Accounts, learner: User, learner_client: FlaskClient
) -> None:
    others = [app.test_client(), remembered_client(app, accounts, learner.email)]
    accounts.login(others[0], learner.email)
    remembered = cookie(others[1], REMEMBER)

    assert post_form(learner_client, "/auth/sessions/end-others", {}).status_code == 303
    assert [signed_in(other) for other in others] == [False, False]
    assert not signed_in(browser(app, **{REMEMBER: remembered}))
    assert signed_in(learner_client)

    assert post_form(learner_client, "/auth/sessions/end-all", {}).status_code == 303
    assert not signed_in(learner_client)
    assert _session_ids(app, learner.email) == []


def test_signing_out_this_device_from_the_list_signs_out(
    app: Flask, learner: User, learner_client: FlaskClient
) -> None:
    (this_id,) = _session_ids(app, learner.email)
    response = post_form(learner_client, f"/auth/sessions/{this_id}/end", {})
    assert response.headers["Location"] == "/"
    assert not signed_in(learner_client)


def test_a_password_change_ends_every_other_session_and_keeps_this_one(
    app: Flask, accounts: Accounts, learner: User
) -> None:
    this = remembered_client(app, accounts, learner.email)
    other = remembered_client(app, accounts, learner.email)
    other_remembered = cookie(other, REMEMBER)
    response = post_form(
        this,
        "/auth/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert signed_in(this)
    assert not signed_in(other)
    assert not signed_in(browser(app, **{REMEMBER: other_remembered}))
    # This device stays remembered: a restart keeps it signed in.
    assert signed_in(browser(app, **{REMEMBER: cookie(this, REMEMBER)}))


class Clock:
    """The time the app sees, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def timed_app(make_app: Callable[..., Flask], clock: Clock) -> Flask:
    app = make_app(CLOCK=clock)
    with app.app_context():
        db.create_all()
    return app


def _session_writes(app: Flask, client: FlaskClient, pages: int) -> int:
    with sql_statements(app) as statements:
        for _ in range(pages):
            assert client.get("/progress/").status_code == 200
    return sum(1 for sql, _ in statements if sql.startswith("UPDATE login_session"))


def test_last_seen_is_written_at_most_once_every_few_minutes(
    timed_app: Flask, clock: Clock
) -> None:
    accounts = Accounts(timed_app)
    user = accounts.create()
    client = timed_app.test_client()
    accounts.login(client, user.email)
    assert _session_writes(timed_app, client, 5) == 0
    clock.now += timedelta(minutes=6)
    assert _session_writes(timed_app, client, 5) == 1
    with timed_app.app_context():
        seen = db.session.scalars(select(LoginSession.last_seen_at)).one()
    assert seen == clock.now


def test_a_session_ends_after_hours_unused_and_a_remembered_one_after_its_term(
    timed_app: Flask, clock: Clock
) -> None:
    accounts = Accounts(timed_app)
    user = accounts.create()
    plain = timed_app.test_client()
    accounts.login(plain, user.email)
    remembered = remembered_client(timed_app, accounts, user.email)

    clock.now += timedelta(hours=11)
    assert signed_in(plain)  # used within the idle time: still signed in
    clock.now += timedelta(hours=12, minutes=1)
    assert not signed_in(plain)
    assert signed_in(remembered)
    clock.now += timedelta(days=31)
    assert not signed_in(remembered)
