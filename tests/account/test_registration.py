"""Registering while mail is configured: the same answer for every address."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.account.routes import CHECK_EMAIL
from quizapp.auth.services import issue_setup_token
from quizapp.extensions import db
from quizapp.models import Role, User
from tests.account.conftest import Clock, Inbox, body, link_in, mail_settings, page_text
from tests.conftest import PASSWORD, Accounts, post_form

NEW = "a fresh passphrase to remember"


def register(
    client: FlaskClient, email: str, name: str = "Rita", time_zone: str = "", **kwargs: object
):
    return post_form(
        client,
        "/auth/register",
        {"display_name": name, "email": email, "time_zone": time_zone},
        **({"follow_redirects": True} | kwargs),
    )


def finish(client: FlaskClient, link: str):
    return post_form(client, link, {"password": NEW, "confirm": NEW})


def users(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(User)) or 0)


def test_new_address_gets_a_link_that_makes_the_account_once(
    app: Flask, client: FlaskClient, accounts: Accounts, inbox: Inbox
) -> None:
    page = register(client, "Rita@Example.org")
    assert page.status_code == 200
    assert CHECK_EMAIL in page.get_data(as_text=True)
    assert users(app) == 0
    (message,) = inbox.wait(1)
    assert message["To"] == "rita@example.org"
    link = link_in(message)
    assert "rita@example.org" in client.get(link).get_data(as_text=True)
    assert finish(client, link).headers["Location"] == "/auth/login"
    assert accounts.login(client, "rita@example.org", NEW).status_code == 302
    assert finish(app.test_client(), link).status_code == 404
    assert users(app) == 1


def test_registered_address_gets_the_same_answer_and_a_warning(
    app: Flask, client: FlaskClient, accounts: Accounts, learner: User, inbox: Inbox
) -> None:
    taken = register(client, learner.email.upper())
    fresh = register(app.test_client(), "rita@example.org")
    assert taken.status_code == fresh.status_code == 200
    assert CHECK_EMAIL in taken.get_data(as_text=True)
    assert page_text(taken) == page_text(fresh)
    messages = {message["To"]: message for message in inbox.wait(2)}
    warning = body(messages[learner.email])
    assert "already has one" in warning and "/account/forgot" in warning
    assert users(app) == 1  # nothing made for the taken address; rita has a link
    assert accounts.login(client, learner.email, PASSWORD).status_code == 302


def test_registration_link_expires(client: FlaskClient, clock: Clock, inbox: Inbox) -> None:
    register(client, "rita@example.org")
    link = link_in(inbox.wait(1)[0])
    clock.advance(minutes=61)
    assert client.get(link).status_code == 404
    assert finish(client, link).status_code == 404


def test_a_forged_link_is_refused(client: FlaskClient, inbox: Inbox) -> None:
    register(client, "rita@example.org")
    link = link_in(inbox.wait(1)[0])
    assert client.get(link[:-3] + "abc").status_code == 404


def test_one_address_gets_few_messages_and_never_the_senders_text(
    make_app: Callable[..., Flask], clock: Clock, inbox: Inbox
) -> None:
    """Registrations that may each mail an address are limited per address
    (``RECOVERY_RATE_LIMIT``), from however many networks they come; the name
    typed by whoever registered is not put into the message."""
    app = make_app(CLOCK=clock, RECOVERY_RATE_LIMIT="2 per hour", **mail_settings(inbox))
    with app.app_context():
        db.create_all()
    spam = "Win a prize at spam.example"
    answers = [
        register(
            app.test_client(),
            "victim@example.org",
            name=spam,
            follow_redirects=False,
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"},
        ).status_code
        for n in range(3)
    ]
    assert answers == [303, 303, 429]
    assert register(app.test_client(), "other@example.org").status_code == 200
    messages = inbox.wait(3)
    assert [m["To"] for m in messages].count("victim@example.org") == 2
    assert not any("spam.example" in body(m) or "prize" in body(m) for m in messages)


def test_the_browser_time_zone_reaches_the_account(
    app: Flask, client: FlaskClient, inbox: Inbox
) -> None:
    register(client, "rita@example.org", time_zone="Europe/Berlin")
    link = link_in(inbox.wait(1)[0])
    page = client.get(link).get_data(as_text=True)
    assert 'name="password"' in page
    assert finish(client, link).status_code == 303
    with app.app_context():
        user = db.session.scalars(User.by_email("rita@example.org")).one()
        assert user.time_zone == "Europe/Berlin"


def test_the_registration_page_asks_the_browser_for_its_time_zone(
    client: FlaskClient, inbox: Inbox
) -> None:
    page = client.get("/auth/register").get_data(as_text=True)
    assert 'name="time_zone"' in page and "js/time-zone.js" in page


def test_the_first_instructor_gets_the_browser_time_zone(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        token = issue_setup_token()
        db.session.commit()
    page = client.get(f"/auth/setup/{token}").get_data(as_text=True)
    assert 'name="time_zone"' in page and "js/time-zone.js" in page
    first = {
        "display_name": "Dr Ada",
        "email": "ada@clinic.example",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "time_zone": "America/Chicago",
    }
    assert post_form(client, f"/auth/setup/{token}", first).status_code == 302
    with app.app_context():
        user = db.session.scalars(User.by_email("ada@clinic.example")).one()
        assert (user.role, user.time_zone) == (Role.INSTRUCTOR, "America/Chicago")
