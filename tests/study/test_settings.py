"""Study settings: validated at the field, stored per learner, used by the schedule."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import User
from tests.conftest import csrf_token
from tests.study.conftest import Learner
from tests.study.pages import Page, StudyPage

VALID = {"desired_retention": "0.85", "new_per_day": "5", "time_zone": "Europe/Paris"}


def save(client: FlaskClient, **values: str) -> Page:
    data = {**VALID, **values, "csrf_token": csrf_token(client, "/study/settings")}
    response = client.post("/study/settings", data=data, follow_redirects=True)
    return Page.read(response.status_code, response.get_data(as_text=True))


def field_error(page: Page, name: str) -> str:
    """The error shown next to a field, which the field points at for screen readers."""
    found = re.search(rf'<p class="error" id="{name}-error">(.+?)</p>', page.html)
    assert found, f"no error at {name}"
    assert f'aria-describedby="{name}-hint {name}-error"' in page.html
    return found.group(1)


def test_the_defaults_are_shown_before_anything_is_saved(learner_client: FlaskClient) -> None:
    response = learner_client.get("/study/settings")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="0.9"' in html and 'value="20"' in html
    assert '<option selected value="UTC">UTC</option>' in html
    assert 'id="study-device-zone"' in html  # shown by study.js where the browser knows its zone


def test_saved_settings_are_kept_and_shown(learner_client: FlaskClient, student: Learner) -> None:
    page = save(learner_client)
    assert page.status == 200
    assert "Your study settings are saved." in page.text
    assert "5 new cards a day (5 left today)" in page.text
    assert "desired retention 0.85" in page.text
    assert "your day starts at midnight, Europe/Paris time" in page.text
    assert save(learner_client, new_per_day="7").status == 200  # an update, not a second row
    assert "7 new cards a day" in StudyPage(learner_client).open("/study/").text


def test_the_time_zone_chosen_here_is_the_accounts(
    app: Flask, learner_client: FlaskClient, student: Learner
) -> None:
    """One zone per account: the form writes it to the account, and every area
    (progress, quiz times) reads it from there."""
    save(learner_client, time_zone="Asia/Kathmandu")
    with app.app_context():
        assert db.session.get(User, student.id).time_zone == "Asia/Kathmandu"
    assert '<option selected value="Asia/Kathmandu">' in learner_client.get("/study/settings").text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("desired_retention", "0.69", "Choose a number from 0.70 to 0.97."),
        ("desired_retention", "0.98", "Choose a number from 0.70 to 0.97."),
        ("desired_retention", "nan", "Choose a number from 0.70 to 0.97."),
        (
            "desired_retention",
            "ninety",
            "That is not a number. Choose a number from 0.70 to 0.97.",
        ),
        ("desired_retention", "", "Enter a number from 0.70 to 0.97."),
        ("new_per_day", "-1", "Choose a whole number from 0 to 9999."),
        ("new_per_day", "10000", "Choose a whole number from 0 to 9999."),
        ("new_per_day", "2.5", "That is not a whole number. Choose a whole number from 0 to 9999."),
        ("time_zone", "Mars/Olympus_Mons", "Choose a time zone from the list."),
    ],
)
def test_bad_settings_are_refused_at_the_field(
    learner_client: FlaskClient, field: str, value: str, message: str
) -> None:
    page = save(learner_client, **{field: value})
    assert page.status == 400
    assert field_error(page, field) == message
    assert "Please correct the marked fields." in page.text
    assert "20 new cards a day" in StudyPage(learner_client).open("/study/").text


@pytest.mark.parametrize("value", ["0.70", "0.97"])
def test_the_limits_of_retention_are_allowed(learner_client: FlaskClient, value: str) -> None:
    assert save(learner_client, desired_retention=value).status == 200


def test_retention_changes_the_intervals_on_the_buttons(
    learner_client: FlaskClient, hand_hygiene: list[int]
) -> None:
    study = StudyPage(learner_client)
    study.open("/study/decks/hand-hygiene")
    assert "Easy 8 d" in study.show_answer().visible_form("study-rate").buttons
    save(learner_client, desired_retention="0.97")
    study.open("/study/decks/hand-hygiene")
    assert "Easy 2 d" in study.show_answer().visible_form("study-rate").buttons
