"""Deleting an account: no personal data is left in the database, and the item
statistics (the bank's and the class's) stay exactly as they were."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp import clock
from quizapp.classes.items import ItemStats, item_analysis
from quizapp.classes.selection import Sorting, all_learners, class_learners
from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, CardState, Flag, Role, StudySettings, User
from quizapp.models.user import PLACEHOLDER_EMAIL
from tests.classes.conftest import Classes
from tests.conftest import PASSWORD, post_form

NAME, EMAIL = "Zelda Quux", "zelda.quux@example.org"


def statistics(app: Flask, classroom_id: int) -> tuple[list[ItemStats], list[ItemStats]]:
    with app.app_context():
        everyone = item_analysis(all_learners(), Sorting("facility"))
        klass = item_analysis(class_learners(classroom_id), Sorting("facility"))
        return everyone, klass


def personal_data(app: Flask, user_id: int) -> list[tuple[str, Any]]:
    """Every value in the database that names the person: their id in a column that
    points at an account, or their name or email anywhere in any text."""
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)).mappings():
                for column in table.columns:
                    value = row[column.name]
                    is_account_id = (table.name, column.name) == ("user_account", "id") or any(
                        key.column.table.name == "user_account" for key in column.foreign_keys
                    )
                    names = isinstance(value, str) and (NAME in value or EMAIL in value)
                    if names or (is_account_id and value == user_id):
                        found.append((f"{table.name}.{column.name}", value))
    return found


def zelda_with_history(
    app: Flask, build: Classes, client: FlaskClient, instructor: User
) -> tuple[int, User]:
    """Zelda and Ann in a class, with finished quizzes; Zelda also has an open quiz,
    flashcard reviews and a schedule, settings, a flag, a reset link and a session."""
    classroom = build.classroom(instructor)
    zelda = build.accounts.create(EMAIL, name=NAME)
    build.enrol(classroom, zelda)
    ann = build.learner("Ann", classroom)
    items = build.quizzes.items(ItemType.SINGLE, 4)
    for learner, pattern in (
        (zelda, (True, False, True, True)),
        (ann, (False, False, True, False)),
    ):
        build.quiz(learner, list(zip(items, pattern, strict=True)))
    build.quiz(zelda, [(items[0], True), (items[1], True)], finish=False)
    cards = build.cards(2, "symptoms")
    build.reviews(zelda, [(card, 3) for card in cards])
    with app.app_context():
        question = db.session.scalars(
            select(AttemptQuestion).join(Attempt).where(Attempt.learner_id == zelda.id)
        ).first()
        assert question is not None
        now = clock.now()
        db.session.add_all(
            [
                StudySettings(user_id=zelda.id, desired_retention=0.85, new_per_day=5),
                CardState(
                    user_id=zelda.id,
                    item_id=cards[0],
                    state=2,
                    step=None,
                    stability=3.0,
                    difficulty=5.0,
                    due=now + timedelta(days=3),
                    last_review=now,
                ),
                Flag(
                    item_id=question.item_id,
                    item_version_id=question.item_version_id,
                    learner_id=zelda.id,
                    comment="The key looks wrong to me.",
                ),
            ]
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["user", "reset-link", EMAIL])
    assert result.exit_code == 0, result.output
    assert build.accounts.login(client, EMAIL).status_code == 302
    return classroom, zelda


def delete(client: FlaskClient, password: str = PASSWORD):
    return post_form(client, "/account/delete", {"password": password})


def test_deleting_leaves_no_personal_data_and_the_same_item_statistics(
    app: Flask, build: Classes, client: FlaskClient, instructor: User
) -> None:
    classroom, zelda = zelda_with_history(app, build, client, instructor)
    before = statistics(app, classroom)
    assert before[0] and before[1]
    assert len(personal_data(app, zelda.id)) > 10
    with app.app_context():
        others = [learner for learner in class_learners(classroom) if learner != zelda.id]
        as_if_she_left = item_analysis(others, Sorting("facility"))

    other_device = app.test_client()
    assert build.accounts.login(other_device, EMAIL, remember="y").status_code == 302
    page = client.get("/account/delete")
    assert page.status_code == 200 and "cannot be undone" in page.get_data(as_text=True)
    assert delete(client).headers["Location"] == "/"

    assert personal_data(app, zelda.id) == []
    everyone, klass = statistics(app, classroom)
    assert everyone == before[0]  # the bank's figures keep every answer
    assert klass == as_if_she_left  # a class counts its members: she left it
    with app.app_context():
        assert db.session.scalar(select(Flag.comment)) == "The key looks wrong to me."
        placeholder = db.session.scalar(User.by_email(PLACEHOLDER_EMAIL))
        assert placeholder is not None and placeholder.role is Role.LEARNER
        kept = db.session.execute(
            select(Attempt.start_token, Attempt.finished_at).where(
                Attempt.learner_id == placeholder.id
            )
        ).all()
        # The finished quiz, unlinked from its start form; the unfinished one is gone.
        assert len(kept) == 1
        assert kept[0].start_token.startswith("deleted-") and kept[0].finished_at is not None
    # Signed out here and everywhere; the account, and its password, are gone.
    for device in (client, other_device):
        assert device.get("/progress/").status_code == 302
    assert build.accounts.login(app.test_client(), EMAIL).status_code == 400


def test_two_deleted_learners_share_the_placeholder(
    app: Flask, build: Classes, instructor: User
) -> None:
    classroom = build.classroom(instructor)
    items = build.quizzes.items(ItemType.SINGLE, 2)
    for name in ("One", "Two"):
        learner = build.learner(name, classroom)
        build.quiz(learner, [(items[0], True), (items[1], name == "One")])
        client = app.test_client()
        assert build.accounts.login(client, learner.email).status_code == 302
        before = statistics(app, classroom)[0]
        assert delete(client).status_code == 303
        assert statistics(app, classroom)[0] == before
    with app.app_context():
        assert class_learners(classroom) == []  # no class counts the placeholder
        owners = select(func.count(func.distinct(Attempt.learner_id)))
        assert db.session.scalar(owners) == 1


def test_wrong_password_deletes_nothing(
    app: Flask, learner_client: FlaskClient, learner: User
) -> None:
    refused = delete(learner_client, "not my password")
    assert refused.status_code == 400
    assert "The password is not correct." in refused.get_data(as_text=True)
    assert personal_data(app, learner.id)
    assert learner_client.get("/progress/").status_code == 200


def test_an_instructor_who_runs_a_class_is_refused(
    app: Flask, build: Classes, instructor_client: FlaskClient, instructor: User
) -> None:
    build.classroom(instructor, "Ward 7 nurses")
    refused = delete(instructor_client)
    assert refused.status_code == 400
    assert "You run 1 class(es): Ward 7 nurses." in refused.get_data(as_text=True)
    assert personal_data(app, instructor.id)


def test_the_placeholder_cannot_sign_in_or_get_a_reset_link(
    app: Flask, build: Classes, accounts: object, learner_client: FlaskClient
) -> None:
    assert delete(learner_client).status_code == 303
    result = app.test_cli_runner().invoke(args=["user", "reset-link", PLACEHOLDER_EMAIL])
    assert result.exit_code == 1
    assert "cannot sign in" in result.output
    assert build.accounts.login(app.test_client(), PLACEHOLDER_EMAIL, "!").status_code == 400


def test_the_placeholder_is_listed_nowhere_but_counted_in_the_banks_item_analysis(
    app: Flask, build: Classes, instructor: User
) -> None:
    classroom = build.classroom(instructor)
    items = build.quizzes.items(ItemType.SINGLE, 2)
    stays = build.learner("Stella Stays", classroom)
    leaves = build.learner("Lena Leaves", classroom)
    build.quiz(leaves, [(items[0], True), (items[1], False)])
    client = app.test_client()
    assert build.accounts.login(client, leaves.email).status_code == 302
    assert delete(client).status_code == 303
    with app.app_context():
        placeholder = db.session.scalars(User.by_email(PLACEHOLDER_EMAIL)).one()
        assert placeholder.is_placeholder and not db.session.get(User, stays.id).is_placeholder

    teacher = app.test_client()
    assert build.accounts.login(teacher, instructor.email).status_code == 302
    pages = {
        "roster": teacher.get(f"/classes/{classroom}"),
        "roster.csv": teacher.get(f"/classes/{classroom}/roster.csv"),
        "class list": teacher.get("/classes/"),
        "manage": teacher.get(f"/classes/{classroom}/manage"),
        "dashboard": teacher.get("/instructor/"),
    }
    for name, page in pages.items():
        text = page.get_data(as_text=True)
        assert page.status_code == 200, name
        assert "Deleted accounts" not in text and PLACEHOLDER_EMAIL not in text, name
    assert "Stella Stays" in pages["roster"].get_data(as_text=True)
    assert "<dt>Learners</dt><dd>1</dd>" in pages["dashboard"].get_data(as_text=True)
    # Its learner page (with the reset-link button) is as absent as any stranger's.
    assert teacher.get(f"/classes/{classroom}/learners/{placeholder.id}").status_code == 404
    listed = app.test_cli_runner().invoke(args=["user", "list"]).output
    assert "Deleted accounts" not in listed and stays.email in listed
    # The bank's item analysis still counts the deleted learner's answers; the
    # class's does not (its answers sit with every other class's deleted ones).
    everyone, klass = statistics(app, classroom)
    counted = {stats.item_id: stats.answered for stats in everyone}
    assert counted[items[0]] == counted[items[1]] == 1
    assert klass == []
    assert teacher.get(f"/classes/{classroom}/items").status_code == 200
