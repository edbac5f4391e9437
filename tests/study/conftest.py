"""Study fixtures: exact intervals (fuzzing off), a clock a test moves, the small
hand-hygiene deck (its cards in 3 topics), and a learner's study page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from fsrs import Rating
from sqlalchemy import select

from quizapp import content
from quizapp.auth import services as accounts
from quizapp.bank.services import store
from quizapp.extensions import db
from quizapp.models import CardState, Deck, Item, ReviewLog, Topic, User
from quizapp.study import services
from quizapp.study.scheduling import CARD_FIELDS
from tests.study.pages import StudyPage

HAND_HYGIENE = Path(__file__).resolve().parents[1] / "content" / "topics" / "hand-hygiene"
# A Monday, before either hemisphere changes its clocks.
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
# The flashcards the generator makes from the test deck, per topic in deck order:
# basics has two clozes, the gloves fact's question and the hand-written gloves card;
# technique the wash-duration question and the soap-situations list; when its two lists.
TOPIC_CARDS = {"basics": 4, "technique": 2, "when": 2}
CARDS = sum(TOPIC_CARDS.values())


class Clock:
    """What the app believes the time is; tests move it instead of sleeping."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(make_app: Callable[..., Flask], clock: Clock) -> Flask:
    # The queue's order is pinned card by card on a deck whose cards share facts:
    # burying siblings is tested on its own (test_siblings.py).
    app = make_app(STUDY_FUZZING=False, STUDY_BURY_SIBLINGS=False, CLOCK=clock)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def hand_hygiene(app: Flask) -> list[int]:
    """The test deck in the database; returns its card ids in study order (topic, id)."""
    with app.app_context():
        store(content.read_bank(HAND_HYGIENE))
        db.session.commit()
        scope = services.find_scope("hand-hygiene")
        assert scope is not None
        rows = db.session.execute(
            select(Item.id, Topic.key)
            .join(Topic, Topic.id == Item.topic_id)
            .where(*scope.conditions)
            .order_by(Topic.position, Item.id)
        ).all()
    assert [key for _, key in rows] == [
        key for key, count in TOPIC_CARDS.items() for _ in range(count)
    ]
    return [item_id for item_id, _ in rows]


@pytest.fixture
def study(learner_client: FlaskClient) -> StudyPage:
    return StudyPage(learner_client)


@pytest.fixture
def learner_id(learner: User) -> int:
    return learner.id


@dataclass
class Learner:
    """One learner studying through the services, each call one committed transaction."""

    app: Flask
    id: int

    def _version(self, item_id: int) -> int:
        state = db.session.scalar(
            select(CardState).where(CardState.user_id == self.id, CardState.item_id == item_id)
        )
        return state.version if state else 0

    def rate(
        self, item_id: int, rating: Rating, at: datetime, token: int | None = None
    ) -> services.Outcome:
        """Rate the card as it is now (or as it was at version ``token``, for a stale tab)."""
        with self.app.app_context():
            current = self._version(item_id) if token is None else token
            outcome = services.rate(self.id, self._place(item_id), current, rating, at)
            db.session.commit()
            return outcome

    @staticmethod
    def _place(item_id: int) -> services.CardPlace:
        """The card as the study page of its deck names it."""
        deck = db.session.scalar(
            select(Deck.slug).join(Item, Item.deck_id == Deck.id).where(Item.id == item_id)
        )
        return services.CardPlace(item_id, deck or "no-such-deck")

    def state(self, item_id: int) -> dict[str, Any] | None:
        """The stored card: the fsrs fields and the version, or None while it is new."""
        with self.app.app_context():
            state = db.session.scalar(
                select(CardState).where(CardState.user_id == self.id, CardState.item_id == item_id)
            )
            if state is None:
                return None
            return {name: getattr(state, name) for name in (*CARD_FIELDS, "version")}

    def reviews(self) -> list[ReviewLog]:
        with self.app.app_context():
            logs = db.session.scalars(
                select(ReviewLog).where(ReviewLog.user_id == self.id).order_by(ReviewLog.id)
            ).all()
            db.session.expunge_all()
            return list(logs)

    def queue(self, at: datetime, deck: str = "hand-hygiene", topic: str | None = None):
        with self.app.app_context():
            scope = services.find_scope(deck, topic)
            assert scope is not None
            return services.queue(self.id, scope, at)

    def next_card(self, at: datetime, deck: str = "hand-hygiene") -> int | None:
        card = self.queue(at, deck).card
        return card.item.id if card else None

    def undo(self, review_id: int | None = None) -> int | None:
        """Undo the last rating (or the one ``review_id`` names, for a stale button)."""
        with self.app.app_context():
            if review_id is None:
                last = services.last_review(self.id)
                assert last is not None, "nothing to undo"
                review_id = last.id
            undone = services.undo(self.id, review_id)
            db.session.commit()
            return undone

    def configure(self, **values: Any) -> None:
        with self.app.app_context():
            settings = services.settings_for(self.id)
            current = {
                "desired_retention": settings.desired_retention,
                "new_per_day": settings.new_per_day,
                "time_zone": accounts.time_zone(self.id).key,
            }
            services.save_settings(self.id, **{**current, **values})
            db.session.commit()


@pytest.fixture
def student(app: Flask, learner: User) -> Learner:
    return Learner(app, learner.id)


@pytest.fixture
def make_learner(app: Flask, accounts) -> Callable[[str], Learner]:
    def make(email: str) -> Learner:
        return Learner(app, accounts.create(email, name=email.split("@")[0]).id)

    return make
