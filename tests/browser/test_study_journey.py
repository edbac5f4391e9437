"""A learner studies flashcards with the keyboard alone, in a real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from quizapp.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def counts(page: Page) -> tuple[str, str, str]:
    numbers = page.get_by_label("Left to study now").locator("dd")
    return tuple(numbers.all_inner_texts())  # type: ignore[return-value]


def test_a_learner_studies_five_cards_with_the_keyboard(page: Page, bank, learner: User) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto("/study/")
    expect(page.get_by_role("heading", name="Leukopenia")).to_be_visible()
    page.get_by_role("link", name="Study now").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Leukopenia", level=1)).to_be_visible()
    expect(page.get_by_text("Keyboard: Space or Enter shows the answer")).to_be_visible()
    assert counts(page) == ("20", "0", "0")

    new_count = page.get_by_label("Left to study now").locator("dd").first
    for studied in range(1, 6):
        answer = page.locator("#study-answer")
        expect(answer).to_be_hidden()
        page.keyboard.press("Space")
        expect(answer).to_be_visible()
        expect(page.get_by_text("Source:")).to_be_visible()
        expect(page.get_by_role("button", name="Good 10 min")).to_be_focused()
        page.keyboard.press("3")
        expect(new_count).to_have_text(str(20 - studied))
        assert counts(page) == (str(20 - studied), str(studied), "0")

    page.keyboard.press("u")
    expect(page.get_by_text("Your last rating was undone.")).to_be_visible()
    assert counts(page) == ("16", "4", "0")

    page.keyboard.press("Enter")
    expect(page.locator("#study-answer")).to_be_visible()
    page.keyboard.press("4")
    expect(new_count).to_have_text("15")
    assert counts(page) == ("15", "4", "0")
