"""A learner's "this looks wrong" report gets the instructor's reply on their home page."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import Flag, Item, User
from tests.bank.test_authoring import edit, make_item
from tests.bank.test_review import report
from tests.conftest import Accounts, post_form

NOTICE = "Replies to your reports"


def text_of(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r"\s+", " ", unescape(response.get_data(as_text=True)))


def test_the_reporter_sees_the_resolution_until_dismissed_and_nobody_else_does(
    app: Flask,
    bank,
    accounts: Accounts,
    learner: User,
    learner_client: FlaskClient,
    instructor_client: FlaskClient,
) -> None:
    item_id = make_item(app, instructor_client)
    with app.app_context():
        uid = db.session.get(Item, item_id).uid
    flag_id = report(app, learner, uid, "Mild starts lower, I think.")
    other = accounts.create("other@example.org", name="Olga Other")
    other_client = app.test_client()
    accounts.login(other_client, other.email)
    report(app, other, uid, "Olga's own doubt")
    assert NOTICE not in text_of(learner_client, "/")  # not resolved yet

    edit(instructor_client, item_id, prompt="Below which count is leukopenia called mild now?")
    post_form(
        instructor_client,
        f"/bank/flags/{flag_id}/resolve",
        {"resolution": "Fixed the <b>wording</b>, thank you."},
    )

    home = text_of(learner_client, "/")
    assert NOTICE in home
    assert (
        "Your report on the question “Below which count is leukopenia called mild?” was resolved:"
        in home
    )
    raw = learner_client.get("/").get_data(as_text=True)
    assert "Fixed the &lt;b&gt;wording&lt;/b&gt;, thank you." in raw
    assert "you reported version 1, it is now version 2" in home
    assert NOTICE not in text_of(other_client, "/")
    assert "Mild starts lower" not in text_of(other_client, "/reports")
    assert "Open: waiting for an instructor" in text_of(other_client, "/reports")

    # only the reporter can dismiss it, and only with the form's token
    assert post_form(other_client, f"/reports/{flag_id}/dismiss", {}).status_code == 404
    assert learner_client.post(f"/reports/{flag_id}/dismiss").status_code == 400
    dismissed = post_form(learner_client, f"/reports/{flag_id}/dismiss", {})
    assert (dismissed.status_code, dismissed.headers["Location"]) == (303, "/")
    assert NOTICE not in text_of(learner_client, "/")
    with app.app_context():
        assert db.session.get(Flag, flag_id).learner_seen_at is not None

    mine = text_of(learner_client, "/reports")
    assert "Mild starts lower, I think." in mine
    assert "Resolved" in mine and "Fixed the <b>wording</b>, thank you." in mine


def test_an_open_report_cannot_be_dismissed(
    app: Flask, bank, learner: User, learner_client: FlaskClient
) -> None:
    flag_id = report(app, learner, "leukopenia:wbc-count-threshold:numeric", "Odd unit")
    assert post_form(learner_client, f"/reports/{flag_id}/dismiss", {}).status_code == 404
    assert "Odd unit" in text_of(learner_client, "/reports")
    assert "Your reports on questions" in text_of(learner_client, "/")
