"""An instructor opens a class, a learner joins it with the code and takes a quiz,
and the instructor sees the score and the item analysis, in a real browser."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update

from quizapp.content import ItemType, Status
from quizapp.extensions import db
from quizapp.models import Item, Role
from tests.conftest import PASSWORD, Accounts

pytestmark = pytest.mark.browser


@pytest.fixture
def five_questions(app: Flask, bank: object) -> dict[str, str]:
    """Five published single-answer questions on five different facts and nothing else,
    so a five-question quiz (one question per fact) asks exactly these; returns each
    prompt with its answer."""
    with app.app_context():
        chosen: dict[str, Item] = {}  # by prompt: the bank words some questions alike
        facts: set[int] = set()
        for item in db.session.scalars(
            select(Item).where(Item.type == ItemType.SINGLE).order_by(Item.uid)
        ):
            own = {fact.id for fact in item.facts}
            if item.prompt in chosen or own & facts:
                continue
            chosen[item.prompt] = item
            facts |= own
            if len(chosen) == 5:
                break
        db.session.execute(
            update(Item)
            .where(Item.id.not_in([item.id for item in chosen.values()]))
            .values(status=Status.DRAFT)
        )
        keys = {prompt: item.answer for prompt, item in chosen.items()}
        db.session.commit()
        return keys


def sign_in(page: Page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()


def test_the_instructor_sees_a_learners_quiz_in_the_class(
    page: Page,
    browser: Browser,
    live_server: str,
    accounts: Accounts,
    five_questions: dict[str, str],
) -> None:
    accounts.create("ivy@example.org", Role.INSTRUCTOR, name="Ivy")
    accounts.create("maria@example.org", name="Maria")

    sign_in(page, "ivy@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Classes").click()
    page.get_by_label("Class name").fill("Ward 7 nurses")
    page.get_by_role("button", name="Create class").click()
    expect(page.get_by_role("heading", name="Ward 7 nurses")).to_be_visible()
    code = page.locator(".join-code code").inner_text()
    class_url = page.url
    page.get_by_role("link", name="Item analysis", exact=True).click()
    expect(page.get_by_text("No finished quizzes yet.")).to_be_visible()

    learner = browser.new_context(base_url=live_server).new_page()
    try:
        sign_in(learner, "maria@example.org")
        learner.get_by_role("navigation", name="Main").get_by_role("link", name="Classes").click()
        learner.get_by_label("Join code").fill(code.lower())
        learner.get_by_role("button", name="Join class").click()
        expect(learner.get_by_text("You joined Ward 7 nurses.")).to_be_visible()

        learner.goto("/quiz/")
        learner.get_by_role("link", name="Choose topics and length").click()
        learner.get_by_label("Number of questions").fill("5")
        learner.get_by_role("button", name="Start quiz").click()
        for number in range(1, 6):
            expect(learner.get_by_role("heading", name=f"Question {number} of 5")).to_be_visible()
            form = learner.locator("form", has=learner.get_by_role("button", name="Submit answer"))
            key = five_questions[form.locator("legend").inner_text().strip()]
            if number <= 3:  # three right, two wrong: 60 %
                form.get_by_label(key, exact=True).check()
            else:
                wrong = [
                    label
                    for label in form.locator("label").all_inner_texts()
                    if label.strip() != key
                ]
                form.get_by_label(wrong[0].strip(), exact=True).check()
            form.get_by_role("button", name="Submit answer").click()
            next_step = "See your results" if number == 5 else "Next question"
            learner.get_by_role("link", name=next_step).click()
        expect(learner.locator(".quiz-score")).to_have_text("3 out of 5 (60%)")
    finally:
        learner.context.close()

    page.goto(class_url)
    roster = page.locator("#roster")
    row = roster.get_by_role("row", name=re.compile("Maria"))
    expect(row).to_contain_text("60%")  # average, best and last
    expect(row.get_by_role("cell").nth(1)).to_have_text("1")  # one finished quiz

    page.get_by_role("link", name="Item analysis", exact=True).click()
    # One learner's answers are too few to judge a question by: nothing is flagged.
    expect(page.get_by_role("heading", name="5 questions, 0 flagged")).to_be_visible()
    expect(page.get_by_text("Too few answers to judge").first).to_be_visible()
    table = page.locator("table.item-analysis")
    for prompt in five_questions:
        expect(table.get_by_role("link", name=prompt)).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(5)
    expect(table.get_by_text("(correct)")).to_have_count(5)

    page.goto(class_url)
    roster.get_by_role("link", name="Maria").click()
    expect(page.get_by_role("heading", name="Maria")).to_be_visible()
    expect(page.get_by_text("3 out of 5 (60%)")).to_be_visible()
