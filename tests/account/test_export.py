"""Download my data: my rows, as JSON and CSV, and nobody else's."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Attempt, Flag, ItemVersion, ReviewLog, StudySettings, User
from tests.classes.conftest import Classes


def download(client: FlaskClient) -> zipfile.ZipFile:
    response = client.get("/account/my-data.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    return zipfile.ZipFile(io.BytesIO(response.data))


def rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def reviews_of(app: Flask, user: User) -> int:
    with app.app_context():
        count = select(func.count()).where(ReviewLog.user_id == user.id)
        return int(db.session.scalar(count) or 0)


def flag(app: Flask, learner: User, item_id: int, comment: str) -> None:
    with app.app_context():
        version = db.session.scalars(
            select(ItemVersion.id).where(ItemVersion.item_id == item_id).limit(1)
        ).one()
        db.session.add(
            Flag(item_id=item_id, item_version_id=version, learner_id=learner.id, comment=comment)
        )
        db.session.commit()


def test_download_holds_my_rows_and_nobody_elses(
    app: Flask, build: Classes, client: FlaskClient, instructor: User
) -> None:
    classroom = build.classroom(instructor, "Ward 9 nurses")
    me = build.learner("Mo Me", classroom)
    other = build.learner("Otto Other", build.classroom(instructor, "Otto's own ward"))
    items = build.quizzes.items(ItemType.SINGLE, 3)
    flag(app, me, items[0], "The key looks wrong to me.")
    flag(app, other, items[1], "Otto's complaint")
    build.quiz(me, [(items[0], True), (items[1], False)])
    build.quiz(other, [(items[0], False), (items[1], True), (items[2], True)])
    build.reviews(me, [(card, 4) for card in build.cards(2, "symptoms")])
    build.reviews(other, [(card, 1) for card in build.cards(3, "symptoms")])
    with app.app_context():
        db.session.add(StudySettings(user_id=me.id, desired_retention=0.8, new_per_day=7))
        db.session.commit()
        mine = db.session.scalars(select(Attempt.id).where(Attempt.learner_id == me.id)).all()
    assert build.accounts.login(client, me.email).status_code == 302

    archive = download(client)
    assert sorted(archive.namelist()) == sorted(
        [
            "my-data.json",
            *(
                f"{t}.csv"
                for t in (
                    "account",
                    "settings",
                    "attempts",
                    "answers",
                    "reviews",
                    "cards",
                    "flags",
                    "classes",
                    "sessions",
                )
            ),
        ]
    )
    data = json.loads(archive.read("my-data.json"))
    assert data["account"] == [
        {
            "name": "Mo Me",
            "email": me.email,
            "role": "learner",
            "time_zone": "UTC",
            "created_at": data["account"][0]["created_at"],
            "last_login_at": data["account"][0]["last_login_at"],
        }
    ]
    assert [a["attempt"] for a in data["attempts"]] == list(mine)
    assert [(a["position"], a["correct"]) for a in data["answers"]] == [(1, True), (2, False)]
    # Mine: the two cards rated Easy, and what the quiz answers fed the schedule.
    assert len(data["reviews"]) == reviews_of(app, me) > 2
    assert sum(r["rating"] == 4 for r in data["reviews"]) == 2
    assert data["settings"] == [{"desired_retention": 0.8, "new_per_day": 7}]
    assert {r["origin"] for r in data["reviews"]} == {"study", "quiz"}
    assert [f["comment"] for f in data["flags"]] == ["The key looks wrong to me."]
    assert [c["class"] for c in data["classes"]] == ["Ward 9 nurses"]
    (device,) = data["sessions"]  # this browser; never the secret's hash
    assert device["keep_signed_in"] is False and "expires_at" in device

    assert [r["attempt"] for r in rows(archive, "attempts.csv")] == [str(i) for i in mine]
    assert len(rows(archive, "answers.csv")) == 2
    assert len(rows(archive, "reviews.csv")) == len(data["reviews"])
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert other.email.encode() not in everything and b"Otto" not in everything
    assert b"secret_hash" not in everything


def test_query_count_does_not_grow_with_history(
    app: Flask, build: Classes, client: FlaskClient
) -> None:
    from tests.conftest import sql_statements

    me = build.learner("Mo Me")
    items = build.quizzes.items(ItemType.SINGLE, 3)
    assert build.accounts.login(client, me.email).status_code == 302
    counts = []
    for _ in range(2):
        build.quiz(me, [(item, True) for item in items])
        build.reviews(me, [(card, 3) for card in build.cards(3, "symptoms")])
        with sql_statements(app) as statements:
            download(client)
        counts.append(len(statements))
    assert counts[0] == counts[1]
    with app.app_context():
        assert db.session.get(User, me.id) is not None
