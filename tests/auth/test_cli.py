"""``quizapp user ...`` as an operator uses it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner

from quizapp.extensions import db
from quizapp.models import Role, User
from tests.conftest import PASSWORD, Accounts


def test_create_reads_the_password_from_stdin(
    app: Flask, runner: FlaskCliRunner, accounts: Accounts
) -> None:
    result = runner.invoke(
        args=["user", "create", "nurse@example.org", "--role", "instructor"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "Created instructor nurse@example.org." in result.output
    assert accounts.login(app.test_client(), "nurse@example.org").status_code == 302


def test_create_refuses_a_weak_password(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["user", "create", "x@example.org"], input="password\n")
    assert result.exit_code == 1
    assert "commonly used passwords" in result.output


def test_set_role_and_list(app: Flask, runner: FlaskCliRunner, learner: User) -> None:
    result = runner.invoke(args=["user", "set-role", learner.email, "instructor"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(User.by_email(learner.email)).role is Role.INSTRUCTOR
    listing = runner.invoke(args=["user", "list"]).output
    assert "instructor" in listing and learner.email in listing


def test_set_role_of_an_unknown_email_fails(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["user", "set-role", "ghost@example.org", "learner"])
    assert result.exit_code == 1
    assert "No account with the email address ghost@example.org." in result.output
