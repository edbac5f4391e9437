"""The review queue: drafts a changed fact sent back come first with the reason,
every draft shows what the quality gate finds in it, and publishing clears the note."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import Item
from tests.bank.test_authoring import item_form
from tests.conftest import post_form

NOTE = "The fact 'granulocyte-lack-threshold' was edited: check this item before publishing it."


def new_draft(client: FlaskClient, **fields: object) -> int:
    response = post_form(client, "/bank/new/single?deck=leukopenia", item_form("single", **fields))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def sent_back_for_review(app: Flask) -> int:
    """A published bank item that a fact edit sent back to the drafts with a note."""
    with app.app_context():
        item = db.session.scalars(
            select(Item).where(Item.status == Status.PUBLISHED).order_by(Item.uid)
        ).first()
        item.status, item.review_note = Status.DRAFT, NOTE
        db.session.commit()
        return item.id


def test_noted_drafts_come_first_with_their_note_and_every_draft_its_findings(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    noted = sent_back_for_review(app)
    flawed = new_draft(
        instructor_client,
        prompt="Which count marks mild leukopenia?",
        **{"options-2-text": "All of the above"},
    )
    page = instructor_client.get("/bank/review").get_data(as_text=True)
    assert page.index(f'id="draft-{noted}"') < page.index(f'id="draft-{flawed}"')
    assert "To review:</strong> The fact &#39;granulocyte-lack-threshold&#39; was edited" in page
    start = page.index(f'id="draft-{flawed}"')
    end = page.find('<li><input type="checkbox"', start)
    assert "<code>OF-THE-ABOVE</code>" in page[start : end if end > 0 else None]


def test_publishing_clears_the_review_note(
    app: Flask, bank, instructor_client: FlaskClient
) -> None:
    noted = sent_back_for_review(app)
    response = post_form(
        instructor_client, "/bank/status", {"status": "published", "items": [str(noted)]}
    )
    assert response.status_code == 303
    with app.app_context():
        item = db.session.get(Item, noted)
        assert (item.status, item.review_note) == (Status.PUBLISHED, None)
    page = instructor_client.get("/bank/review").get_data(as_text=True)
    assert "To review:" not in page


def test_the_item_page_shows_why_it_waits(app: Flask, bank, instructor_client: FlaskClient) -> None:
    noted = sent_back_for_review(app)
    page = instructor_client.get(f"/bank/items/{noted}").get_data(as_text=True)
    assert "To review:</strong> The fact" in page
