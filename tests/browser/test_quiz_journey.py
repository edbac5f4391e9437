"""A learner takes a five-question quiz, one question of each type, in a real browser."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from quizapp.content import ItemType, Status
from quizapp.extensions import db
from quizapp.models import Item
from quizapp.quiz.grading import QUESTION_TYPES
from tests.conftest import PASSWORD, Accounts

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Key:
    """What the learner in this test knows: the answer, and its accepted spellings."""

    answer: Any
    accept: list[str]


@pytest.fixture
def five_questions(app: Flask, bank: object) -> dict[ItemType, Key]:
    """One published question of each type; every other question back to draft,
    so a five-question quiz asks exactly these (in the order its shuffle picks)."""
    with app.app_context():
        chosen = {
            type_: db.session.scalars(
                select(Item).where(Item.type == type_).order_by(Item.uid).limit(1)
            ).one()
            for type_ in QUESTION_TYPES
        }
        db.session.execute(
            update(Item)
            .where(Item.id.not_in([item.id for item in chosen.values()]))
            .values(status=Status.DRAFT)
        )
        keys = {type_: Key(item.answer, item.accept) for type_, item in chosen.items()}
        db.session.commit()
        return keys


def answer_shown_question(page: Page, items: dict[ItemType, Key]) -> float:
    """Answer the question on the page as a learner would, one answer only partly
    right; return the points that answer should earn."""
    form = page.locator("form", has=page.get_by_role("button", name="Submit answer"))
    if form.locator("input[type=checkbox]").count():
        right = items[ItemType.MULTIPLE].answer
        form.get_by_label(right[0], exact=True).check()
        points = 1 / len(right)
    elif form.get_by_label("True", exact=True).count():
        answer = items[ItemType.TRUEFALSE].answer
        form.get_by_label("True" if answer else "False", exact=True).check()
        points = 1.0
    elif form.locator("input[type=radio]").count():
        form.get_by_label(items[ItemType.SINGLE].answer, exact=True).check()
        points = 1.0
    elif form.locator("input[inputmode=decimal]").count():
        number = items[ItemType.NUMERIC].answer
        expect(form).to_contain_text(f"Unit: {number['unit']}")
        typed = f"{number['value']}".replace(".", ",")
        form.get_by_label("Your answer").fill(f"{typed} {number['unit']}")
        points = 1.0
    else:
        fillin = items[ItemType.FILLIN]
        typed = (fillin.accept or [fillin.answer])[0]
        form.get_by_label("Your answer").fill(f"  {typed.upper()} ")
        points = 1.0
    form.get_by_role("button", name="Submit answer").click()
    return points


def test_a_learner_takes_a_quiz_with_every_question_type(
    page: Page, accounts: Accounts, five_questions: dict[ItemType, Key]
) -> None:
    learner = accounts.create("maria@example.org", name="Maria")
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello, Maria")).to_be_visible()

    page.goto("/quiz/")
    page.get_by_role("link", name="Choose topics and length").click()
    page.get_by_label("Number of questions").fill("5")
    page.get_by_role("button", name="Start quiz").click()

    expected = 0.0
    for number in range(1, 6):
        expect(page.get_by_role("heading", name=f"Question {number} of 5")).to_be_visible()
        expected += answer_shown_question(page, five_questions)
        expect(page.locator(".quiz-verdict")).to_have_text(re.compile(r"^(Right|Partly right)"))
        expect(page.get_by_text("Correct answer")).to_be_visible()
        expect(page.locator(".quiz-source")).to_contain_text("Source:")
        page.get_by_text("What the source says").click()
        expect(page.locator(".quiz-quotes blockquote").first).to_be_visible()
        next_step = "See your results" if number == 5 else "Next question"
        page.get_by_role("link", name=next_step).click()

    expect(page.get_by_role("heading", name="Your results")).to_be_visible()
    score = f"{round(expected, 2):g} out of 5 ({round(100 * expected / 5)}%)"
    expect(page.locator(".quiz-score")).to_have_text(score)
    expect(page.locator(".quiz-review > li")).to_have_count(5)
    expect(page.get_by_text("For education only.")).to_be_visible()

    page.get_by_role("link", name="Your past quizzes").click()
    expect(page.get_by_role("link", name=score)).to_be_visible()
