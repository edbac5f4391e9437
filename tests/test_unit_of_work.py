"""The unit of work (quizapp.database): a request or a command commits once at
its end, a failure undoes all of it, and an expected duplicate undoes only the
savepoint around it."""

from __future__ import annotations

from collections.abc import Callable

import click
import pytest
from flask import Flask, abort, flash
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.auth import services as accounts
from quizapp.classes import services as classes
from quizapp.cli_groups import Group
from quizapp.extensions import db
from quizapp.models import Classroom, User
from tests.conftest import PASSWORD


def emails(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(User.email).order_by(User.email)))


def route(app: Flask, view: Callable[[], object]) -> FlaskClient:
    """A test-only page at /uow running ``view``, on an app that shows error pages
    (as production does) instead of raising into the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/uow", "uow", view)
    return app.test_client()


def test_two_services_in_a_request_keep_their_work_when_the_second_hits_a_duplicate(
    app: Flask, instructor: User
) -> None:
    with app.app_context():
        classes.create_classroom("Ward 7", db.session.get(User, instructor.id))
        db.session.commit()

    def view() -> str:
        teacher = db.session.get(User, instructor.id)
        teacher.display_name = "Renamed"  # pending, not yet flushed
        accounts.create_user("new@example.org", "New", PASSWORD)
        classroom, created = classes.create_classroom("Ward 7", teacher)  # the duplicate
        return f"{classroom.name} {created}"

    response = route(app, view).get("/uow")

    assert response.status_code == 200
    assert response.text == "Ward 7 False"
    assert "new@example.org" in emails(app)
    with app.app_context():
        assert db.session.get(User, instructor.id).display_name == "Renamed"
        assert db.session.scalar(select(func.count(Classroom.id))) == 1


def test_an_exception_in_a_view_leaves_nothing_committed(app: Flask) -> None:
    def view() -> str:
        accounts.create_user("half@example.org", "Half", PASSWORD)
        db.session.flush()
        raise RuntimeError("the view fails after writing")

    response = route(app, view).get("/uow")

    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert emails(app) == []


def test_an_error_status_rolls_back_what_the_view_wrote(app: Flask) -> None:
    def view() -> str:
        accounts.create_user("refused@example.org", "Refused", PASSWORD)
        abort(409)

    assert route(app, view).get("/uow").status_code == 409
    assert emails(app) == []


def test_a_failing_commit_is_an_error_page_not_a_success(app: Flask) -> None:
    """The commit runs before the response is sent, so the person sees that the
    save failed instead of a page that says it worked."""

    def view() -> str:
        for name in ("One", "Two"):  # the same email twice: only the commit finds out
            db.session.add(User(email="twin@example.org", display_name=name, password_hash="x"))
        flash("Both saved.")
        return "Saved the twins."

    client = route(app, view)
    response = client.get("/uow")

    assert response.status_code == 500
    assert "Saved the twins." not in response.text
    assert "Both saved." not in response.text  # nor a message that claims it worked
    assert emails(app) == []
    with client.session_transaction() as session:
        assert "_flashes" not in session


def test_a_command_commits_when_it_returns_and_rolls_back_when_it_fails(app: Flask) -> None:
    group = Group("uow")

    @group.command("add")
    @click.argument("email")
    @click.option("--fail", is_flag=True)
    def add(email: str, fail: bool) -> None:
        accounts.create_user(email, "Someone", PASSWORD)
        if fail:
            raise click.ClickException("refused after writing")

    app.cli.add_command(group)
    runner = app.test_cli_runner()

    assert runner.invoke(args=["uow", "add", "kept@example.org"]).exit_code == 0
    assert runner.invoke(args=["uow", "add", "lost@example.org", "--fail"]).exit_code == 1
    assert emails(app) == ["kept@example.org"]


@pytest.mark.parametrize("first_statement", ["read", "savepoint"])
def test_a_savepoint_never_commits_on_its_own(app: Flask, first_statement: str) -> None:
    """SQLite's driver opens a transaction only before a write; a savepoint that
    came first would otherwise commit when released."""
    with app.app_context():
        if first_statement == "read":
            db.session.scalar(select(func.count(User.id)))
        with db.session.begin_nested():
            accounts.create_user("inside@example.org", "Inside", PASSWORD)
        db.session.rollback()
    assert emails(app) == []
