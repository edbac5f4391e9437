"""Time zones: the browser's zone is stored at registration (UTC without script or
with a name zoneinfo does not know), and every page with dates shows them in the
reader's own zone with its name: the learner's on their pages, the instructor's on
class views and the bank."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.auth import services as account_services
from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Item, Role, User
from tests.classes.conftest import Classes
from tests.conftest import Accounts, csrf_token
from tests.quiz.conftest import Quizzes

# 12:00 UTC is 13:00 in Paris and 07:00 in New York (both on winter time).
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
LEARNER_ZONE, INSTRUCTOR_ZONE = "Europe/Paris", "America/New_York"


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    app = make_app(CLOCK=lambda: NOW)
    with app.app_context():
        db.create_all()
    return app


def text_of(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def register(client: FlaskClient, **zone: str) -> User:
    response = client.post(
        "/auth/register",
        data={
            "csrf_token": csrf_token(client, "/auth/register"),
            "display_name": "Pat",
            "email": "pat@example.org",
            "password": "a long enough passphrase",
            "confirm": "a long enough passphrase",
            **zone,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    user = db.session.scalar(User.by_email("pat@example.org"))
    assert user is not None
    return user


def test_the_register_page_asks_its_script_for_the_browsers_zone(client: FlaskClient) -> None:
    page = client.get("/auth/register").get_data(as_text=True)
    assert re.search(r'<input[^>]*data-detect-time-zone[^>]*name="time_zone"[^>]*value="UTC"', page)
    assert "/static/js/time-zone.js" in page
    with client.get("/static/js/time-zone.js") as script:
        assert "Intl.DateTimeFormat().resolvedOptions().timeZone" in script.get_data(as_text=True)


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ({"time_zone": "Asia/Kolkata"}, "Asia/Kolkata"),
        ({}, "UTC"),  # no script
        ({"time_zone": "Mars/Olympus_Mons"}, "UTC"),
        ({"time_zone": "../../etc/passwd"}, "UTC"),
    ],
)
def test_registration_stores_the_zone_the_browser_reported(
    app: Flask, client: FlaskClient, sent: dict[str, str], stored: str
) -> None:
    with app.app_context():
        assert register(client, **sent).time_zone == stored


def with_zone(app: Flask, user: User, zone: str) -> None:
    with app.app_context():
        account_services.set_time_zone(user.id, zone)
        db.session.commit()


def signed_in(app: Flask, accounts: Accounts, user: User) -> FlaskClient:
    client = app.test_client()
    assert accounts.login(client, user.email).status_code == 302
    return client


def test_every_page_with_dates_shows_them_in_the_readers_zone_with_its_name(
    app: Flask, bank: object, accounts: Accounts
) -> None:
    quizzes = Quizzes(app)
    classes = Classes(app, accounts, quizzes)
    instructor = accounts.create("teacher@example.org", Role.INSTRUCTOR, name="Ivy")
    classroom = classes.classroom(instructor)
    learner = classes.learner("Lee", classroom)
    with_zone(app, learner, LEARNER_ZONE)
    with_zone(app, instructor, INSTRUCTOR_ZONE)
    attempt = classes.quiz(learner, [(i, True) for i in quizzes.items(ItemType.SINGLE, 2)])
    with app.app_context():
        item_id = db.session.scalar(select(Item.id).order_by(Item.id).limit(1))

    mine = signed_in(app, accounts, learner)
    paris = f"({LEARNER_ZONE})"
    assert f"02 Mar 2026, 13:00 {paris}" in text_of(mine, "/quiz/history")
    assert f"Finished 02 March 2026, 13:00 {paris}" in text_of(
        mine, f"/quiz/attempt/{attempt}/results"
    )
    dashboard = text_of(mine, "/progress/")
    assert f"Mon 2 Mar 2026, 13:00 {paris}" in dashboard
    assert f"in your time zone, {LEARNER_ZONE}" in dashboard
    assert "UTC" not in text_of(mine, "/quiz/history")

    theirs = signed_in(app, accounts, instructor)
    new_york = f"({INSTRUCTOR_ZONE})"
    assert f"2026-03-02 {new_york}" in text_of(theirs, "/classes/")
    assert f"2026-03-02 {new_york}" in text_of(theirs, f"/classes/{classroom}")
    learner_page = text_of(theirs, f"/classes/{classroom}/learners/{learner.id}")
    assert f"since 02 Mar 2026 {new_york}" in learner_page
    assert f"02 Mar 2026, 07:00 {new_york}" in learner_page
    versions = text_of(theirs, f"/bank/items/{item_id}")
    assert re.search(rf"\d{{4}}-\d\d-\d\d \d\d:\d\d \({re.escape(INSTRUCTOR_ZONE)}\)", versions)
