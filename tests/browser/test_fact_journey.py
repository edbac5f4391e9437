"""In a real browser: an instructor makes a deck, pastes a leaflet, selects a
sentence of it as a fact's quote with "Use selection as quote", and saves the fact;
its items are drafts and the passage is marked in the document."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from quizapp.models import User
from tests.browser.conftest import DROPPED_STATIC_FILE
from tests.conftest import PASSWORD
from tests.sources.conftest import LEAFLET

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(DROPPED_STATIC_FILE)]

PASSAGE = "A white count below 4.0 × 10⁹/L is called leukopenia."

# Select the passage inside the document box, as a person dragging over it would.
SELECT = """(passage) => {
  const box = document.getElementById('document');
  const node = [...box.childNodes].find((n) => n.textContent.includes(passage));
  const at = node.textContent.indexOf(passage);
  const range = document.createRange();
  range.setStart(node, Math.max(0, at - 1));  // with the line break before it
  range.setEnd(node, at + passage.length + 1);  // and the one after: trimmed off
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


def test_a_fact_from_a_selected_passage(page: Page, instructor: User) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(instructor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Question bank").click()
    page.get_by_role("link", name="Decks and sources").click()
    page.get_by_role("link", name="New deck").click()
    page.get_by_label("Title").fill("Low white count")
    page.get_by_role("button", name="Create deck").click()
    expect(page.get_by_text("Deck “Low white count” created.")).to_be_visible()
    page.get_by_label("New topic").fill("What it is")
    page.get_by_role("button", name="Add topic").click()
    page.get_by_role("link", name="Add a source").click()
    page.get_by_label("Or paste its text").fill(LEAFLET)
    page.get_by_label("Title").fill("Low white count leaflet")
    page.get_by_role("button", name="Save source").click()
    expect(page.get_by_text("Source saved.")).to_be_visible()

    page.get_by_role("link", name="Add a fact from this document").click()
    page.evaluate(SELECT, PASSAGE)
    page.get_by_role("button", name="Use selection as quote").click()
    expect(page.get_by_label("Quote from the document")).to_have_value(PASSAGE)
    expect(page.get_by_role("status").filter(has_text="Quote set")).to_be_visible()
    page.get_by_label("Statement", exact=True).fill("Leukopenia is a count below 4.0 × 10⁹/L.")
    page.get_by_label("Topic", exact=True).select_option(label="What it is")
    page.get_by_text("Question and answer").click()
    page.get_by_label("Question", exact=True).fill(
        "What is a white count below 4.0 × 10⁹/L called?"
    )
    page.get_by_label("Answer", exact=True).fill("Leukopenia")
    page.get_by_role("button", name="Save fact").click()

    expect(page.get_by_text(re.compile(r"Fact saved\. \d+ draft items? made"))).to_be_visible()
    expect(page.locator(".quote-context mark")).to_have_text(PASSAGE)
    page.get_by_role("link", name="Low white count leaflet", exact=True).first.click()
    expect(page.locator("#document mark")).to_have_text(PASSAGE)
