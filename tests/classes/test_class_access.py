"""Who may use a class: its owner and co-instructors (one rule, services.teaching),
for its own learners only; everyone else is refused."""

from __future__ import annotations

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from quizapp.classes import services
from quizapp.extensions import db
from quizapp.models import Classroom, Role, User
from tests.classes.conftest import Classes
from tests.conftest import Accounts, csrf_token

LEARNER_ROUTES = {"classes.join", "classes.join_link", "classes.mine", "classes.leave"}
OWNER, CO, OTHER, LEARNER, ANON = "owner", "co-instructor", "other instructor", "learner", "anon"
SIGN_IN = "sign-in"
# Every class route × who: what the owner and a co-instructor get (a POST carries only
# its CSRF token, so forms with fields come back 400); every other instructor gets 404
# (as if the class did not exist), a learner of the class 403, a visitor the sign-in page.
OWNER_AND_CO: dict[tuple[str, str], tuple[int, int]] = {
    ("GET", "classes.show"): (200, 200),
    ("GET", "classes.learner"): (200, 200),
    ("GET", "classes.items"): (200, 200),
    ("GET", "classes.roster_csv"): (200, 200),
    ("GET", "classes.items_csv"): (200, 200),
    ("POST", "classes.regenerate_code"): (303, 303),
    ("POST", "classes.set_joining"): (303, 303),
    ("POST", "classes.refresh_figures"): (303, 303),
    ("GET", "classes.manage"): (200, 200),
    ("POST", "classes.rename"): (400, 400),
    ("GET", "classes.join_sheet"): (200, 200),
    ("GET", "classes.remove_learner"): (200, 200),
    ("POST", "classes.remove_learner"): (303, 303),
    # only the owner archives, restores and chooses co-instructors
    ("POST", "classes.archive"): (303, 403),
    ("POST", "classes.restore"): (303, 403),
    ("POST", "classes.add_co_instructor"): (400, 403),
    ("POST", "classes.remove_co_instructor"): (303, 403),
}
ORDER = (ANON, LEARNER, OTHER, CO, OWNER)  # the owner last: archiving changes the class


def class_routes(app: Flask) -> set[tuple[str, str]]:
    """(method, endpoint) of every class page an instructor uses."""
    return {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("classes.")
        and "classroom_id" in rule.arguments
        and rule.endpoint not in LEARNER_ROUTES
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_class_route_is_in_the_class_matrix(app: Flask) -> None:
    assert class_routes(app) == set(OWNER_AND_CO)


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
    values = {"classroom_id": classroom_id, "learner_id": learner.id, "instructor_id": 1}
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


@pytest.mark.parametrize(("method", "endpoint"), sorted(OWNER_AND_CO))
def test_class_access_matrix(
    app: Flask,
    build: Classes,
    accounts: Accounts,
    client: FlaskClient,
    instructor: User,
    instructor_client: FlaskClient,
    learner: User,
    learner_client: FlaskClient,
    other_instructor: tuple[User, FlaskClient],
    method: str,
    endpoint: str,
) -> None:
    classroom_id = build.classroom(instructor)
    co = accounts.create("co@example.org", Role.INSTRUCTOR, name="Co Teacher")
    co_client = app.test_client()
    accounts.login(co_client, co.email)
    with app.app_context():
        services.add_co_instructor(db.session.get(Classroom, classroom_id), co)
        db.session.commit()
    clients = {
        ANON: client,
        LEARNER: learner_client,
        OTHER: other_instructor[1],
        CO: co_client,
        OWNER: instructor_client,
    }
    owner, co_instructor = OWNER_AND_CO[(method, endpoint)]
    expected = {ANON: SIGN_IN, LEARNER: 403, OTHER: 404, CO: co_instructor, OWNER: owner}
    with app.test_request_context():
        path = url_for(
            endpoint, classroom_id=classroom_id, learner_id=learner.id, instructor_id=co.id
        )
    for who in ORDER:
        build.enrol(classroom_id, learner)  # back in the class if the last request removed them
        data = {"csrf_token": csrf_token(clients[who])} if method == "POST" else None
        response = clients[who].open(path, method=method, data=data)
        if expected[who] == SIGN_IN:
            assert response.status_code == 302, who
            assert response.headers["Location"].startswith("/auth/login?next="), who
        else:
            assert response.status_code == expected[who], (who, response.status_code)
