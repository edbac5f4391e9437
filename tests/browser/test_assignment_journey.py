"""An instructor assigns a quiz to a class; two learners do it, one after the close;
the instructor sees both results and downloads the scores, in a real browser.

The app's ``CLOCK`` is moved by the test, as the other journeys do with time.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from quizapp.extensions import db
from quizapp.models import Role, User
from tests.browser.test_class_journey import five_questions, sign_in
from tests.conftest import Accounts

pytestmark = pytest.mark.browser
__all__ = ["five_questions"]  # the fixture, shared with the class journey


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Paris

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(make_app: Callable[..., Flask], clock: Clock) -> Flask:
    app = make_app(CLOCK=clock)
    with app.app_context():
        db.create_all()
    return app


def take_quiz(page: Page, keys: dict[str, str], right: int) -> None:
    """Start the assignment from the home page; answer the first ``right`` questions right."""
    page.goto("/")
    page.get_by_role("button", name="Start Week 1").click()
    for number in range(1, 6):
        expect(page.get_by_role("heading", name=f"Question {number} of 5")).to_be_visible()
        form = page.locator("form", has=page.get_by_role("button", name="Submit answer"))
        key = keys[form.locator("legend").inner_text().strip()]
        if number <= right:
            form.get_by_label(key, exact=True).check()
        else:
            wrong = [t for t in form.locator("label").all_inner_texts() if t.strip() != key]
            form.get_by_label(wrong[0].strip(), exact=True).check()
        form.get_by_role("button", name="Submit answer").click()
        page.get_by_role(
            "link", name="See your results" if number == 5 else "Next question"
        ).click()


def test_an_instructor_assigns_two_learners_do_it_one_late_and_the_scores_download(
    page: Page,
    browser: Browser,
    live_server: str,
    app: Flask,
    accounts: Accounts,
    clock: Clock,
    five_questions: dict[str, str],
    tmp_path: Path,
) -> None:
    ivy = accounts.create("ivy@example.org", Role.INSTRUCTOR, name="Ivy")
    with app.app_context():
        db.session.get(User, ivy.id).time_zone = "Europe/Paris"
        db.session.commit()
    accounts.create("maria@example.org", name="Maria")
    accounts.create("noah@example.org", name="Noah")

    sign_in(page, "ivy@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Classes").click()
    page.get_by_label("Class name").fill("Ward 7 nurses")
    page.get_by_role("button", name="Create class").click()
    code = page.locator(".join-code code").inner_text()
    class_url = page.url
    page.get_by_role("link", name="Assignments", exact=True).click()
    expect(page.get_by_text("Europe/Paris", exact=True)).to_be_visible()
    page.get_by_label("Title").fill("Week 1")
    page.get_by_label("Number of questions").fill("5")
    page.get_by_label("Opens at").fill("2026-12-01T10:00")
    page.get_by_label("Closes at").fill("2026-12-01T12:00")
    expect(page.get_by_label("Time zone of these times")).to_have_value("Europe/Paris")
    page.get_by_label("After each answer").check()
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("heading", name="Week 1")).to_be_visible()
    assignment_url = page.url

    learners = {}
    for email in ("maria@example.org", "noah@example.org"):
        learner = browser.new_context(base_url=live_server).new_page()
        sign_in(learner, email)
        learner.goto("/classes/mine")
        learner.get_by_label("Join code").fill(code)
        learner.get_by_role("button", name="Join class").click()
        expect(learner.get_by_text("You joined Ward 7 nurses.")).to_be_visible()
        learners[email] = learner
    try:
        maria, noah = learners["maria@example.org"], learners["noah@example.org"]
        maria.goto("/")
        expect(maria.get_by_text("opens at 01 Dec 2026, 10:00 CET")).to_be_visible()

        clock.now = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)  # 10:30 in Paris: open
        take_quiz(maria, five_questions, right=4)
        expect(maria.locator(".quiz-score")).to_have_text("4 out of 5 (80%)")

        clock.now = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # 14:00 in Paris: closed
        noah.goto("/")
        expect(
            noah.get_by_text(re.compile("late work is accepted and marked late"))
        ).to_be_visible()
        take_quiz(noah, five_questions, right=2)
        expect(noah.locator(".quiz-score")).to_have_text("2 out of 5 (40%)")
    finally:
        for learner in learners.values():
            learner.context.close()

    page.goto(assignment_url)
    scores = page.locator("table.assignment-scores")
    expect(scores.get_by_role("row", name=re.compile("Maria"))).to_contain_text("80%")
    expect(scores.get_by_role("row", name=re.compile("Maria"))).to_contain_text("on time")
    expect(scores.get_by_role("row", name=re.compile("Noah"))).to_contain_text("40%")
    expect(scores.get_by_role("row", name=re.compile("Noah"))).to_contain_text("late")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the scores (CSV)").click()
    saved = tmp_path / "scores.csv"
    download.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert [(row[0], row[3], row[4], row[5]) for row in rows[1:]] == [
        ("Maria", "80.0", "2026-12-01 10:30:00", "on time"),
        ("Noah", "40.0", "2026-12-01 14:00:00", "late"),
    ]

    page.goto(class_url)
    table = page.locator("table.assignment-roster")
    expect(table.get_by_role("row", name=re.compile("Noah"))).to_contain_text("40% (late)")
