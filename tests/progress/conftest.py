"""Progress fixtures: a clock the test moves, the small hand-hygiene deck, and a
builder that writes a learner's history (answers, reviews, card states) as rows
at chosen times, so every number the dashboard shows can be worked out by hand."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from flask import Flask
from sqlalchemy import select

from quizapp import content
from quizapp.bank.services import store
from quizapp.content import ItemType, Status
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    CardState,
    Deck,
    FeedbackTiming,
    Item,
    ItemVersion,
    QuizMode,
    Response,
    ReviewLog,
    Topic,
)
from quizapp.models.study import STUDY_ORIGIN
from quizapp.progress import activity
from quizapp.quiz.grading import QUESTION_TYPES
from quizapp.study import services as study
from quizapp.study.services import CARD_TYPES
from tests.conftest import Accounts

# The study tests' clock-driven app: time moves by test, never by sleeping.
from tests.study.conftest import HAND_HYGIENE, START, Clock, app, clock  # noqa: F401

__all__ = ["START", "Clock", "History"]


@pytest.fixture
def deck(app: Flask) -> None:
    """The hand-hygiene deck: its flashcards (see tests.study.conftest.TOPIC_CARDS) and
    many questions in 3 topics."""
    with app.app_context():
        store(content.read_bank(HAND_HYGIENE))
        db.session.commit()


@dataclass
class History:
    """One learner's past, written straight into the tables at the given times,
    and counted per day as the app counts what it writes."""

    app: Flask
    learner_id: int

    def cards(self, topic: str | None = None) -> list[int]:
        """The deck's published flashcards (of one topic), in study order."""
        return self._items(CARD_TYPES, topic)

    def questions(self, topic: str, types: Iterable[ItemType] = QUESTION_TYPES) -> list[int]:
        """The deck's published quiz questions of one topic (of some types), in bank order."""
        return self._items(types, topic)

    def _items(self, types: Iterable[ItemType], topic: str | None) -> list[int]:
        query = (
            select(Item.id)
            .join(Topic, Topic.id == Item.topic_id)
            .where(Item.type.in_(tuple(types)), Item.status == Status.PUBLISHED)
            .order_by(Topic.position, Item.id)
        )
        if topic is not None:
            query = query.where(Topic.key == topic)
        with self.app.app_context():
            return list(db.session.scalars(query))

    def quiz(
        self,
        scores: list[tuple[int, float]],
        at: datetime,
        *,
        finished: bool = True,
        started: datetime | None = None,
    ) -> int:
        """An attempt asking these (item id, score) questions, every answer given at
        ``at``; finished at ``at`` too unless ``finished`` is False."""
        with self.app.app_context():
            deck_id = db.session.scalar(select(Deck.id).where(Deck.slug == "hand-hygiene"))
            attempt = Attempt(
                learner_id=self.learner_id,
                deck_id=deck_id,
                start_token=uuid.uuid4().hex,
                mode=QuizMode.ALL,
                feedback=FeedbackTiming.EACH,
                length=len(scores),
                seed=1,
                started_at=started or at,
                finished_at=at if finished else None,
                score=sum(score for _item, score in scores) if finished else None,
            )
            db.session.add(attempt)
            for position, (item_id, score) in enumerate(scores, start=1):
                item = db.session.get(Item, item_id)
                version = db.session.scalar(
                    select(ItemVersion).where(
                        ItemVersion.item_id == item_id, ItemVersion.version == item.version
                    )
                )
                question = AttemptQuestion(
                    attempt=attempt,
                    position=position,
                    item_id=item_id,
                    item_version=version,
                    topic_id=item.topic_id,
                    option_order=None,
                )
                db.session.add(question)
                db.session.add(
                    Response(
                        question=question,
                        answer="x",
                        score=score,
                        correct=score >= 1,
                        answered_at=at,
                    )
                )
                activity.count_answer(self.learner_id, at)
            db.session.commit()
            return attempt.id

    def review(self, item_id: int, rating: int, at: datetime) -> None:
        with self.app.app_context():
            db.session.add(
                ReviewLog(user_id=self.learner_id, item_id=item_id, rating=rating, reviewed_at=at)
            )
            activity.count_review(self.learner_id, at, STUDY_ORIGIN)
            db.session.commit()

    def card(self, item_id: int, due: datetime) -> None:
        """The learner's schedule for the card: due at ``due``."""
        with self.app.app_context():
            db.session.add(
                CardState(
                    user_id=self.learner_id,
                    item_id=item_id,
                    state=2,
                    step=None,
                    stability=10.0,
                    difficulty=5.0,
                    due=due,
                    last_review=due - timedelta(days=10),
                )
            )
            db.session.commit()

    def time_zone(self, name: str) -> None:
        with self.app.app_context():
            study.save_settings(
                self.learner_id, desired_retention=0.9, new_per_day=20, time_zone=name
            )
            db.session.commit()


@pytest.fixture
def history(app: Flask, deck: None, learner) -> History:
    return History(app, learner.id)


@pytest.fixture
def make_history(app: Flask, deck: None, accounts: Accounts) -> Callable[[str], History]:
    def make(email: str) -> History:
        return History(app, accounts.create(email, name=email.split("@")[0]).id)

    return make


class _Tables(HTMLParser):
    """Each table's caption and rows of cell texts, as a person reads them
    (text that is hidden from sight, or only for screen readers, left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.cell: list[str] | None = None
        self.caption: list[str] | None = None
        self.row: list[str] | None = None
        self.skip = 0  # depth inside an element a sighted reader does not see

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if self.skip or "visually-hidden" in (found.get("class") or "").split():
            self.skip += 1
            return
        if tag == "table":
            self.tables.append(("", []))
        elif tag == "caption":
            self.caption = []
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1
            return
        if tag == "caption" and self.caption is not None:
            self.tables[-1] = (" ".join("".join(self.caption).split()), self.tables[-1][1])
            self.caption = None
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[-1][1].append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.caption is not None:
            self.caption.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    """The page's tables by the start of their caption: {caption: rows of cells}."""
    reader = _Tables()
    reader.feed(html)
    return {caption: rows for caption, rows in reader.tables}


def table(html: str, caption_start: str) -> list[list[str]]:
    found = [rows for caption, rows in tables(html).items() if caption.startswith(caption_start)]
    assert len(found) == 1, f"{len(found)} tables captioned {caption_start!r}: {list(tables(html))}"
    return found[0]
