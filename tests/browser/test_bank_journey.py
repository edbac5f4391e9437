"""An instructor writes a multiple-answer question in the browser, is held to the
item-writing bar when publishing it, and publishes it; a learner then meets it in
a quiz and is told why the wrong option is wrong."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import update

from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import Item, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PROMPT = "Which precautions suit moderate leukopenia?"
EXPLANATION = "Both lower the chance of catching an infection when the count is moderately low."
WHY_WRONG = "Isolation in a germ-free room is for severe leukopenia, not moderate."


def sign_in(page: Page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_published_question_reaches_a_learner(
    app: Flask, bank, instructor: User, learner: User, page: Page, browser, live_server: str
) -> None:
    with app.app_context():  # so that the quick quiz can only draw the new question
        db.session.execute(update(Item).values(status=Status.DRAFT))
        db.session.commit()

    sign_in(page, instructor.email)
    page.get_by_role("link", name="Question bank").click()
    page.get_by_role("link", name="New item").click()
    page.get_by_role("link", name="Multiple answer").click()
    page.get_by_label("Question").fill(PROMPT)
    for number, (text, right) in enumerate(
        [
            ("Fewer visits to public places", True),
            ("Good hygiene", True),
            ("Aseptic isolation", False),
        ],
        start=1,
    ):
        page.get_by_label(f"Option {number}", exact=True).fill(text)
        if right:
            page.get_by_label(f"Correct (option {number})").check()
    page.get_by_label("Explanation").fill(EXPLANATION)
    facts = page.get_by_role("group", name="Linked facts")
    facts.locator("details summary").first.click()  # a topic's facts, folded by default
    facts.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview: what a learner sees")).to_be_visible()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved as a draft.")).to_be_visible()
    # The wrong option does not say why it is wrong: the gate keeps it from learners.
    expect(page.get_by_text("NO-FEEDBACK")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("fix the item-writing errors")).to_be_visible()
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Why option 3 is wrong").fill(WHY_WRONG)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("1 item set to published.")).to_be_visible()

    learner_page = browser.new_context(base_url=live_server).new_page()
    sign_in(learner_page, learner.email)
    learner_page.get_by_role("link", name="Take a quiz").click()
    learner_page.get_by_role("button", name="Quick quiz").first.click()
    expect(learner_page.get_by_text(PROMPT)).to_be_visible()
    learner_page.get_by_label("Fewer visits to public places").check()
    learner_page.get_by_label("Good hygiene").check()
    learner_page.get_by_role("button", name="Submit answer").click()
    expect(learner_page.get_by_text(EXPLANATION)).to_be_visible()
    learner_page.get_by_text("Why the other options are wrong").click()
    expect(learner_page.get_by_text(WHY_WRONG)).to_be_visible()
    learner_page.context.close()
