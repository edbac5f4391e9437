"""Builders for quiz tests: attempts on the bundled bank with chosen items, and the
answers (right or wrong) a learner would give to them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.content import ItemType, Status
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Deck, FeedbackTiming, Item, Response, User
from quizapp.quiz import grading, services
from quizapp.quiz.grading import Given
from tests.conftest import CSRF_INPUT


@dataclass(frozen=True)
class Asked:
    """A question as an attempt shows it: its version's content and the options in order."""

    content: dict[str, Any]
    shown: list[str]

    def given(self, right: bool = True) -> Given:
        """A right (or a wrong) answer, in the shape grading takes."""
        content = self.content
        answer = content["answer"]
        match ItemType(content["type"]):
            case ItemType.SINGLE:
                return answer if right else next(o for o in self.shown if o != answer)
            case ItemType.MULTIPLE:
                if right:
                    return [o for o in self.shown if o in answer]
                return [next(o for o in self.shown if o not in answer)]
            case ItemType.TRUEFALSE:
                return answer if right else not answer
            case ItemType.FILLIN:
                return answer if right else "certainly not this"
            case _:
                return str(answer["value"] if right else answer["value"] + 1000)

    def form(self, given: Given) -> dict[str, str | list[str]]:
        """What the page's form sends for ``given``: option positions, true/false, text."""
        if isinstance(given, bool):
            return {"answer": "true" if given else "false"}
        if ItemType(self.content["type"]).has_options:
            chosen = given if isinstance(given, list) else [given]
            return {"answer": [str(self.shown.index(option)) for option in chosen]}
        return {"answer": str(given)}


@dataclass
class Quizzes:
    """Attempts on the bundled bank, built through the quiz services."""

    app: Flask

    def deck_id(self) -> int:
        with self.app.app_context():
            return db.session.scalar(select(Deck.id).where(Deck.slug == "leukopenia"))

    def items(self, type_: ItemType, count: int = 1, topic: str | None = None) -> list[int]:
        """Ids of published questions of one type (and topic), in a stable order."""
        query = select(Item.id).where(Item.type == type_, Item.status == Status.PUBLISHED)
        if topic:
            query = query.where(Item.topic.has(key=topic))
        with self.app.app_context():
            ids = list(db.session.scalars(query.order_by(Item.uid).limit(count)))
        assert len(ids) == count, f"the bank has fewer than {count} {type_} items"
        return ids

    def one_of_each(self) -> list[int]:
        return [self.items(type_)[0] for type_ in grading.QUESTION_TYPES]

    def start(
        self,
        learner: User,
        item_ids: Sequence[int],
        feedback: FeedbackTiming = FeedbackTiming.EACH,
    ) -> int:
        with self.app.app_context():
            settings = services.Settings(self.deck_id(), feedback=feedback)
            attempt = services.start_attempt(
                learner.id, settings, uuid.uuid4().hex, seed=7, item_ids=item_ids
            )
            db.session.commit()
            return attempt.id

    def asked(self, attempt_id: int, position: int) -> Asked:
        with self.app.app_context():
            question = db.session.scalar(
                select(AttemptQuestion).where(
                    AttemptQuestion.attempt_id == attempt_id, AttemptQuestion.position == position
                )
            )
            parsed = services.question_of(question)
            shown = grading.shown_options(parsed, question.option_order)
            return Asked(question.item_version.content, shown)

    def answer(self, attempt_id: int, position: int, right: bool = True) -> None:
        """Answer through the service, as a learner's request would."""
        given = self.asked(attempt_id, position).given(right)
        with self.app.app_context():
            learner_id = db.session.get_one(Attempt, attempt_id).learner_id
            question, _progress = services.own_question(learner_id, attempt_id, position)
            services.answer(question, given)
            db.session.commit()

    def take(self, learner: User, item_ids: Sequence[int], right: bool) -> int:
        """A whole attempt on these items, every answer right (or every one wrong)."""
        attempt_id = self.start(learner, item_ids)
        for position in range(1, len(item_ids) + 1):
            self.answer(attempt_id, position, right)
        return attempt_id

    def responses(self, attempt_id: int) -> int:
        with self.app.app_context():
            return db.session.scalar(
                select(func.count(Response.id))
                .join(Response.question)
                .where(AttemptQuestion.attempt_id == attempt_id)
            )

    def attempt(self, attempt_id: int) -> Attempt:
        with self.app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            db.session.expunge(attempt)
            return attempt


@pytest.fixture
def quizzes(app: Flask, bank: object) -> Quizzes:
    return Quizzes(app)


def question_url(attempt_id: int, position: int) -> str:
    return f"/quiz/attempt/{attempt_id}/{position}"


def submit(client: FlaskClient, attempt_id: int, position: int, data: dict[str, Any]):
    """Send the answer form of a question page, with the token that page carries."""
    url = question_url(attempt_id, position)
    token = CSRF_INPUT.search(client.get(url).get_data(as_text=True))
    assert token, f"no form on {url}"
    return client.post(url, data={"csrf_token": token.group(1), **data})
