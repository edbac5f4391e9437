"""Classes: an instructor creates one and shares a code; learners join and leave."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Classroom, Enrolment, Role
from tests.conftest import Accounts, post_form

CODE = re.compile(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>")


def create_class(client: FlaskClient, name: str = "Ward 7 nurses") -> tuple[int, str]:
    response = post_form(client, "/classes/", {"name": name})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1]), CODE.search(page).group(1)


def members(app: Flask, classroom_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(Enrolment)
            .where(Enrolment.classroom_id == classroom_id)
        )


def test_a_learner_joins_with_the_code_typed_loosely_and_once(
    app: Flask, instructor_client: FlaskClient, learner_client: FlaskClient
) -> None:
    classroom_id, code = create_class(instructor_client)
    typed = " " + code.lower().replace("-", " ") + " "
    assert post_form(learner_client, "/classes/join", {"code": typed}).status_code == 302
    again = post_form(learner_client, "/classes/join", {"code": code}, follow_redirects=True)
    assert "You are already in Ward 7 nurses." in again.get_data(as_text=True)
    assert members(app, classroom_id) == 1
    roster = instructor_client.get(f"/classes/{classroom_id}").get_data(as_text=True)
    assert "Lee Learner" in roster and "Roster (1)" in roster


def test_wrong_regenerated_and_closed_codes_are_refused_alike(
    app: Flask, instructor_client: FlaskClient, learner_client: FlaskClient
) -> None:
    classroom_id, old_code = create_class(instructor_client)
    message = "No open class has this code."
    wrong = post_form(learner_client, "/classes/join", {"code": "AAAAA-BBBBB"})
    assert wrong.status_code == 400 and message in wrong.get_data(as_text=True)

    post_form(instructor_client, f"/classes/{classroom_id}/code", {})
    stale = post_form(learner_client, "/classes/join", {"code": old_code})
    assert stale.status_code == 400 and message in stale.get_data(as_text=True)
    new_code = CODE.search(
        instructor_client.get(f"/classes/{classroom_id}").get_data(as_text=True)
    ).group(1)
    assert new_code != old_code

    for _ in range(2):  # a double click on "Close joining" leaves it closed
        post_form(instructor_client, f"/classes/{classroom_id}/joining", {"open": "0"})
    closed = post_form(learner_client, "/classes/join", {"code": new_code})
    assert closed.status_code == 400 and message in closed.get_data(as_text=True)
    post_form(instructor_client, f"/classes/{classroom_id}/joining", {"open": "1"})
    assert post_form(learner_client, "/classes/join", {"code": new_code}).status_code == 302
    assert members(app, classroom_id) == 1


def test_a_learner_can_leave(
    app: Flask, instructor_client: FlaskClient, learner_client: FlaskClient
) -> None:
    classroom_id, code = create_class(instructor_client)
    post_form(learner_client, "/classes/join", {"code": code})
    assert "Ward 7 nurses" in learner_client.get("/classes/mine").get_data(as_text=True)
    assert post_form(learner_client, f"/classes/{classroom_id}/leave", {}).status_code == 303
    assert members(app, classroom_id) == 0
    assert post_form(learner_client, f"/classes/{classroom_id}/leave", {}).status_code == 404


def test_instructors_see_only_their_own_classes(
    app: Flask, accounts: Accounts, instructor_client: FlaskClient
) -> None:
    classroom_id, _ = create_class(instructor_client, "Mine")
    accounts.create("other@example.org", Role.INSTRUCTOR, name="Other Teacher")
    other = app.test_client()
    accounts.login(other, "other@example.org")
    assert other.get(f"/classes/{classroom_id}").status_code == 404
    assert post_form(other, f"/classes/{classroom_id}/code", {}).status_code == 404
    assert "Mine" not in other.get("/classes/").get_data(as_text=True)


def test_join_codes_are_long_random_and_unambiguous(
    app: Flask, instructor_client: FlaskClient
) -> None:
    codes = {create_class(instructor_client, f"Class {n}")[1] for n in range(20)}
    assert len(codes) == 20
    assert not any(ch in code for code in codes for ch in "01OIL")
    with app.app_context():
        assert all(len(c.join_code) == 10 for c in db.session.scalars(select(Classroom)))


def test_joining_is_rate_limited(learner_client: FlaskClient) -> None:
    statuses = [
        post_form(learner_client, "/classes/join", {"code": f"WRONG{n:05d}"}).status_code
        for n in range(11)
    ]
    assert statuses[-1] == 429


def test_a_double_clicked_create_makes_one_class(
    app: Flask, instructor_client: FlaskClient
) -> None:
    first = post_form(instructor_client, "/classes/", {"name": "Evening cohort"})
    again = post_form(instructor_client, "/classes/", {"name": "Evening cohort"})
    assert first.status_code == 302
    assert again.status_code == 400
    assert "You already have a class with this name." in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Classroom)) == 1
