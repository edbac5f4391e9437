"""Builders for class analytics: a class with members, their quizzes (answers chosen
right or wrong, one by one) and their flashcard reviews."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import insert, select

from quizapp import clock
from quizapp.classes import services as classes
from quizapp.content import ItemType, Status
from quizapp.extensions import db
from quizapp.models import Attempt, Classroom, Item, ReviewLog, Role, User
from quizapp.quiz import services as quiz
from quizapp.quiz.grading import Given
from tests.conftest import Accounts
from tests.quiz.conftest import Quizzes


@dataclass
class Classes:
    """Classes, members, quizzes and reviews, each call one committed transaction."""

    app: Flask
    accounts: Accounts
    quizzes: Quizzes

    def classroom(self, instructor: User, name: str = "Ward 7 nurses") -> int:
        with self.app.app_context():
            classroom, _ = classes.create_classroom(name, db.session.get(User, instructor.id))
            db.session.commit()
            return classroom.id

    def learner(self, name: str, classroom_id: int | None = None) -> User:
        email = f"{uuid.uuid4().hex[:10]}@example.org"
        user = self.accounts.create(email, Role.LEARNER, name=name)
        if classroom_id is not None:
            self.enrol(classroom_id, user)
        return user

    def enrol(self, classroom_id: int, learner: User) -> None:
        with self.app.app_context():
            classes.enrol(db.session.get(Classroom, classroom_id), learner)
            db.session.commit()

    def quiz(self, learner: User, answers: Sequence[tuple[int, bool]], finish: bool = True) -> int:
        """An attempt asking these items in this order, each answered right (True) or
        wrong (False); ``finish=False`` leaves the last one unanswered and open."""
        attempt_id = self.quizzes.start(learner, [item_id for item_id, _ in answers])
        for position, (_, right) in enumerate(answers, start=1):
            if not finish and position == len(answers):
                break
            self.quizzes.answer(attempt_id, position, right)
        return attempt_id

    def answer(self, attempt_id: int, position: int, given: Given) -> None:
        """Answer exactly ``given`` (option texts, True/False, text typed)."""
        with self.app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            quiz.answer(quiz.own_question(attempt.learner_id, attempt.id, position)[0], given)
            db.session.commit()

    def cards(self, count: int, topic: str) -> list[int]:
        with self.app.app_context():
            return list(
                db.session.scalars(
                    select(Item.id)
                    .where(
                        Item.type == ItemType.QA,
                        Item.status == Status.PUBLISHED,
                        Item.topic.has(key=topic),
                    )
                    .order_by(Item.uid)
                    .limit(count)
                )
            )

    def reviews(
        self, learner: User, ratings: Sequence[tuple[int, int]], at: datetime | None = None
    ) -> None:
        """Ratings (card id, 1=Again … 4=Easy), an hour apart, ending at ``at``."""
        end = at or clock.now() - timedelta(days=1)
        with self.app.app_context():
            db.session.execute(
                insert(ReviewLog),
                [
                    {
                        "user_id": learner.id,
                        "item_id": item_id,
                        "rating": rating,
                        "reviewed_at": end - timedelta(hours=len(ratings) - 1 - number),
                    }
                    for number, (item_id, rating) in enumerate(ratings)
                ],
            )
            db.session.commit()


@pytest.fixture
def build(app: Flask, accounts: Accounts, bank: object) -> Classes:
    return Classes(app, accounts, Quizzes(app))
