"""Headers, cookies, CSRF, and bad input getting a clear 4xx instead of a 500."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from quizapp.models import User
from tests.conftest import PASSWORD, Accounts, post_form


def test_pages_carry_security_headers_and_a_strict_csp(client: FlaskClient) -> None:
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers


def test_pages_load_nothing_from_other_hosts_and_no_inline_script(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html
    assert "http://" not in html and "https://" not in html


def test_session_cookie_is_httponly_and_samesite(
    client: FlaskClient, accounts: Accounts, learner: User
) -> None:
    response = accounts.login(client, learner.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_https_configuration_marks_cookies_secure_and_sends_hsts(make_app) -> None:
    app = make_app(SESSION_COOKIE_SECURE=True)
    from quizapp.extensions import db

    with app.app_context():
        db.create_all()
    client = app.test_client()
    response = client.get("/auth/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in response.headers["Set-Cookie"]


def test_post_without_csrf_token_is_refused_with_a_message(
    client: FlaskClient, learner: User
) -> None:
    response = client.post("/auth/login", data={"email": learner.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired or did not come from this site." in response.get_data(
        as_text=True
    )
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_oversized_body_gets_413(client: FlaskClient) -> None:
    response = client.post("/auth/login", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "larger than this site accepts" in response.get_data(as_text=True)


def test_garbage_form_values_get_a_400_not_a_500(client: FlaskClient) -> None:
    for data in (
        {"email": "not an email", "password": ""},
        {"email": "\x00\xff" * 10, "password": "nul\x00byte"},
        {"remember": "maybe", "email": ["a@b.org", "c@d.org"]},
    ):
        response = post_form(client, "/auth/login", data)
        assert response.status_code == 400, data
    response = post_form(client, "/auth/register", {"email": "@@@", "display_name": "x" * 500})
    assert response.status_code == 400
    assert "Field cannot be longer than 80 characters." in response.get_data(as_text=True)


def test_error_pages_use_the_site_layout(client: FlaskClient) -> None:
    not_found = client.get("/no/such/page")
    assert not_found.status_code == 404
    assert "Page not found" in not_found.get_data(as_text=True)
    assert "For education only." in not_found.get_data(as_text=True)
    wrong_method = client.delete("/")
    assert wrong_method.status_code == 405
    assert "Method not allowed" in wrong_method.get_data(as_text=True)


def test_an_unexpected_error_shows_the_500_page(make_app) -> None:
    app = make_app(TESTING=False)

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("a bug")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path, monkeypatch) -> None:
    import pytest

    from quizapp import create_app

    monkeypatch.delenv("QUIZAPP_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="QUIZAPP_SECRET_KEY is not set"):
        create_app({"ENV_NAME": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_development_keeps_a_generated_key_in_the_instance_folder(app: Flask, monkeypatch) -> None:
    from quizapp import create_app

    monkeypatch.delenv("QUIZAPP_SECRET_KEY", raising=False)
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    key_file = Path(first.instance_path) / "secret_key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
