"""A learner forgets the password: the instructor makes a link, the learner sets a
new password with it, then deletes the account; in a real browser."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from quizapp.classes import services as classes
from quizapp.extensions import db
from quizapp.models import User
from tests.conftest import PASSWORD, Accounts

pytestmark = pytest.mark.browser
NEW_PASSWORD = "a new passphrase from the link"


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_reset_by_the_instructor_then_delete(
    app: Flask,
    accounts: Accounts,
    instructor: User,
    learner: User,
    page: Page,
    browser: Browser,
    live_server: str,
) -> None:
    with app.app_context():
        classroom, _ = classes.create_classroom("Ward 7", db.session.get(User, instructor.id))
        classes.enrol(classroom, learner)
        db.session.commit()
        classroom_id = classroom.id

    sign_in(page, instructor.email, PASSWORD)
    page.goto(f"/classes/{classroom_id}/learners/{learner.id}")
    page.get_by_role("button", name="Make a password reset link").click()
    link = page.get_by_label("Link").input_value()
    assert link.startswith(live_server + "/account/reset/")

    learner_page = browser.new_context(base_url=live_server).new_page()
    learner_page.goto("/auth/login")
    learner_page.get_by_role("link", name="Forgot your password?").click()
    expect(learner_page.get_by_text("Ask for a password reset link")).to_be_visible()
    learner_page.goto(link)
    learner_page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    learner_page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    learner_page.get_by_role("button", name="Set the new password").click()
    expect(learner_page.get_by_text("Your password has been changed")).to_be_visible()

    sign_in(learner_page, learner.email, NEW_PASSWORD)
    learner_page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    expect(learner_page.get_by_role("heading", name="Your account", exact=True)).to_be_visible()
    learner_page.get_by_role("link", name="Delete my account…").click()
    learner_page.get_by_label("Your password").fill(NEW_PASSWORD)
    learner_page.get_by_role("button", name="Delete my account").click()
    expect(
        learner_page.get_by_text("Your account and your personal data have been deleted.")
    ).to_be_visible()
    learner_page.context.close()
