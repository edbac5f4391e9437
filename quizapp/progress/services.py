"""What the progress dashboard shows, counted in SQL for one learner.

Five statements, whatever the learner's history: each reads one learner's rows
through an index (``card_state`` by learner, ``daily_activity`` by learner and
day, ``attempt (learner_id, started_at)``) over a bounded window, and returns at
most a row per topic and day, per day or per quiz shown. Each is built once per
process with the learner and the window as bind parameters (building and hashing
a statement cost more than PostgreSQL spends running it), and their rows are
plain tuples, not ORM objects: the page only shows them. Days are the learner's
own, from midnight to midnight in their time zone; the streak and the reviews
per day come from the per-day counts that :mod:`quizapp.progress.activity` keeps
as ratings and answers are written.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Select, and_, bindparam, case, func, select

from quizapp.auth import services as accounts
from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import Attempt, CardState, DailyActivity, Deck, Item, Topic
from quizapp.progress.days import Days, local_date, numbering, streak
from quizapp.progress.mastery import LEARNER, TopicMastery, learner_mastery
from quizapp.quiz.grading import QUESTION_TYPES
from quizapp.study.services import CARD_TYPES

FORECAST_DAYS = 30  # today and the 29 days after it
REVIEW_DAYS = 30  # today and the 29 days before it
STREAK_DAYS = 366  # how far back a streak is counted
SCORES = 30  # the latest finished quizzes drawn
DUE = "due"  # the name of the forecast's bounds in the SQL (see days.numbering)


class DeckRow(NamedTuple):
    id: int
    slug: str
    title: str


class TopicRow(NamedTuple):
    id: int
    key: str
    title: str


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True)
class TopicProgress:
    topic: TopicRow
    mastery: TopicMastery | None  # None: no studied card nor quiz answer in the window
    cards: int  # published flashcards
    questions: int  # published quiz questions
    studied: int  # of the cards, those the learner has rated at least once
    due_today: int  # of those, due before the learner's midnight (overdue ones too)


@dataclass(frozen=True)
class DeckProgress:
    deck: DeckRow
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
    masteries = {row.topic_id: row for row in learner_mastery(user_id, now)}
    decks = []
    for deck, topics, due in _decks(user_id, forecast):
        rows = [
            TopicProgress(topic, masteries.get(topic.id), *counts)
            for topic, counts in topics
            if any(counts) or topic.id in masteries
        ]
        if rows:
            decks.append(
                DeckProgress(
                    deck,
                    rows,
                    combined(user_id, [row.mastery for row in rows if row.mastery]),
                    [
                        DayCount(day, count)
                        for day, count in zip(forecast.dates(), due, strict=True)
                    ],
                )
            )
    reviews, active = _days(user_id, Days.ending(today, REVIEW_DAYS, zone), today)
    length = streak(active, today)
    return Dashboard(
        zone=zone,
        today=today,
        decks=decks,
        reviews=reviews,
        streak=Streak(length, today in active, capped=length >= STREAK_DAYS),
        scores=_scores(user_id),
    )


def combined(learner_id: int, parts: list[TopicMastery]) -> TopicMastery | None:
    """A deck's mastery: its topics' evidence added up and read through the one
    definition in :mod:`quizapp.progress.mastery` (topic id 0 stands for the deck)."""
    if not parts:
        return None
    return sum(parts, TopicMastery(learner_id, 0))


def _decks(
    user_id: int, forecast: Days
) -> list[tuple[DeckRow, list[tuple[TopicRow, list[int]]], list[int]]]:
    """Every deck (by title) with its topics (in deck order), each topic's counts
    (published cards, published questions, cards studied, cards due today), and
    the learner's published cards of the deck due on each day of ``forecast``
    (cards already overdue count on day 0, today, as the study page shows them)."""
    decks: dict[int, tuple[DeckRow, list[tuple[TopicRow, list[int]]]]] = {}
    topics: dict[int, list[int]] = {}
    due: dict[int, list[int]] = {}
    rows = db.session.execute(
        _decks_statement(), {"learner_id": user_id, **forecast.parameters(DUE)}
    )
    for row in rows:
        if row.deck_id not in decks:
            decks[row.deck_id] = (DeckRow(row.deck_id, row.slug, row.deck_title), [])
        counts = topics.get(row.topic_id)
        if counts is None:
            counts = topics[row.topic_id] = [0, 0, 0, 0]
            topic = TopicRow(row.topic_id, row.key, row.topic_title)
            decks[row.deck_id][1].append((topic, counts))
        counts[0] += row.cards
        counts[1] += row.questions
        counts[2] += row.studied
        if row.day == 0:
            counts[3] += row.studied
        if row.day < len(forecast) and row.studied:
            due.setdefault(row.items_deck, [0] * len(forecast))[row.day] += row.studied
    return [
        (deck, deck_topics, due.get(deck.id, [0] * len(forecast)))
        for deck, deck_topics in decks.values()
    ]


@functools.cache
def _decks_statement() -> Select[Any]:
    """A row per topic, per deck of its items, per day of the forecast: its
    published cards, published questions and cards studied (the day on which
    these are due: ``FORECAST_DAYS`` for those due later, and for items not
    studied). Decks by title, topics in deck order."""
    is_card = Item.type.in_(CARD_TYPES)
    items = (
        select(
            Deck.title.label("deck_title"),
            Deck.id.label("deck_id"),
            Deck.slug,
            Topic.position,
            Topic.id.label("topic_id"),
            Topic.key,
            Topic.title.label("topic_title"),
            Item.deck_id.label("items_deck"),
            numbering(CardState.due, FORECAST_DAYS, DUE, past_end=True).label("day"),
            case((is_card, 1)).label("card"),
            case((Item.type.in_(QUESTION_TYPES), 1)).label("question"),
            CardState.id.label("studied"),
        )
        .join(Deck, Deck.id == Topic.deck_id)
        .outerjoin(Item, and_(Item.topic_id == Topic.id, Item.status == Status.PUBLISHED))
        .outerjoin(
            CardState,
            and_(CardState.item_id == Item.id, CardState.user_id == LEARNER, is_card),
        )
        .subquery()
    )
    c = items.c
    order = (c.deck_title, c.deck_id, c.position, c.topic_id)
    return (
        select(
            c.deck_id,
            c.slug,
            c.deck_title,
            c.topic_id,
            c.key,
            c.topic_title,
            c.items_deck,
            c.day,
            func.count(c.card).label("cards"),
            func.count(c.question).label("questions"),
            func.count(c.studied).label("studied"),
        )
        .group_by(*order, c.slug, c.key, c.topic_title, c.items_deck, c.day)
        .order_by(*order)
    )


def _days(user_id: int, days: Days, today: date) -> tuple[list[DayCount], set[date]]:
    """Study-page ratings on each of ``days`` (a quiz answer's ratings are not
    reviews done), and the days of the streak's window with a review or a quiz
    answer, from the learner's per-day counts (one row a day at most)."""
    reviews: dict[date, int] = {}
    active = set()
    first = today - timedelta(days=STREAK_DAYS - 1)
    for day, ratings, study_reviews, answers in db.session.execute(
        _days_statement(), {"learner_id": user_id, "first": first, "last": today}
    ):
        if ratings or answers:
            active.add(day)
        if day >= days.first:
            reviews[day] = study_reviews
    return [DayCount(day, reviews.get(day, 0)) for day in days.dates()], active


@functools.cache
def _days_statement() -> Select[date, int, int, int]:
    return select(
        DailyActivity.day,
        DailyActivity.reviews,
        DailyActivity.study_reviews,
        DailyActivity.answers,
    ).where(
        DailyActivity.user_id == LEARNER,
        DailyActivity.day >= bindparam("first"),
        DailyActivity.day <= bindparam("last"),
    )


def _scores(user_id: int) -> list[QuizScore]:
    """The learner's latest finished quizzes with their percentage, oldest first."""
    rows = db.session.execute(_scores_statement(), {"learner_id": user_id})
    # Finished only (the WHERE), and finishing stores the score in the same UPDATE.
    finished = cast("Sequence[Row[int, str, datetime, float]]", rows.all())
    return [QuizScore(*row) for row in reversed(finished)]


@functools.cache
def _scores_statement() -> Select[int, str, datetime | None, float | None]:
    return (
        select(
            Attempt.id,
            Deck.title,
            Attempt.finished_at,
            (Attempt.score * 100.0 / Attempt.length).label("percent"),
        )
        .join(Deck, Deck.id == Attempt.deck_id)
        .where(Attempt.learner_id == LEARNER, Attempt.finished_at.is_not(None))
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())
        .limit(SCORES)
    )
