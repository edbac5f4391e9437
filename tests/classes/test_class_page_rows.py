"""The class page's roster and mastery grid, written in Python (quizapp.classes.cells):
names are escaped, every row links to the learner's page, times are in the
instructor's zone."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import User
from tests.classes.conftest import Classes


def test_rows_escape_names_link_learners_and_use_the_viewers_zone(
    app: Flask, build: Classes, instructor: User, instructor_client: FlaskClient
) -> None:
    with app.app_context():
        db.session.get(User, instructor.id).time_zone = "Pacific/Auckland"  # type: ignore[union-attr]
        db.session.commit()
    classroom_id = build.classroom(instructor)
    zoe = build.learner("<b>Zoe & Co</b>", classroom_id)
    build.reviews(zoe, [(build.cards(1, "causes")[0], 3)])

    page = instructor_client.get(f"/classes/{classroom_id}").get_data(as_text=True)

    assert "<b>Zoe" not in page
    assert page.count("&lt;b&gt;Zoe &amp; Co&lt;/b&gt;") == 2  # the roster and the grid
    assert page.count(f'href="/classes/{classroom_id}/learners/{zoe.id}"') == 2
    assert "(Pacific/Auckland)" in page  # joined and last active, in the viewer's zone
    assert "(UTC)" not in page
