"""What the progress dashboard shows, counted in SQL for one learner.

A fixed handful of queries, whatever the learner's history: each reads one
learner's rows through an index (``daily_activity`` by learner and day,
``card_state (user_id, due)``, ``attempt (learner_id, started_at)``) over a
bounded window, and returns at most a row per topic, per day or per quiz shown.
Days are the learner's own, from midnight to midnight in their time zone; the
streak and the reviews per day come from the per-day counts that
:mod:`quizapp.progress.activity` keeps as ratings and answers are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Row, and_, case, func, or_, select
from sqlalchemy.orm import contains_eager

from quizapp.auth import services as accounts
from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    CardState,
    DailyActivity,
    Deck,
    Item,
    Topic,
)
from quizapp.progress.days import Days, local_date, streak
from quizapp.progress.mastery import TopicMastery, topic_mastery
from quizapp.quiz.grading import QUESTION_TYPES
from quizapp.study.services import CARD_TYPES

FORECAST_DAYS = 30  # today and the 29 days after it
REVIEW_DAYS = 30  # today and the 29 days before it
STREAK_DAYS = 366  # how far back a streak is counted
SCORES = 30  # the latest finished quizzes drawn


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True)
class TopicProgress:
    topic: Topic
    mastery: TopicMastery | None  # None: no studied card nor quiz answer in the window
    cards: int  # published flashcards
    questions: int  # published quiz questions
    studied: int  # of the cards, those the learner has rated at least once
    due_today: int  # of those, due before the learner's midnight (overdue ones too)


@dataclass(frozen=True)
class DeckProgress:
    deck: Deck
    topics: list[TopicProgress]
    mastery: TopicMastery | None  # the topics' numbers added up
    forecast: list[DayCount]  # cards due on each of the next days, today first

    @property
    def cards(self) -> int:
        return sum(topic.cards for topic in self.topics)

    @property
    def questions(self) -> int:
        return sum(topic.questions for topic in self.topics)

    @property
    def studied(self) -> int:
        return sum(topic.studied for topic in self.topics)

    @property
    def due_today(self) -> int:
        return sum(topic.due_today for topic in self.topics)

    @property
    def due_in_forecast(self) -> int:
        return sum(day.count for day in self.forecast)


@dataclass(frozen=True)
class QuizScore:
    attempt_id: int
    deck: str
    finished_at: datetime
    percent: float


@dataclass(frozen=True)
class Streak:
    days: int
    today_active: bool
    capped: bool  # as long as the window: the streak may be longer still


@dataclass(frozen=True)
class Dashboard:
    zone: ZoneInfo
    today: date
    decks: list[DeckProgress]
    reviews: list[DayCount]  # reviews on each of the last days, oldest first
    streak: Streak
    scores: list[QuizScore]  # the latest finished quizzes, oldest first

    @property
    def due_today(self) -> int:
        return sum(deck.due_today for deck in self.decks)

    @property
    def reviews_total(self) -> int:
        return sum(day.count for day in self.reviews)

    @property
    def studied(self) -> int:
        return sum(deck.studied for deck in self.decks)

    @property
    def started(self) -> bool:
        """Whether the learner has done anything the dashboard can show."""
        return bool(
            self.streak.days
            or self.scores
            or self.studied
            or any(deck.mastery for deck in self.decks)
        )


def dashboard(user_id: int, now: datetime) -> Dashboard:
    """Everything the progress page shows for the learner at ``now``."""
    zone = accounts.time_zone(user_id)
    today = local_date(now, zone)
    forecast = Days.starting(today, FORECAST_DAYS, zone)
    topics = _topics()
    masteries = {row.topic_id: row for row in topic_mastery([user_id], now)}
    items = _item_counts(user_id, forecast.bounds[1])
    due = _forecast(user_id, forecast)
    decks = []
    for deck, deck_topics in groupby(topics, key=lambda topic: topic.deck):
        rows = [
            TopicProgress(topic, masteries.get(topic.id), *items.get(topic.id, (0, 0, 0, 0)))
            for topic in deck_topics
        ]
        rows = [row for row in rows if row.cards or row.questions or row.mastery or row.studied]
        if rows:
            decks.append(
                DeckProgress(
                    deck,
                    rows,
                    combined(user_id, [row.mastery for row in rows if row.mastery]),
                    _day_counts(forecast, due.get(deck.id, {})),
                )
            )
    return Dashboard(
        zone=zone,
        today=today,
        decks=decks,
        reviews=_reviews_per_day(user_id, Days.ending(today, REVIEW_DAYS, zone)),
        streak=_streak(user_id, today),
        scores=_scores(user_id),
    )


def combined(learner_id: int, parts: list[TopicMastery]) -> TopicMastery | None:
    """A deck's mastery: its topics' evidence added up and read through the one
    definition in :mod:`quizapp.progress.mastery` (topic id 0 stands for the deck)."""
    if not parts:
        return None
    return sum(parts, TopicMastery(learner_id, 0))


def _topics() -> list[Topic]:
    """Every topic with its deck, decks by title and topics in deck order (one query)."""
    return list(
        db.session.scalars(
            select(Topic)
            .join(Topic.deck)
            .options(contains_eager(Topic.deck))
            .order_by(Deck.title, Deck.id, Topic.position, Topic.id)
        )
    )


def _item_counts(user_id: int, tomorrow: datetime) -> dict[int, tuple[int, int, int, int]]:
    """Per topic id: published cards, published questions, cards studied, cards due today."""
    is_card = Item.type.in_(CARD_TYPES)
    rows = db.session.execute(
        select(
            Item.topic_id,
            func.count(case((is_card, 1))),
            func.count(case((Item.type.in_(QUESTION_TYPES), 1))),
            func.count(CardState.id),
            func.count(case((CardState.due < tomorrow, 1))),
        )
        .outerjoin(
            CardState,
            and_(CardState.item_id == Item.id, CardState.user_id == user_id, is_card),
        )
        .where(Item.status == Status.PUBLISHED)
        .group_by(Item.topic_id)
    )
    return {
        topic_id: (cards, questions, studied, due)
        for topic_id, cards, questions, studied, due in rows
    }


def _forecast(user_id: int, days: Days) -> dict[int, dict[int, int]]:
    """Per deck id, per day number: the learner's published cards due that day.

    Cards already overdue count on day 0, today, as the study page shows them.
    """
    scheduled = (
        select(Item.deck_id.label("deck_id"), days.number(CardState.due, "due").label("day"))
        .join(Item, Item.id == CardState.item_id)
        .where(
            CardState.user_id == user_id,
            CardState.due < days.end,
            Item.status == Status.PUBLISHED,
            Item.type.in_(CARD_TYPES),
        )
        .subquery()
    )
    found: dict[int, dict[int, int]] = {}
    for deck_id, day, count in db.session.execute(
        select(scheduled.c.deck_id, scheduled.c.day, func.count()).group_by(
            scheduled.c.deck_id, scheduled.c.day
        ),
        days.parameters("due"),
    ):
        found.setdefault(deck_id, {})[day] = count
    return found


def _reviews_per_day(user_id: int, days: Days) -> list[DayCount]:
    """Study-page ratings per day (a quiz answer's ratings are not reviews done)."""
    counts = db.session.execute(
        select(DailyActivity.day, DailyActivity.study_reviews).where(
            DailyActivity.user_id == user_id,
            DailyActivity.day >= days.first,
            DailyActivity.day <= days.date(len(days) - 1),
        )
    )
    found = {day: count for day, count in counts}
    return [DayCount(day, found.get(day, 0)) for day in days.dates()]


def _day_counts(days: Days, counts: dict[int, int]) -> list[DayCount]:
    return [DayCount(day, counts.get(number, 0)) for number, day in enumerate(days.dates())]


def _streak(user_id: int, today: date) -> Streak:
    """Consecutive days with a review or a quiz answer, from the learner's active
    days of the window (one row a day at most)."""
    first = today - timedelta(days=STREAK_DAYS - 1)
    active = set(
        db.session.scalars(
            select(DailyActivity.day).where(
                DailyActivity.user_id == user_id,
                DailyActivity.day >= first,
                DailyActivity.day <= today,
                or_(DailyActivity.reviews > 0, DailyActivity.answers > 0),
            )
        )
    )
    length = streak(active, today)
    return Streak(length, today in active, capped=length >= STREAK_DAYS)


def _scores(user_id: int) -> list[QuizScore]:
    """The learner's latest finished quizzes with their percentage, oldest first."""
    rows = db.session.execute(
        select(
            Attempt.id,
            Deck.title,
            Attempt.finished_at,
            (Attempt.score * 100.0 / Attempt.length).label("percent"),
        )
        .join(Deck, Deck.id == Attempt.deck_id)
        .where(Attempt.learner_id == user_id, Attempt.finished_at.is_not(None))
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())
        .limit(SCORES)
    )
    # Finished only (the WHERE), and finishing stores the score in the same UPDATE.
    finished = cast("Sequence[Row[int, str, datetime, float]]", rows.all())
    return [QuizScore(*row) for row in reversed(finished)]
