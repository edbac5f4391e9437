"""Emailed links point at ``QUIZAPP_BASE_URL``, whatever host a request names:
otherwise a forged Host header would have a reset token mailed to the attacker's site."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from tests.account.conftest import BASE_URL, LINK, Inbox, body, mail_settings
from tests.conftest import CSRF_INPUT, Accounts

ATTACKER = "attacker.example"


def post_to(client: FlaskClient, host: str, url: str, data: dict[str, str], **headers: str):
    """Open the form and send it, both on ``host`` (the Host header a browser sends)."""
    base = f"http://{host}"
    match = CSRF_INPUT.search(client.get(url, base_url=base).get_data(as_text=True))
    assert match, url
    return client.post(
        url, base_url=base, data={"csrf_token": match.group(1), **data}, headers=headers
    )


def links(inbox: Inbox, count: int) -> list[str]:
    return [link for message in inbox.wait(count) for link in LINK.findall(body(message))]


@pytest.fixture
def proxied(make_app: Callable[..., Flask], inbox: Inbox) -> Flask:
    """Behind one proxy (``PROXY_COUNT=1``), which is not said to set X-Forwarded-Host."""
    app = make_app(PROXY_COUNT=1, **mail_settings(inbox))
    with app.app_context():
        db.create_all()
    return app


def test_a_forged_host_never_reaches_the_mail(proxied: Flask, inbox: Inbox) -> None:
    Accounts(proxied).create("learner@example.org")
    client = proxied.test_client()
    forgot = {"email": "learner@example.org"}
    assert post_to(client, ATTACKER, "/account/forgot", forgot).status_code == 303
    forwarded = {"X-Forwarded-Host": ATTACKER}
    assert post_to(client, "localhost", "/account/forgot", forgot, **forwarded).status_code == 303
    register = {"display_name": "Rita", "email": "rita@example.org"}
    assert post_to(client, ATTACKER, "/auth/register", register).status_code == 303
    taken = {"display_name": "Rita", "email": "learner@example.org"}
    assert post_to(client, "localhost", "/auth/register", taken, **forwarded).status_code == 303

    found = links(inbox, 4)
    assert len(found) == 5  # two reset links, a registration link, sign in + forgot
    assert all(link.startswith(BASE_URL + "/") for link in found), found
    assert not any(ATTACKER in str(message) for message in inbox.messages)


def test_mail_without_a_base_url_refuses_to_start(make_app: Callable[..., Flask]) -> None:
    with pytest.raises(RuntimeError, match="QUIZAPP_BASE_URL"):
        make_app(MAIL_SERVER="127.0.0.1")
    with pytest.raises(RuntimeError, match="not a site address"):
        make_app(MAIL_SERVER="127.0.0.1", BASE_URL="quiz.example.org")


def test_trusted_hosts_refuse_any_other_host(make_app: Callable[..., Flask]) -> None:
    client = make_app(TRUSTED_HOSTS=["quiz.test"]).test_client()
    assert client.get("/auth/login", base_url="http://quiz.test").status_code == 200
    assert client.get("/auth/login", base_url=f"http://{ATTACKER}").status_code == 400
