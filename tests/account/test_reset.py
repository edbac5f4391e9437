"""Forgotten passwords: one-time, expiring links by email, from an instructor, or
from ``quizapp user reset-link``."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from quizapp.account.routes import FORGOT_SENT
from quizapp.extensions import db
from quizapp.models import PasswordReset, Role, User
from tests.account.conftest import (
    BASE_URL,
    Clock,
    Inbox,
    body,
    free_port,
    link_in,
    mail_settings,
    page_text,
)
from tests.classes.conftest import Classes
from tests.conftest import Accounts, post_form

NEW_PASSWORD = "a brand new passphrase for me"


def choose(client: FlaskClient, link: str, password: str = NEW_PASSWORD):
    return post_form(client, link, {"password": password, "confirm": password})


def ask_for_link(client: FlaskClient, email: str):
    return post_form(client, "/account/forgot", {"email": email}, follow_redirects=True)


def test_emailed_link_sets_a_new_password_once(
    client: FlaskClient, accounts: Accounts, learner: User, inbox: Inbox
) -> None:
    page = ask_for_link(client, "  Learner@Example.org ")
    assert page.status_code == 200
    assert FORGOT_SENT.format(minutes=60) in page.get_data(as_text=True)
    (message,) = inbox.wait(1)
    assert message["To"] == learner.email
    assert "choose a new password" in body(message)
    link = link_in(message)

    assert client.get(link).status_code == 200
    assert choose(client, link).headers["Location"] == "/auth/login"
    assert accounts.login(client, learner.email).status_code == 400
    assert accounts.login(client, learner.email, NEW_PASSWORD).status_code == 302

    again = app_client = client.application.test_client()
    assert again.get(link).status_code == 404
    assert "no longer works" in again.get(link).get_data(as_text=True)
    assert choose(app_client, link, "yet another passphrase here").status_code == 404
    assert accounts.login(app_client, learner.email, NEW_PASSWORD).status_code == 302


def test_forgot_page_answers_the_same_for_an_unknown_address(
    client: FlaskClient, learner: User, inbox: Inbox
) -> None:
    unknown = ask_for_link(client, "nobody@example.org")
    known = ask_for_link(client, learner.email)
    assert unknown.status_code == known.status_code == 200
    assert FORGOT_SENT.format(minutes=60) in unknown.get_data(as_text=True)
    assert page_text(unknown) == page_text(known)
    # Only the known address got mail: the one message is the second request's.
    assert [message["To"] for message in inbox.wait(1)] == [learner.email]


def test_only_a_hash_of_the_token_is_stored(
    app: Flask, client: FlaskClient, learner: User, inbox: Inbox
) -> None:
    ask_for_link(client, learner.email)
    token = link_in(inbox.wait(1)[0]).rsplit("/", 1)[1]
    with app.app_context():
        (stored,) = db.session.scalars(select(PasswordReset.token_hash))
    assert token not in stored and len(stored) == 64


def test_link_expires_after_an_hour(
    runner: FlaskCliRunner, client: FlaskClient, clock: Clock, learner: User
) -> None:
    first = reset_link(runner, learner.email)
    clock.advance(minutes=59)
    assert client.get(first).status_code == 200
    clock.advance(minutes=2)
    assert client.get(first).status_code == 404
    assert choose(client, first).status_code == 404


def test_a_new_link_replaces_the_earlier_one(runner: FlaskCliRunner, client: FlaskClient) -> None:
    learner = "learner@example.org"
    Accounts(client.application).create(learner)
    first, second = reset_link(runner, learner), reset_link(runner, learner)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_a_weak_password_is_refused_and_the_link_still_works(
    runner: FlaskCliRunner, client: FlaskClient, learner: User
) -> None:
    link = reset_link(runner, learner.email)
    refused = choose(client, link, "password1")
    assert refused.status_code == 400
    assert "commonly used passwords" in refused.get_data(as_text=True)
    assert choose(client, link).status_code == 303


def test_resetting_signs_out_every_other_device(
    runner: FlaskCliRunner, client: FlaskClient, learner_client: FlaskClient, learner: User
) -> None:
    assert learner_client.get("/progress/").status_code == 200
    choose(client, reset_link(runner, learner.email))
    assert learner_client.get("/progress/").status_code == 302


def test_without_mail_the_forgot_page_says_who_can_make_a_link(
    client: FlaskClient, make_app
) -> None:
    page = client.get("/account/forgot").get_data(as_text=True)
    assert "your instructor" in page and "the person who runs this site" in page
    assert "quizapp user" not in page  # no shell command for a patient
    assert 'name="email"' not in page
    helped = make_app(SUPPORT_CONTACT="help@ward7.example").test_client()
    assert "help@ward7.example" in helped.get("/account/forgot").get_data(as_text=True)


def reset_link(runner: FlaskCliRunner, email: str) -> str:
    result = runner.invoke(args=["user", "reset-link", email, "--base-url", "https://quiz.test"])
    assert result.exit_code == 0, result.output
    url = result.output.strip().splitlines()[-1]
    assert url.startswith("https://quiz.test/account/reset/")
    return url.removeprefix("https://quiz.test")


def test_cli_link_works_and_unknown_email_fails(
    runner: FlaskCliRunner, client: FlaskClient, accounts: Accounts, learner: User
) -> None:
    assert choose(client, reset_link(runner, learner.email.upper())).status_code == 303
    assert accounts.login(client, learner.email, NEW_PASSWORD).status_code == 302
    result = runner.invoke(args=["user", "reset-link", "ghost@example.org"])
    assert result.exit_code == 1
    assert "No account with the email address ghost@example.org" in result.output


def test_instructor_makes_a_link_only_for_their_own_learners(
    app: Flask, build: Classes, accounts: Accounts, instructor: User
) -> None:
    mine = build.classroom(instructor)
    other_instructor = accounts.create("other@example.org", Role.INSTRUCTOR, name="Otto")
    theirs = build.classroom(other_instructor, "Other ward")
    my_learner = build.learner("Mia", mine)
    their_learner = build.learner("Theo", theirs)
    loner = build.learner("Lone")

    teacher = app.test_client()
    accounts.login(teacher, instructor.email)
    learner_page = teacher.get(f"/classes/{mine}/learners/{my_learner.id}").get_data(as_text=True)
    action = f"/account/learners/{my_learner.id}/reset-link"
    assert f'action="{action}"' in learner_page

    issued = post_form(teacher, action, {})
    assert issued.status_code == 200
    page = issued.get_data(as_text=True)
    assert "no-store" in issued.headers["Cache-Control"]
    link = page.split('value="http://localhost', 1)[1].split('"', 1)[0]
    assert link.startswith("/account/reset/")
    for learner in (their_learner, loner, other_instructor):
        assert (
            post_form(teacher, f"/account/learners/{learner.id}/reset-link", {}).status_code == 403
        )
    student = app.test_client()
    accounts.login(student, their_learner.email)
    assert post_form(student, action, {}).status_code == 403

    assert choose(app.test_client(), link).status_code == 303
    assert accounts.login(app.test_client(), my_learner.email, NEW_PASSWORD).status_code == 302


def test_an_unreachable_mail_server_changes_nothing_for_the_visitor(
    make_app: Callable[..., Flask], app: Flask, learner: User
) -> None:
    down = make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=free_port(),
        MAIL_USE_TLS=False,
        BASE_URL="https://quiz.test",
    )
    client = down.test_client()
    page = ask_for_link(client, learner.email)
    assert page.status_code == 200
    assert FORGOT_SENT.format(minutes=60) in page.get_data(as_text=True)


def test_a_reset_signs_out_whoever_was_signed_in_on_the_browser(
    app: Flask, runner: FlaskCliRunner, accounts: Accounts, learner: User
) -> None:
    """On a shared computer, the person signed in before stops being signed in on
    the server too: a copy of their session cookie no longer works."""
    previous = accounts.create("previous@example.org", name="Pat Previous")
    shared = app.test_client()
    assert accounts.login(shared, previous.email).status_code == 302
    cookie = shared.get_cookie("session")
    assert cookie is not None
    copy = app.test_client()
    copy.set_cookie("session", cookie.value)
    assert copy.get("/progress/").status_code == 200

    assert choose(shared, reset_link(runner, learner.email)).status_code == 303
    assert shared.get("/progress/").status_code == 302
    assert copy.get("/progress/").status_code == 302


def test_the_forgot_page_and_the_cli_follow_the_settings(
    make_app: Callable[..., Flask], clock: Clock, learner: User, inbox: Inbox
) -> None:
    app = make_app(CLOCK=clock, PASSWORD_RESET_MAX_AGE_MINUTES=30, **mail_settings(inbox))
    page = ask_for_link(app.test_client(), learner.email).get_data(as_text=True)
    assert "within 30 minutes" in page and "within the hour" not in page
    assert "within 30 minutes" in body(inbox.wait(1)[0])
    result = app.test_cli_runner().invoke(args=["user", "reset-link", learner.email])
    assert result.output.strip().splitlines()[-1].startswith(BASE_URL + "/account/reset/")
