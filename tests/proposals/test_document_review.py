"""An instructor's review of every candidate proposed from the test documents
(tests/content/propose_docs), done in the review screen: the figures the issue's
closing note gives (proposed / accepted unchanged / edited / rejected).

Each decision is what a careful instructor makes: accept what is right and
useful, edit what is right but clumsy, reject the rest. A candidate the table
does not name fails the test: the proposals changed, and need a new review.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.bank import decks, sources
from quizapp.content.documents import extract_text
from quizapp.extensions import db
from quizapp.models import User
from tests.conftest import post_form
from tests.proposals.test_proposals import accept_form, candidates, propose, review_url

pytestmark = pytest.mark.slow  # about 25 facts checked and stored, one by one

DOCUMENTS = Path(__file__).resolve().parents[1] / "content" / "propose_docs"
REJECT = "reject"
# Document -> candidate (its proposed fact id) -> None to accept it as proposed,
# REJECT, or the form fields changed before accepting, with why.
REVIEW: dict[str, dict[str, None | str | dict[str, str]]] = {
    "blood-counts.html": {
        "platelets": None,
        "normal-platelet-count-150": None,
        "normal-platelet-count-400": None,
        # a five-word gap nobody types back; the key term is the bone marrow
        "bone-marrow-problems-lower-number": {
            "cloze": "{{Bone marrow}} problems can lower the number of all blood cells."
        },
        # "Which of these is one of the common causes?" does not say of what; the
        # document's only list has no other list to borrow wrong answers from
        "common-causes": {
            "statement": "Common causes of low blood counts are cancer treatment, "
            "some viral infections and heavy drinking.",
            "list_question": "Which is a common cause of low blood counts?",
            "wrong_answers": "Regular exercise = Exercise does not harm the bone marrow.\n"
            "Drinking water = Water does not lower blood counts.",
        },
        "rest-feel-tired": None,
        # the advice is whom to tell, not the verb phrase "Tell your nurse"
        "tell-nurse-bleeding-gums": {"cloze": "Tell your {{nurse}} about any bleeding gums."},
    },
    "infection-advice.txt": {
        "anemia": None,
        "normal-hemoglobin-level-12-0": None,
        # "A count below 500 per microlitre": the document never says a count of what
        "count-below-per-500": REJECT,
        "foods-to-avoid": None,
        # "Which of these does the text list under “Food safety”?" is vague; the foods
        # to avoid (raw eggs) are no wrong answers to it, so the instructor writes some
        "protein": {
            "list_question": "Which of these foods is rich in protein?",
            "wrong_answers": "White rice = Rice is mostly starch, with little protein.\n"
            "Apples = Apples are fruit, with little protein.",
        },
    },
    "low-white-count.md": {
        "leukopenia": None,
        "white-cells": None,
        # "A normal count" of what: out of its paragraph the statement does not say
        "normal-count-l-4-0": {
            "statement": "A normal white cell count is 4.0 × 10⁹/L or more.",
            "number_question": "What is the lowest normal white cell count, in × 10⁹/L?",
        },
        "neutropenia": None,
        # "Which of these is one of the symptoms?" does not say of what
        "symptoms": {
            "statement": "A low white cell count may cause symptoms such as tiredness, "
            "pale skin, and cold hands and feet.",
            "list_question": "Which is a symptom of a low white cell count?",
        },
        "signs-of-an-infection": None,
        "infections": None,
        # "can also lower it": "it" is the white cell count, a sentence earlier
        "medicines": {
            "statement": "Some medicines, including steroids, antibiotics or pain killers, "
            "can also lower the white cell count.",
            "list_question": "Which of these medicines can lower the white cell count?",
        },
        # the key term is vitamin B12, not "low count"
        "lack-vitamin-lead-low-count": {
            "cloze": "A lack of {{vitamin B12}} can lead to a low count."
        },
        "call-doctor-temperature-38": None,
        "fever-needs-care-38-3": None,
        "avoid-crowds-count-low": None,
        "wash-hands-soap-20": None,
    },
}
FIGURES = {  # proposed, accepted unchanged, accepted after an edit, rejected
    "blood-counts.html": (7, 4, 3, 0),
    "infection-advice.txt": (5, 3, 1, 1),
    "low-white-count.md": (13, 9, 4, 0),
}


def stored_document(app: Flask, instructor: User, path: Path) -> int:
    """The document as an instructor adds it: a new deck, its text as the source."""
    with app.app_context():
        editor = db.session.get_one(User, instructor.id)
        document = extract_text(path.read_bytes(), path.name)
        slug = path.stem.replace(".", "-")
        deck = decks.create_deck(slug, document.title or path.stem, None, editor)
        source = sources.add_source(
            deck, title=document.title or path.stem, text=document.text, editor=editor
        )
        db.session.commit()
        return source.id


@pytest.mark.parametrize("name", sorted(REVIEW))
def test_reviewing_the_candidates_of_a_test_document(
    app: Flask, instructor: User, instructor_client: FlaskClient, name: str
) -> None:
    source_id = stored_document(app, instructor, DOCUMENTS / name)
    page = propose(instructor_client, source_id)
    found = candidates(app, source_id)
    decisions = REVIEW[name]
    assert sorted(c.record["id"] for c in found) == sorted(decisions), "review them again"
    for candidate in found:
        decision = decisions[candidate.record["id"]]
        if decision == REJECT:
            response = post_form(
                instructor_client, f"/bank/proposals/candidates/{candidate.id}/reject", {}
            )
        else:
            action, data = accept_form(page, candidate.id)
            response = instructor_client.post(action, data=data | dict(decision or {}))
        assert response.status_code == 303, response.get_data(as_text=True)
    shown = instructor_client.get(review_url(source_id)).get_data(as_text=True)
    proposed, unchanged, edited, rejected = FIGURES[name]
    for label, count in (
        ("Proposed", proposed),
        ("Accepted as proposed", unchanged),
        ("Accepted after an edit", edited),
        ("Rejected", rejected),
        ("Still to decide", 0),
    ):
        assert f"{label}</dt><dd>{count}</dd>" in shown
