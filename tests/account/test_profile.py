"""Changing one's name and email address."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import User
from tests.account.conftest import Inbox, body
from tests.conftest import PASSWORD, Accounts, post_form


def save(client: FlaskClient, **fields: str):
    data = {"display_name": "Lee Learner", "email": "learner@example.org", **fields}
    return post_form(client, "/account/profile", data)


def stored(app: Flask, user_id: int) -> tuple[str, str]:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        return user.display_name, user.email


def test_account_page_is_in_the_menu_and_private(learner_client: FlaskClient) -> None:
    home = learner_client.get("/").get_data(as_text=True)
    assert 'href="/account/"' in home
    page = learner_client.get("/account/")
    assert page.status_code == 200
    assert 'value="learner@example.org"' in page.get_data(as_text=True)
    assert "no-store" in page.headers["Cache-Control"]


def test_name_changes_without_the_password(
    app: Flask, learner_client: FlaskClient, learner: User
) -> None:
    response = save(learner_client, display_name="  Lee Smith ")
    assert response.status_code == 303
    assert stored(app, learner.id) == ("Lee Smith", "learner@example.org")
    assert "Signed in as Lee Smith" in learner_client.get("/").get_data(as_text=True)


def test_email_change_needs_the_current_password(
    app: Flask, learner_client: FlaskClient, learner: User
) -> None:
    for password in ("", "not my password"):
        refused = save(learner_client, email="new@example.org", current_password=password)
        assert refused.status_code == 400
        assert "enter your current password" in refused.get_data(as_text=True)
    assert stored(app, learner.id)[1] == "learner@example.org"


def test_email_changes_with_the_password_and_is_used_to_sign_in(
    app: Flask, learner_client: FlaskClient, accounts: Accounts, learner: User
) -> None:
    response = save(learner_client, email=" New@Example.org ", current_password=PASSWORD)
    assert response.status_code == 303
    assert stored(app, learner.id)[1] == "new@example.org"
    assert accounts.login(app.test_client(), "new@example.org").status_code == 302
    assert accounts.login(app.test_client(), "learner@example.org").status_code == 400


def test_email_of_another_account_is_refused(
    app: Flask, learner_client: FlaskClient, instructor: User, learner: User
) -> None:
    refused = save(learner_client, email=instructor.email.upper(), current_password=PASSWORD)
    assert refused.status_code == 400
    assert "Another account uses this email address." in refused.get_data(as_text=True)
    assert stored(app, learner.id)[1] == "learner@example.org"


def test_bad_input_gets_a_message_not_an_error(learner_client: FlaskClient) -> None:
    for fields in ({"email": "not an email"}, {"display_name": ""}, {"display_name": "x" * 81}):
        assert save(learner_client, **fields).status_code == 400
    assert learner_client.post("/account/profile", data={"display_name": "x"}).status_code == 400


def test_old_address_is_told_when_mail_is_on(learner_client: FlaskClient, inbox: Inbox) -> None:
    assert (
        save(learner_client, email="new@example.org", current_password=PASSWORD).status_code == 303
    )
    (message,) = inbox.wait(1)
    assert message["To"] == "learner@example.org"
    assert "changed to new@example.org" in body(message)


def test_signed_out_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    for url in ("/account/", "/account/delete", "/account/my-data.zip"):
        assert client.get(url).headers["Location"].startswith("/auth/login")
