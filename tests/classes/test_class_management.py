"""Running a class: rename, archive and restore, removing a learner, the join link
and sheet, and co-instructors, as the owner, a co-instructor and learners see them."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, quote, urlsplit

import segno
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.account.services import learner_of
from quizapp.classes import services
from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Attempt, Classroom, ReviewLog, Role, User
from tests.classes.conftest import Classes
from tests.classes.test_classes import create_class, members
from tests.conftest import PASSWORD, Accounts, post_form


def page(client: FlaskClient, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def signed_in(app: Flask, accounts: Accounts, email: str, role: Role, name: str) -> FlaskClient:
    accounts.create(email, role, name=name)
    client = app.test_client()
    accounts.login(client, email)
    return client


def test_renaming_keeps_the_class_and_names_stay_unique_per_owner(
    app: Flask, instructor_client: FlaskClient, learner_client: FlaskClient
) -> None:
    classroom_id, code = create_class(instructor_client, "Ward 7")
    create_class(instructor_client, "Ward 8")
    post_form(learner_client, "/classes/join", {"code": code})

    taken = post_form(instructor_client, f"/classes/{classroom_id}/rename", {"name": "Ward 8"})
    assert taken.status_code == 400
    assert "already has a class with this name" in taken.get_data(as_text=True)
    renamed = post_form(
        instructor_client, f"/classes/{classroom_id}/rename", {"name": " Ward 7, spring "}
    )
    assert renamed.status_code == 303
    assert "<h1>Ward 7, spring</h1>" in page(instructor_client, f"/classes/{classroom_id}")
    assert "Ward 7, spring" in page(learner_client, "/classes/mine")
    assert members(app, classroom_id) == 1


def test_an_archived_class_is_read_only_but_keeps_its_reports(
    app: Flask, build: Classes, instructor: User, instructor_client: FlaskClient
) -> None:
    classroom_id = build.classroom(instructor, "Autumn cohort")
    ana = build.learner("Ana", classroom_id)
    question = build.quizzes.items(ItemType.SINGLE, 1)[0]
    build.quiz(ana, [(question, True)])
    with app.app_context():
        code = services.display_code(db.session.get(Classroom, classroom_id).join_code)

    assert post_form(instructor_client, f"/classes/{classroom_id}/archive", {}).status_code == 303
    listing = page(instructor_client, "/classes/")
    archived_part = listing.split('id="archived"', 1)[1]
    assert "Autumn cohort" in archived_part
    assert "Autumn cohort" not in page(instructor_client, "/instructor/")
    show = page(instructor_client, f"/classes/{classroom_id}")
    assert "archived" in show and "Ana" in show and "100%" in show
    assert "Ana" in page(instructor_client, f"/classes/{classroom_id}/roster.csv")
    assert instructor_client.get(f"/classes/{classroom_id}/items").status_code == 200

    newcomer = build.learner("Newcomer")
    newcomer_client = app.test_client()
    build.accounts.login(newcomer_client, newcomer.email)
    refused = post_form(newcomer_client, "/classes/join", {"code": code})
    assert refused.status_code == 400 and "No open class has this code" in refused.get_data(
        as_text=True
    )
    for url, data in (
        (f"/classes/{classroom_id}/rename", {"name": "New name"}),
        (f"/classes/{classroom_id}/code", {}),
        (f"/classes/{classroom_id}/joining", {"open": "1"}),
        (f"/classes/{classroom_id}/learners/{ana.id}/remove", {}),
    ):
        response = post_form(instructor_client, url, data)
        assert response.status_code == 409, url
        assert "restore it to change it" in response.get_data(as_text=True)
    assert members(app, classroom_id) == 1

    assert post_form(instructor_client, f"/classes/{classroom_id}/restore", {}).status_code == 303
    assert post_form(newcomer_client, "/classes/join", {"code": code}).status_code == 302
    assert members(app, classroom_id) == 2
    assert 'id="archived"' not in page(instructor_client, "/classes/")


def counts(app: Flask, learner: User) -> tuple[int, int]:
    with app.app_context():
        attempts = db.session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.learner_id == learner.id)
        )
        reviews = db.session.scalar(
            select(func.count()).select_from(ReviewLog).where(ReviewLog.user_id == learner.id)
        )
        return attempts, reviews


def test_removing_a_learner_keeps_their_data_and_only_the_code_brings_them_back(
    app: Flask,
    build: Classes,
    accounts: Accounts,
    instructor: User,
    instructor_client: FlaskClient,
) -> None:
    classroom_id = build.classroom(instructor)
    ana = build.learner("Ana", classroom_id)
    build.learner("Ben", classroom_id)
    question = build.quizzes.items(ItemType.SINGLE, 1)[0]
    build.quiz(ana, [(question, True)])
    build.reviews(ana, [(card, 3) for card in build.cards(2, "causes")])
    before = counts(app, ana)
    assert before == (1, 2)

    confirm = instructor_client.get(f"/classes/{classroom_id}/learners/{ana.id}/remove")
    assert confirm.status_code == 200
    text = confirm.get_data(as_text=True)
    assert "Remove Ana from Ward 7 nurses?" in text and "stay theirs" in text
    assert members(app, classroom_id) == 2  # looking at the question removes nobody

    removed = post_form(instructor_client, f"/classes/{classroom_id}/learners/{ana.id}/remove", {})
    assert removed.status_code == 303
    assert "Ana is no longer in Ward 7 nurses" in page(
        instructor_client, removed.headers["Location"]
    )
    assert members(app, classroom_id) == 1
    assert counts(app, ana) == before
    roster = page(instructor_client, f"/classes/{classroom_id}")
    assert "Ana" not in roster and "Ben" in roster
    assert instructor_client.get(f"/classes/{classroom_id}/learners/{ana.id}").status_code == 404
    again = post_form(instructor_client, f"/classes/{classroom_id}/learners/{ana.id}/remove", {})
    assert again.status_code == 404

    ana_client = app.test_client()
    accounts.login(ana_client, ana.email)
    assert "Ward 7 nurses" not in page(ana_client, "/classes/mine")
    with app.app_context():
        code = db.session.get(Classroom, classroom_id).join_code
    assert post_form(ana_client, "/classes/join", {"code": code}).status_code == 302
    assert "Ana" in page(instructor_client, f"/classes/{classroom_id}")


def test_the_join_link_takes_a_new_visitor_through_registration_to_the_class(
    app: Flask, instructor_client: FlaskClient, client: FlaskClient
) -> None:
    classroom_id, code = create_class(instructor_client)
    link = f"/classes/join/{code}"
    assert link in page(instructor_client, f"/classes/{classroom_id}")

    to_sign_in = client.get(link)
    assert to_sign_in.status_code == 302
    sign_in_url = to_sign_in.headers["Location"]
    assert sign_in_url == "/auth/login?next=" + quote(link, safe="")
    # "Create an account" on the sign-in page keeps where the visitor was going
    found = re.search(r'href="(/auth/register\?[^"]*)"', page(client, sign_in_url))
    assert found, "no register link carrying next"
    register_url = html.unescape(found.group(1))
    assert parse_qs(urlsplit(register_url).query)["next"] == [link]

    registered = post_form(
        client,
        register_url,
        {
            "display_name": "Nia New",
            "email": "nia@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "time_zone": "UTC",
        },
    )
    assert registered.status_code == 302 and registered.headers["Location"] == link
    confirm = page(client, link)
    assert f'value="{code}"' in confirm and "Join class" in confirm
    assert members(app, classroom_id) == 0  # opening the link alone joins nobody

    joined = post_form(client, "/classes/join", {"code": code}, follow_redirects=True)
    assert "You joined Ward 7 nurses." in joined.get_data(as_text=True)
    assert members(app, classroom_id) == 1


def test_the_join_link_brings_a_registered_learner_back_after_sign_in(
    instructor_client: FlaskClient, client: FlaskClient, accounts: Accounts, learner: User
) -> None:
    _, code = create_class(instructor_client)
    link = f"/classes/join/{code}"
    sign_in = client.get(link).headers["Location"]
    response = post_form(client, sign_in, {"email": learner.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == link


def test_the_join_sheet_draws_its_qr_code_itself(instructor_client: FlaskClient) -> None:
    classroom_id, code = create_class(instructor_client)
    sheet = page(instructor_client, f"/classes/{classroom_id}/sheet")
    link = f"http://localhost/classes/join/{code}"
    assert "Join Ward 7 nurses" in sheet and f"<code>{code}</code>" in sheet and link in sheet
    svg = re.search(r"<svg[^>]*class=\"qr-code\".*?</svg>", sheet, re.S)
    assert svg, "no inline QR code"
    drawn = segno.make(link, error="m").svg_inline(
        scale=1, border=2, omitsize=True, svgclass="qr-code", lineclass=None, light="#fff"
    )
    assert svg.group(0) == drawn  # the code encodes the join link
    # nothing is fetched from elsewhere: every src and href is on this site
    for target in re.findall(r'(?:src|href)="([^"]*)"', sheet):
        assert target.startswith(("/", "#")), target
    with instructor_client.get("/static/css/join-sheet.css") as stylesheet:
        assert "@media print" in stylesheet.get_data(as_text=True)


def test_co_instructors_run_the_class_but_only_the_owner_archives_or_shares_it(
    app: Flask,
    build: Classes,
    accounts: Accounts,
    instructor: User,
    instructor_client: FlaskClient,
) -> None:
    classroom_id = build.classroom(instructor)
    ana = build.learner("Ana", classroom_id)
    co = signed_in(app, accounts, "co@example.org", Role.INSTRUCTOR, "Cora Co")
    other = signed_in(app, accounts, "other@example.org", Role.INSTRUCTOR, "Otto Other")
    url = f"/classes/{classroom_id}/instructors"

    for email in ("nobody@example.org", ana.email):  # no account, or not an instructor
        wrong = post_form(instructor_client, url, {"email": email})
        assert wrong.status_code == 400
        assert "No instructor account has this address." in wrong.get_data(as_text=True)
    assert co.get(f"/classes/{classroom_id}").status_code == 404
    assert post_form(instructor_client, url, {"email": " CO@example.org "}).status_code == 303
    assert post_form(instructor_client, url, {"email": "co@example.org"}).status_code == 303
    assert "Cora Co" in page(instructor_client, f"/classes/{classroom_id}/manage")

    listing = page(co, "/classes/")
    assert "Ward 7 nurses" in listing and "(you co-teach)" in listing
    assert "Ward 7 nurses" in page(co, "/instructor/")
    assert "Ana" in page(co, f"/classes/{classroom_id}/roster.csv")
    with app.app_context():
        co_id = db.session.scalar(select(User.id).where(User.email == "co@example.org"))
        assert learner_of(co_id, ana.id) is not None  # may issue Ana a reset link
    assert post_form(co, f"/classes/{classroom_id}/rename", {"name": "Ward 7B"}).status_code == 303
    assert post_form(co, f"/classes/{classroom_id}/archive", {}).status_code == 403
    assert post_form(co, url, {"email": "other@example.org"}).status_code == 403
    manage = page(co, f"/classes/{classroom_id}/manage")
    assert "Archive the class" not in manage and "Add a co-instructor" not in manage
    assert other.get(f"/classes/{classroom_id}").status_code == 404
    assert "Ward 7B" not in page(other, "/classes/")

    removal = f"/classes/{classroom_id}/instructors/{co_id}/remove"
    assert post_form(instructor_client, removal, {}).status_code == 303
    assert co.get(f"/classes/{classroom_id}").status_code == 404
    assert "Ward 7B" in page(instructor_client, "/classes/")


def test_a_rename_racing_another_tab_to_a_taken_name_is_refused_by_the_database(
    app: Flask, build: Classes, instructor: User
) -> None:
    build.classroom(instructor, "Ward 7")
    second = build.classroom(instructor, "Ward 8")
    with app.app_context():
        classroom = db.session.get(Classroom, second)
        assert classroom is not None
        assert services.rename(classroom, "Ward 7") is False  # past the form's check
        assert services.rename(classroom, "Ward 9") is True
        db.session.commit()
        names = db.session.scalars(select(Classroom.name).order_by(Classroom.id)).all()
    assert names == ["Ward 7", "Ward 9"]
