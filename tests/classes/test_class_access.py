"""Who sees a class's analytics: its own instructor, for its own learners only."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.models import Role, User
from tests.classes.conftest import Classes
from tests.conftest import Accounts, csrf_token

LEARNER_ROUTES = {"classes.join", "classes.mine", "classes.leave"}


@pytest.fixture
def other_instructor(app: Flask, accounts: Accounts) -> tuple[User, FlaskClient]:
    user = accounts.create("other@example.org", Role.INSTRUCTOR, name="Other Teacher")
    client = app.test_client()
    accounts.login(client, user.email)
    return user, client


def test_another_instructor_gets_404_for_every_page_of_my_class(
    build: Classes, instructor: User, other_instructor: tuple[User, FlaskClient]
) -> None:
    classroom_id = build.classroom(instructor)
    ana = build.learner("Ana", classroom_id)
    _, other = other_instructor
    for url in (
        f"/classes/{classroom_id}",
        f"/classes/{classroom_id}/learners/{ana.id}",
        f"/classes/{classroom_id}/items",
        f"/classes/{classroom_id}/roster.csv",
        f"/classes/{classroom_id}/items.csv",
    ):
        assert other.get(url).status_code == 404, url


def test_an_instructor_never_sees_a_learner_outside_the_class(
    build: Classes,
    instructor: User,
    instructor_client: FlaskClient,
    other_instructor: tuple[User, FlaskClient],
) -> None:
    mine, my_other = build.classroom(instructor, "Mine"), build.classroom(instructor, "Also mine")
    theirs = build.classroom(other_instructor[0], "Theirs")
    member = build.learner("Member", mine)
    in_my_other_class = build.learner("Elsewhere", my_other)
    in_their_class = build.learner("Theirs", theirs)
    in_no_class = build.learner("Alone")
    assert instructor_client.get(f"/classes/{mine}/learners/{member.id}").status_code == 200
    for learner in (in_my_other_class, in_their_class, in_no_class):
        assert instructor_client.get(f"/classes/{mine}/learners/{learner.id}").status_code == 404
    their_learner = f"/classes/{theirs}/learners/{in_their_class.id}"
    assert instructor_client.get(their_learner).status_code == 404
    page = instructor_client.get(f"/classes/{mine}").get_data(as_text=True)
    assert "Member" in page and "Elsewhere" not in page and "Alone" not in page
    csv = instructor_client.get(f"/classes/{mine}/roster.csv").get_data(as_text=True)
    assert "Member" in csv and "Elsewhere" not in csv and "Theirs" not in csv


def test_a_learner_gets_403_on_every_instructor_class_route(
    app: Flask, build: Classes, instructor: User, learner: User, learner_client: FlaskClient
) -> None:
    classroom_id = build.classroom(instructor)
    build.enrol(classroom_id, learner)
    values = {"classroom_id": classroom_id, "learner_id": learner.id}
    token, checked = csrf_token(learner_client), 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("classes.") and rule.endpoint not in LEARNER_ROUTES:
            path = rule.build(values, append_unknown=False)[1]
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                data = {"csrf_token": token} if method == "POST" else None
                response = learner_client.open(path, method=method, data=data)
                assert response.status_code == 403, (method, path)
                checked += 1
    assert checked >= 10  # the class pages, learner pages, item analysis and the CSVs
