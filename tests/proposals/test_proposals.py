"""Candidate facts proposed from an instructor's own document, and their review:
accept as proposed, edit then accept, reject, and draft items of the accepted."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from markupsafe import escape
from sqlalchemy import func, select

from quizapp.bank import decks, proposals, sources
from quizapp.bank.facts import NOT_VERBATIM
from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import Deck, Fact, FactCandidate, Item, Source, User, item_fact
from tests.conftest import Accounts, at_the_same_moment, post_form

LEAFLET = """\
Low white blood cell count

What is leukopenia?
Leukopenia is a condition in which the blood has too few white blood cells. \
White blood cells fight germs.

Blood test results
A white cell count below 4.0 × 10⁹/L is low.

Signs of an infection
Call your care team at once if you notice any of these signs:
- Fever
- Chills and shaking
- A sore throat

Protecting yourself
Wash your hands often, because germs spread by touch.
Stay away from people who are ill with infections such as colds, flu and chickenpox.
"""


@pytest.fixture
def leaflet(app: Flask, instructor: User) -> int:
    """A new deck with one source: the leaflet above, stored as its document."""
    with app.app_context():
        editor = db.session.get_one(User, instructor.id)
        deck = decks.create_deck("leaflet", "Low white count leaflet", None, editor)
        source = sources.add_source(
            deck,
            title="Low white blood cell count",
            text=LEAFLET,
            publisher="Ward 7",
            editor=editor,
        )
        db.session.commit()
        return source.id


def review_url(source_id: int) -> str:
    return f"/bank/proposals/{source_id}"


def propose(client: FlaskClient, source_id: int) -> str:
    """Press "Propose facts"; the text of the review screen it leads to."""
    response = post_form(client, f"{review_url(source_id)}/start", {})
    assert response.status_code == 303
    assert response.location.endswith(review_url(source_id))
    return client.get(response.location).get_data(as_text=True)


def forms_on(page: str) -> dict[str, dict[str, str]]:
    """Each form of the page by its action, with the values a browser would send."""
    values = {}
    for form in lxml_html.fromstring(page).forms:
        # A browser drops the line break that opens a textarea's content.
        values[form.action] = {name: value.removeprefix("\n") for name, value in form.form_values()}
    return values


def accept_form(page: str, candidate_id: int) -> tuple[str, dict[str, str]]:
    action = f"/bank/proposals/candidates/{candidate_id}/accept"
    return action, forms_on(page)[action]


def candidates(app: Flask, source_id: int) -> list[FactCandidate]:
    with app.app_context():
        found = db.session.scalars(
            select(FactCandidate)
            .where(FactCandidate.source_id == source_id)
            .order_by(FactCandidate.position)
        ).all()
        for candidate in found:
            db.session.expunge(candidate)
        return list(found)


def first_of(found: list[FactCandidate], kind: str) -> FactCandidate:
    return next(candidate for candidate in found if candidate.kind == kind)


def reload(app: Flask, candidate_id: int) -> dict[str, Any]:
    with app.app_context():
        candidate = db.session.get_one(FactCandidate, candidate_id)
        fact = candidate.fact
        return {
            "status": candidate.status,
            "edited": candidate.edited,
            "decided_by": candidate.decided_by_id,
            "fact": fact.record if fact else None,
            "fact_key": fact.key if fact else None,
            "proposed": candidate.record,
        }


def test_proposing_lists_each_candidate_with_its_quote_in_context(
    app: Flask, instructor_client: FlaskClient, leaflet: int
) -> None:
    source_page = instructor_client.get(f"/bank/sources/{leaflet}").get_data(as_text=True)
    assert f"{review_url(leaflet)}/start" in forms_on(source_page)
    page = propose(instructor_client, leaflet)
    found = candidates(app, leaflet)
    assert found, "the leaflet should give candidate facts"
    assert f"{len(found)} candidate facts proposed" in page
    assert {candidate.kind for candidate in found} >= {"definition", "number", "list"}
    for candidate in found:
        assert candidate.quote in LEAFLET  # verbatim
        assert candidate.status == "pending"
        assert f'id="candidate-{candidate.id}"' in page
    definition = first_of(found, "definition")
    assert f"<mark>{definition.quote}</mark>" in page
    assert "Still to decide</dt><dd>" + str(len(found)) in page
    assert forms_on(page)[f"/bank/proposals/candidates/{definition.id}/reject"]


def test_accepting_unchanged_stores_the_proposed_fact(
    app: Flask, instructor: User, instructor_client: FlaskClient, leaflet: int
) -> None:
    page = propose(instructor_client, leaflet)
    definition = first_of(candidates(app, leaflet), "definition")
    action, data = accept_form(page, definition.id)
    response = instructor_client.post(action, data=data)
    assert response.status_code == 303
    assert response.location.endswith(f"{review_url(leaflet)}?page=1#candidate-{definition.id}")
    after = reload(app, definition.id)
    assert after["status"] == "accepted"
    assert after["edited"] is False
    assert after["decided_by"] == instructor.id
    assert after["fact"] == after["proposed"]
    shown = instructor_client.get(response.location).get_data(as_text=True)
    assert "Accepted as proposed</dt><dd>1" in shown
    assert after["fact_key"] in shown
    with app.app_context():  # its topic was created from the heading
        topic = db.session.scalar(select(Fact).where(Fact.key == after["fact_key"])).topic
        assert topic.key == definition.topic_key
        assert topic.title == definition.topic_title


def test_an_edited_candidate_is_stored_as_edited(
    app: Flask, instructor_client: FlaskClient, leaflet: int
) -> None:
    page = propose(instructor_client, leaflet)
    definition = first_of(candidates(app, leaflet), "definition")
    action, data = accept_form(page, definition.id)
    data["statement"] = "Leukopenia means the blood has too few white cells."
    assert instructor_client.post(action, data=data).status_code == 303
    after = reload(app, definition.id)
    assert after["status"] == "accepted"
    assert after["edited"] is True
    assert after["fact"]["statement"] == "Leukopenia means the blood has too few white cells."
    assert after["proposed"]["statement"] != after["fact"]["statement"]
    shown = instructor_client.get(review_url(leaflet)).get_data(as_text=True)
    assert "Accepted after an edit</dt><dd>1" in shown
    assert "Leukopenia means the blood has too few white cells." in shown


def test_a_list_candidate_brings_its_relation_into_the_deck(
    app: Flask, instructor_client: FlaskClient, leaflet: int
) -> None:
    page = propose(instructor_client, leaflet)
    listed = first_of(candidates(app, leaflet), "list")
    action, data = accept_form(page, listed.id)
    refused = instructor_client.post(action, data=data | {"wrong_answers": "Hair loss"})
    assert refused.status_code == 400
    assert "Write “Hair loss” as: wrong answer = why." in refused.get_data(as_text=True)
    wrong = "Hair loss = Hair loss is not a sign of an infection."
    assert instructor_client.post(action, data=data | {"wrong_answers": wrong}).status_code == 303
    after = reload(app, listed.id)
    assert after["status"] == "accepted"
    assert after["edited"] is True
    block = after["fact"]["list"]
    assert block["members"] == after["proposed"]["list"]["members"]
    assert block["distractors"] == [
        {"text": "Hair loss", "why": "Hair loss is not a sign of an infection."}
    ]
    with app.app_context():
        deck = db.session.get_one(Deck, db.session.get_one(Source, leaflet).deck_id)
        assert block["relation"] in deck.extras["relations"]
        assert block["member_type"] in deck.extras["pools"]


def test_candidates_come_a_page_at_a_time_and_a_decision_returns_to_its_place(
    app: Flask, instructor_client: FlaskClient, leaflet: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(proposals, "PAGE_SIZE", 2)
    propose(instructor_client, leaflet)
    third = candidates(app, leaflet)[2]
    first_page = instructor_client.get(review_url(leaflet)).get_data(as_text=True)
    assert f'id="candidate-{third.id}"' not in first_page
    assert "Page 1 of" in first_page
    second_page = instructor_client.get(f"{review_url(leaflet)}?page=2").get_data(as_text=True)
    action, data = accept_form(second_page, third.id)
    response = instructor_client.post(action, data=data)
    assert response.location.endswith(f"?page=2#candidate-{third.id}")
    beyond = instructor_client.get(f"{review_url(leaflet)}?page=99")
    assert beyond.status_code == 302
    assert beyond.location.endswith("?page=3")


def test_a_fact_id_taken_in_the_deck_gets_a_number(
    app: Flask, instructor: User, instructor_client: FlaskClient, leaflet: int
) -> None:
    with app.app_context():
        first = db.session.get_one(Source, leaflet)
        deck = db.session.get_one(Deck, first.deck_id)
        editor = db.session.get_one(User, instructor.id)
        copy = sources.add_source(deck, title="The leaflet, reprinted", text=LEAFLET, editor=editor)
        db.session.commit()
        copy_id = copy.id
    keys = []
    for source_id in (leaflet, copy_id):
        page = propose(instructor_client, source_id)
        definition = first_of(candidates(app, source_id), "definition")
        action, data = accept_form(page, definition.id)
        assert instructor_client.post(action, data=data).status_code == 303
        after = reload(app, definition.id)
        assert after["edited"] is False
        keys.append(after["fact_key"])
    assert keys[1] == f"{keys[0]}-2"


def test_rejecting_keeps_the_candidate_out_of_the_deck(
    app: Flask, instructor_client: FlaskClient, leaflet: int
) -> None:
    propose(instructor_client, leaflet)
    number = first_of(candidates(app, leaflet), "number")
    response = post_form(instructor_client, f"/bank/proposals/candidates/{number.id}/reject", {})
    assert response.status_code == 303
    assert response.location.endswith(f"#candidate-{number.id}")
    assert reload(app, number.id)["status"] == "rejected"
    assert reload(app, number.id)["fact"] is None
    again = post_form(instructor_client, f"/bank/proposals/candidates/{number.id}/reject", {})
    assert again.status_code == 303
    shown = instructor_client.get(again.location).get_data(as_text=True)
    assert "already rejected" in shown
    assert "Rejected</dt><dd>1" in shown


def test_draft_items_come_from_the_accepted_facts_and_cite_the_source(
    app: Flask, instructor_client: FlaskClient, leaflet: int
) -> None:
    page = propose(instructor_client, leaflet)
    found = candidates(app, leaflet)
    for candidate in (first_of(found, "definition"), first_of(found, "number")):
        action, data = accept_form(page, candidate.id)
        assert instructor_client.post(action, data=data).status_code == 303
    response = post_form(instructor_client, f"{review_url(leaflet)}/generate", {})
    assert response.status_code == 303
    shown = instructor_client.get(response.location).get_data(as_text=True)
    assert "from 2 accepted facts wait in the review queue" in shown
    assert 'href="/bank/review"' in shown
    with app.app_context():
        items = db.session.scalars(
            select(Item).join(item_fact).join(Fact).where(Fact.source_id == leaflet)
        ).all()
        assert items
        for item in items:
            assert item.status == Status.DRAFT
            assert item.source_id == leaflet
            assert item.source.citation == "Low white blood cell count (Ward 7)"
            assert {fact.source_id for fact in item.facts} == {leaflet}
    queue = instructor_client.get("/bank/review").get_data(as_text=True)
    assert f"Drafts waiting to be published ({len(items)})" in queue


def test_generating_before_accepting_anything_says_what_to_do(
    instructor_client: FlaskClient, leaflet: int
) -> None:
    propose(instructor_client, leaflet)
    response = post_form(instructor_client, f"{review_url(leaflet)}/generate", {})
    shown = instructor_client.get(response.location).get_data(as_text=True)
    assert "Accept some candidates first" in shown


def test_proposing_again_replaces_only_the_pending_candidates(
    app: Flask, instructor_client: FlaskClient, leaflet: int
) -> None:
    page = propose(instructor_client, leaflet)
    first = candidates(app, leaflet)
    definition, number = first_of(first, "definition"), first_of(first, "number")
    action, data = accept_form(page, definition.id)
    instructor_client.post(action, data=data)
    post_form(instructor_client, f"/bank/proposals/candidates/{number.id}/reject", {})

    again = propose(instructor_client, leaflet)
    assert "The 2 candidates decided before stay." in again
    second = candidates(app, leaflet)
    assert len(second) == len(first)
    assert sorted((c.kind, c.quote) for c in second) == sorted((c.kind, c.quote) for c in first)
    assert [c.status for c in second].count("accepted") == 1
    assert [c.status for c in second].count("rejected") == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Fact)) == 1


def test_two_clicks_at_once_store_one_set(
    app: Flask, accounts: Accounts, instructor: User, instructor_client: FlaskClient, leaflet: int
) -> None:
    other_tab = app.test_client()
    accounts.login(other_tab, instructor.email)
    clicks = [
        (lambda client=client: post_form(client, f"{review_url(leaflet)}/start", {}).status_code)
        for client in (instructor_client, other_tab)
    ]
    assert at_the_same_moment(*clicks) == [303, 303]
    proposed = propose(instructor_client, leaflet)  # and a third, later: still one set
    found = candidates(app, leaflet)
    assert len({(c.kind, c.quote) for c in found}) == len(found)
    assert "candidate facts proposed" in proposed


def test_an_invalid_edit_is_refused_with_the_reason_and_stays_pending(
    app: Flask, instructor_client: FlaskClient, leaflet: int
) -> None:
    page = propose(instructor_client, leaflet)
    found = candidates(app, leaflet)
    number = first_of(found, "number")
    action, data = accept_form(page, number.id)
    response = instructor_client.post(action, data=data | {"number_value": "four"})
    assert response.status_code == 400
    assert "Write a number such as 4.5" in response.get_data(as_text=True)
    assert reload(app, number.id)["status"] == "pending"

    definition = first_of(found, "definition")
    action, data = accept_form(page, definition.id)
    response = instructor_client.post(action, data=data | {"quote": "Leukopenia is never serious."})
    assert response.status_code == 400
    refused = response.get_data(as_text=True)
    assert str(escape(NOT_VERBATIM)) in refused
    assert 'aria-invalid="true"' in refused
    assert "Leukopenia is never serious." in refused  # the instructor's text is kept
    after = reload(app, definition.id)
    assert after["status"] == "pending"
    assert after["fact"] is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Fact)) == 0


def test_a_source_without_text_cannot_be_proposed_from(
    app: Flask, instructor_client: FlaskClient, leaflet: int
) -> None:
    with app.app_context():
        deck_id = db.session.get_one(Source, leaflet).deck_id
        bundled = Source(deck_id=deck_id, key="bundled", title="A bundled page", seed="page.txt")
        db.session.add(bundled)
        db.session.commit()
        bundled_id = bundled.id
    shown = propose(instructor_client, bundled_id)
    assert "This source has no text to propose facts from." in shown
    assert candidates(app, bundled_id) == []


def test_a_source_too_long_to_propose_from_says_to_split_it(
    app: Flask, instructor: User, instructor_client: FlaskClient
) -> None:
    with app.app_context():
        editor = db.session.get_one(User, instructor.id)
        deck = decks.create_deck("long", "A long document", None, editor)
        text = "Wash your hands often, because germs spread by touch.\n\n" * 2_000
        source_id = sources.add_source(deck, title="Long", text=text, editor=editor).id
        db.session.commit()

    shown = propose(instructor_client, source_id)

    assert "This document is too long to propose facts from at once (110,000 characters" in shown
    assert candidates(app, source_id) == []


def test_only_instructors_reach_the_review(
    app: Flask, learner_client: FlaskClient, instructor_client: FlaskClient, leaflet: int
) -> None:
    propose(instructor_client, leaflet)
    candidate = candidates(app, leaflet)[0]
    assert learner_client.get(review_url(leaflet)).status_code == 403
    for path in (
        f"{review_url(leaflet)}/start",
        f"{review_url(leaflet)}/generate",
        f"/bank/proposals/candidates/{candidate.id}/accept",
        f"/bank/proposals/candidates/{candidate.id}/reject",
    ):
        assert post_form(learner_client, path, {}).status_code == 403
    assert reload(app, candidate.id)["status"] == "pending"


def test_made_up_ids_are_not_found(instructor_client: FlaskClient) -> None:
    assert instructor_client.get(review_url(999999)).status_code == 404
    for path in (
        f"{review_url(999999)}/start",
        f"{review_url(999999)}/generate",
        "/bank/proposals/candidates/999999/accept",
        "/bank/proposals/candidates/999999/reject",
    ):
        assert post_form(instructor_client, path, {}).status_code == 404
