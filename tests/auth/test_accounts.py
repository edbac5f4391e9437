"""Registering, signing in and out, and changing a password, as a person does it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import Role, User
from tests.conftest import PASSWORD, Accounts, post_form


def register(client: FlaskClient, **fields: str):
    data = {
        "display_name": "Rita",
        "email": "rita@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        **fields,
    }
    return post_form(client, "/auth/register", data)


def test_register_creates_a_signed_in_learner(app: Flask, client: FlaskClient) -> None:
    response = register(client, email="  Rita@Example.org ")
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Hello, Rita" in home
    with app.app_context():
        user = db.session.scalar(User.by_email("rita@example.org"))
        assert user is not None
        assert user.role is Role.LEARNER
        assert PASSWORD not in user.password_hash


def test_duplicate_email_is_refused_with_a_message(client: FlaskClient, learner: User) -> None:
    response = register(client, email=learner.email.upper())
    assert response.status_code == 400
    assert "An account with this email address already exists." in response.get_data(as_text=True)


def test_short_password_is_refused(client: FlaskClient) -> None:
    response = register(client, password="short12", confirm="short12")
    assert response.status_code == 400
    assert "at least 8 characters" in response.get_data(as_text=True)


def test_common_password_is_refused(client: FlaskClient) -> None:
    response = register(client, password="Password1", confirm="Password1")
    assert response.status_code == 400
    assert "commonly used passwords" in response.get_data(as_text=True)


def test_long_passphrase_without_composition_rules_is_accepted(client: FlaskClient) -> None:
    passphrase = "the quick brown fox jumps over the lazy dog near the riverbank at dawn " * 2
    assert len(passphrase) > 128
    assert register(client, password=passphrase, confirm=passphrase).status_code == 302


def test_password_equal_to_email_is_refused(client: FlaskClient) -> None:
    response = register(client, password="rita@example.org", confirm="rita@example.org")
    assert "Do not use your email address or name" in response.get_data(as_text=True)


def test_mismatched_confirmation_is_shown_at_the_field(client: FlaskClient) -> None:
    response = register(client, confirm="something else entirely")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="confirm-error"' in html
    assert 'aria-describedby="confirm-error"' in html
    assert "The two passwords differ." in html


def test_sign_in_and_out(client: FlaskClient, accounts: Accounts, learner: User) -> None:
    response = accounts.login(client, learner.email)
    assert response.status_code == 302
    assert "Hello, Lee Learner" in client.get("/").get_data(as_text=True)
    assert accounts.logout(client).status_code == 302
    assert "Hello" not in client.get("/").get_data(as_text=True)
    assert client.get("/auth/password").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_message(
    client: FlaskClient, accounts: Accounts, learner: User
) -> None:
    wrong = accounts.login(client, learner.email, password="not the password at all")
    unknown = accounts.login(client, "nobody@example.org")
    assert wrong.status_code == unknown.status_code == 400
    message = "That email address and password do not match an account."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_sign_in_starts_a_fresh_session(
    client: FlaskClient, accounts: Accounts, learner: User
) -> None:
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    accounts.login(client, learner.email)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_in_follows_next_only_to_this_site(
    client: FlaskClient, accounts: Accounts, learner: User
) -> None:
    response = post_form(
        client,
        "/auth/login?next=https://evil.example/",
        {"email": learner.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"
    accounts.logout(client)
    response = post_form(
        client, "/auth/login?next=/auth/password", {"email": learner.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/auth/password"


def test_change_password_needs_the_current_one(learner_client: FlaskClient) -> None:
    response = post_form(
        learner_client,
        "/auth/password",
        {
            "current_password": "wrong guess here",
            "password": "a new long passphrase",
            "confirm": "a new long passphrase",
        },
    )
    assert response.status_code == 400
    assert "The current password is not correct." in response.get_data(as_text=True)


def test_change_password_signs_out_other_devices(
    app: Flask, accounts: Accounts, learner: User, learner_client: FlaskClient
) -> None:
    other_device = app.test_client()
    accounts.login(other_device, learner.email)
    new = "a new long passphrase"
    response = post_form(
        learner_client,
        "/auth/password",
        {"current_password": PASSWORD, "password": new, "confirm": new},
    )
    assert response.status_code == 302
    assert learner_client.get("/auth/password").status_code == 200
    assert other_device.get("/auth/password").status_code == 302
    assert accounts.login(app.test_client(), learner.email, password=new).status_code == 302
    assert accounts.login(app.test_client(), learner.email).status_code == 400


def test_sign_in_is_rate_limited(client: FlaskClient, accounts: Accounts, learner: User) -> None:
    statuses = [
        accounts.login(client, learner.email, password="wrong password!").status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429
    assert "Too many attempts" in accounts.login(client, learner.email).get_data(as_text=True)


def test_sign_in_limits_can_live_in_redis_for_several_workers(make_app, accounts: Accounts) -> None:
    """The attempts are counted in Redis, where every worker process sees them."""
    import uuid

    import redis

    from quizapp.extensions import db
    from tests._requirements import missing

    url = "redis://127.0.0.1:6379"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        missing(f"Redis is not reachable at {url}")
    prefix = f"test-{uuid.uuid4().hex}"
    worker = make_app(RATELIMIT_STORAGE_URI=url, RATELIMIT_KEY_PREFIX=prefix)
    with worker.app_context():
        db.create_all()
    statuses = [
        accounts.login(
            worker.test_client(), "someone@example.org", password="wrong password!"
        ).status_code
        for _ in range(11)
    ]
    assert statuses == [400] * 10 + [429]
    stored = redis.Redis.from_url(url).keys(f"*{prefix}*")
    assert stored, "the limiter kept its counts somewhere other than Redis"
