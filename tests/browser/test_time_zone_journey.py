"""A visitor registers in a real browser set to another time zone: the page's own
script reports the zone, and the account keeps it."""

from __future__ import annotations

import pytest
from flask import Flask

from quizapp.extensions import db
from quizapp.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_registration_keeps_the_browsers_time_zone(app: Flask, browser, live_server: str) -> None:
    context = browser.new_context(base_url=live_server, timezone_id="Pacific/Auckland")
    page = context.new_page()
    page.goto("/auth/register")
    page.get_by_label("Your name").fill("Aroha")
    page.get_by_label("Email address").fill("aroha@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state("networkidle")
    context.close()

    with app.app_context():
        user = db.session.scalar(User.by_email("aroha@example.org"))
        assert user is not None and user.time_zone == "Pacific/Auckland"
