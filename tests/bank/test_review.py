"""The review queue: learners' reports and drafts, resolved by instructors."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Flag, Item, ItemVersion, User
from tests.conftest import post_form


def report(app: Flask, learner: User, uid: str, comment: str) -> int:
    """A learner's "this looks wrong" report, as the quiz stores it."""
    with app.app_context():
        item = db.session.scalar(select(Item).where(Item.uid == uid))
        version = db.session.scalar(
            select(ItemVersion).where(
                ItemVersion.item_id == item.id, ItemVersion.version == item.version
            )
        )
        flag = Flag(
            item_id=item.id, item_version_id=version.id, learner_id=learner.id, comment=comment
        )
        db.session.add(flag)
        db.session.commit()
        return flag.id


def test_flags_wait_in_the_queue_until_resolved_with_who_and_how(
    app: Flask, bank, learner: User, instructor: User, instructor_client: FlaskClient
) -> None:
    uid = "leukopenia:wbc-count-threshold:numeric"
    flag_id = report(app, learner, uid, "The unit <b>looks</b> odd")
    queue = instructor_client.get("/bank/review").get_data(as_text=True)
    assert "Reported by learners (1)" in queue
    assert "The unit &lt;b&gt;looks&lt;/b&gt; odd" in queue
    assert "Lee Learner" in queue
    flagged = instructor_client.get("/bank/?flagged=1").get_data(as_text=True)
    assert "1 item." in flagged

    response = post_form(instructor_client, f"/bank/flags/{flag_id}/resolve", {"resolution": ""})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Flag, flag_id).resolved_at is None

    post_form(
        instructor_client,
        f"/bank/flags/{flag_id}/resolve",
        {"resolution": "Checked: the unit is right."},
    )
    with app.app_context():
        flag = db.session.get(Flag, flag_id)
        assert flag.resolved_by_id == instructor.id
        assert flag.resolution == "Checked: the unit is right."
        assert flag.resolved_at is not None
    assert "Reported by learners (0)" in instructor_client.get("/bank/review").get_data(
        as_text=True
    )
    again = post_form(instructor_client, f"/bank/flags/{flag_id}/resolve", {"resolution": "Twice"})
    assert again.status_code == 303
    with app.app_context():
        assert db.session.get(Flag, flag_id).resolution == "Checked: the unit is right."


def test_drafts_are_listed_for_publishing(app: Flask, bank, instructor_client: FlaskClient) -> None:
    from tests.bank.test_authoring import item_form

    post_form(instructor_client, "/bank/new/fillin", item_form("fillin", prompt="A fresh draft?"))
    queue = instructor_client.get("/bank/review").get_data(as_text=True)
    assert "Drafts waiting to be published (1)" in queue
    assert "A fresh draft?" in queue
