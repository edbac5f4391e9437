"""Headers, cookies, CSRF, and bad input getting a clear 4xx instead of a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.models import User
from tests.conftest import PASSWORD, Accounts, csrf_token, post_form


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


def test_https_configuration_gives_both_cookies_host_only_names(
    make_app, accounts: Accounts, learner: User
) -> None:
    app = make_app(SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    token = csrf_token(client, "https://localhost/auth/login")
    signed_in = client.post(
        "/auth/login",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/auth/login"},
        data={"csrf_token": token, "email": learner.email, "password": PASSWORD, "remember": "y"},
    )
    assert signed_in.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in signed_in.headers.getlist("Set-Cookie")}
    assert {"__Host-session", "__Host-remember"} <= set(cookies)
    assert not {"session", "remember_token"} & set(cookies)
    for header in (cookies["__Host-session"], cookies["__Host-remember"]):
        attributes = [part.strip() for part in header.split(";")]
        assert "Secure" in attributes and "Path=/" in attributes and "HttpOnly" in attributes
        assert not any(part.lower().startswith("domain=") for part in attributes)
    assert client.get("/progress/", base_url="https://localhost").status_code == 200


def test_plain_http_keeps_the_plain_cookie_names(
    client: FlaskClient, accounts: Accounts, learner: User
) -> None:
    response = accounts.login(client, learner.email, remember="y")
    names = {c.split("=", 1)[0] for c in response.headers.getlist("Set-Cookie")}
    assert {"session", "remember_token"} <= names
    assert not any(name.startswith("__Host-") for name in names)


def test_pages_for_a_signed_in_person_are_not_stored_in_caches(
    instructor_client: FlaskClient, client: FlaskClient
) -> None:
    for page in ("/", "/auth/password", "/auth/sessions", "/classes/", "/bank/", "/progress/"):
        response = instructor_client.get(page)
        assert response.status_code == 200, page
        assert response.headers["Cache-Control"] == "no-store", page
    with instructor_client.get("/static/css/site.css") as static:
        assert static.status_code == 200
        assert "no-store" not in static.headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/auth/login").headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    "target",
    [
        "/x\r\nSet-Cookie: a=b",
        "/x\nX-Injected: 1",
        "/x\rY",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
    ],
)
def test_a_next_with_line_breaks_or_backslashes_leads_home(
    make_app, learner: User, target: str
) -> None:
    app = make_app(RATELIMIT_ENABLED=False)
    client = app.test_client()
    response = post_form(
        client,
        "/auth/login",
        {"email": learner.email, "password": PASSWORD},
        query_string={"next": target},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "target", ["/bank/x\r\nSet-Cookie: a=b", "/bank/\\evil.example", "/bank/\t/x", "/quiz/"]
)
def test_the_bank_forms_next_stays_a_bank_path_without_line_breaks(
    instructor_client: FlaskClient, target: str
) -> None:
    """The bank's status form goes back to the page it came from: never a 500."""
    response = post_form(instructor_client, "/bank/status", {"next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/bank/"


@pytest.mark.parametrize("query", ["next=/x%0d%0aSet-Cookie:%20a=b", "next=/%5Cevil.example"])
def test_an_encoded_line_break_or_backslash_in_next_leads_home(
    client: FlaskClient, learner: User, query: str
) -> None:
    response = post_form(
        client, f"/auth/login?{query}", {"email": learner.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "a=b" not in " ".join(response.headers.getlist("Set-Cookie"))


def test_a_form_field_holding_a_nul_character_is_refused_with_a_message(
    client: FlaskClient,
) -> None:
    """PostgreSQL cannot store NUL; refusing it up front keeps every form from a 500."""
    response = post_form(
        client, "/auth/login", {"email": "a@example.org\x00", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
