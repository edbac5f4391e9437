"""What a learner studies now: scopes, counts, the next card, and the deck overview.

A card's due time is exact, as ``fsrs`` computes it: a card rated Good at 15:00
with an interval of one day is due at 15:00 the next day. (Anki's own scheduler
counts whole days instead; with py-fsrs, showing a one-day card early would make
it look like a same-day review and stall its stability.) The learner's time zone
(the account's) sets when the day, and so the daily limit of new cards, starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from fsrs import Rating, State
from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from quizapp import clock
from quizapp.auth import services as accounts
from quizapp.content import ItemType, Kind, Status
from quizapp.extensions import db
from quizapp.models import CardState, Deck, Item, ReviewLog, StudySettings, Topic
from quizapp.study import scheduling
from quizapp.study.services.settings import settings_for

CARD_TYPES = tuple(item_type for item_type in ItemType if item_type.kind is Kind.CARD)
REVIEW = int(State.Review)
# Order of the due-card query: learning cards due now, reviews due now, then
# learning cards due within the learn-ahead window (shown after new cards).
LEARNING_DUE, REVIEW_DUE, LEARNING_AHEAD = 0, 1, 2


@dataclass(frozen=True)
class Scope:
    """What a learner studies: a whole deck, or one topic of it."""

    deck: Deck
    topic: Topic | None = None

    @property
    def conditions(self) -> list[ColumnElement[bool]]:
        """WHERE conditions on ``Item``: the published flashcards of the deck or topic."""
        where = [
            Item.deck_id == self.deck.id,
            Item.status == Status.PUBLISHED,
            Item.type.in_(CARD_TYPES),
        ]
        if self.topic is not None:
            where.append(Item.topic_id == self.topic.id)
        return where


class Tally(NamedTuple):
    """Raw numbers for some cards: how many, never rated, learning now, reviews due now."""

    cards: int = 0
    unseen: int = 0
    learning: int = 0
    review: int = 0

    @classmethod
    def total(cls, tallies: Iterable[Tally]) -> Tally:
        return cls(*map(sum, zip(*tallies, strict=True)))

    def counts(self, new_left: int) -> Counts:
        """What the learner is shown: new cards capped by today's limit."""
        return Counts(min(self.unseen, new_left), self.learning, self.review)


@dataclass(frozen=True)
class Counts:
    """Cards left to study now: new (within today's limit), learning, due reviews."""

    new: int = 0
    learning: int = 0
    review: int = 0


@dataclass(frozen=True)
class StudyCard:
    """A card to show, with the learner's state (None while the card is new)."""

    item: Item
    state: CardState | None

    @property
    def token(self) -> int:
        """The version a rating form carries: 0 for a card the learner never rated."""
        return self.state.version if self.state else 0

    @property
    def stage(self) -> str:
        if self.state is None:
            return "New card"
        return "Review" if self.state.state == REVIEW else "Learning"


@dataclass(frozen=True)
class Queue:
    """Everything the study page shows for a scope at one moment."""

    settings: StudySettings
    zone: ZoneInfo  # the learner's: due times are shown in it
    tally: Tally
    counts: Counts
    new_left: int  # new cards the daily limit still allows
    card: StudyCard | None
    intervals: dict[Rating, timedelta]
    next_due: datetime | None  # when nothing is due now
    last_review_id: int | None  # what the undo button takes back


@dataclass(frozen=True)
class TopicSummary:
    topic: Topic
    tally: Tally
    counts: Counts


@dataclass(frozen=True)
class DeckSummary:
    deck: Deck
    tally: Tally
    counts: Counts
    topics: list[TopicSummary]


def find_scope(deck_slug: str, topic_key: str | None = None) -> Scope | None:
    deck = db.session.scalar(select(Deck).where(Deck.slug == deck_slug))
    if deck is None:
        return None
    if topic_key is None:
        return Scope(deck)
    topic = db.session.scalar(select(Topic).where(Topic.deck_id == deck.id, Topic.key == topic_key))
    return Scope(deck, topic) if topic else None


def _new_cards_since(user_id: int, start: datetime) -> Select[int]:
    """How many cards the learner saw for the first time since ``start``."""
    return select(func.count()).where(
        ReviewLog.user_id == user_id,
        ReviewLog.reviewed_at >= start,
        ReviewLog.state_before.is_(None),
    )


def latest_review_query(user_id: int) -> Select[ReviewLog]:
    """The learner's last rating: what undo takes back."""
    return (
        select(ReviewLog)
        .where(ReviewLog.user_id == user_id)
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(1)
    )


def _new_cards_today(user_id: int, now: datetime) -> int:
    """Cards seen for the first time since the learner's local midnight."""
    start = clock.day_start(now, accounts.time_zone(user_id))
    return db.session.scalar(_new_cards_since(user_id, start)) or 0


def _unseen(user_id: int) -> ColumnElement[bool]:
    """The item has no card state for this learner: it is new to them."""
    return ~exists().where(CardState.user_id == user_id, CardState.item_id == Item.id)


def _waiting(user_id: int, now: datetime) -> ColumnElement[bool]:
    """The learner's card states to study now: reviews due, and learning cards due
    within the learn-ahead window. The range on ``due`` uses (user_id, due)."""
    return and_(
        CardState.user_id == user_id,
        CardState.due <= now + scheduling.LEARN_AHEAD,
        or_(CardState.state != REVIEW, CardState.due <= now),
    )


def due_card_query(user_id: int, scope: Scope, now: datetime) -> Select[CardState, Item, int]:
    """The first card state to study: learning due, then reviews due, then learning ahead."""
    priority = case(
        (CardState.state == REVIEW, REVIEW_DUE),
        (CardState.due <= now, LEARNING_DUE),
        else_=LEARNING_AHEAD,
    ).label("priority")
    return (
        select(CardState, Item)
        .add_columns(priority)
        .join(Item, Item.id == CardState.item_id)
        .where(_waiting(user_id, now), *scope.conditions)
        .order_by(priority, CardState.due, CardState.id)
        .limit(1)
    )


def new_card_query(user_id: int, scope: Scope) -> Select[Item]:
    """The first card the learner has never rated, in the deck's topic order."""
    return (
        select(Item)
        .join(Topic, Topic.id == Item.topic_id)
        .where(*scope.conditions, _unseen(user_id))
        .order_by(Topic.position, Item.id)
        .limit(1)
    )


# What the study page shows of a card, loaded with it rather than one query each.
SHOWN = (joinedload(Item.topic), joinedload(Item.source))


def _next_card(user_id: int, scope: Scope, now: datetime, new_left: int) -> StudyCard | None:
    due = db.session.execute(due_card_query(user_id, scope, now).options(*SHOWN)).first()
    if due is not None and due.priority != LEARNING_AHEAD:
        return StudyCard(due.Item, due.CardState)
    if new_left > 0:
        item = db.session.scalar(new_card_query(user_id, scope).options(*SHOWN))
        if item is not None:
            return StudyCard(item, None)
    return StudyCard(due.Item, due.CardState) if due is not None else None


def _chosen_card(user_id: int, scope: Scope, item_id: int) -> StudyCard | None:
    """A card asked for by id (the answer of the card on screen, the card just
    undone), if it is a card of this scope."""
    found = db.session.execute(
        select(Item, CardState)
        .outerjoin(CardState, and_(CardState.item_id == Item.id, CardState.user_id == user_id))
        .where(Item.id == item_id, *scope.conditions)
        .options(*SHOWN)
    ).first()
    return StudyCard(found.Item, found.CardState) if found else None


def _tallies(
    user_id: int, now: datetime, conditions: Sequence[ColumnElement[bool]]
) -> dict[int, Tally]:
    """Per topic id, the learner's numbers, counted in one grouped query."""
    waiting = _waiting(user_id, now)
    rows = db.session.execute(
        select(
            Item.topic_id,
            func.count(),
            func.count(case((CardState.id.is_(None), 1))),
            func.count(case((and_(waiting, CardState.state != REVIEW), 1))),
            func.count(case((and_(waiting, CardState.state == REVIEW), 1))),
        )
        .outerjoin(CardState, and_(CardState.item_id == Item.id, CardState.user_id == user_id))
        .where(*conditions)
        .group_by(Item.topic_id)
    )
    return {topic_id: Tally(*counts) for topic_id, *counts in rows}


def _new_left(settings: StudySettings, seen_today: int) -> int:
    """New cards the daily limit still allows."""
    return max(0, settings.new_per_day - seen_today)


def new_left_today(user_id: int, settings: StudySettings, now: datetime) -> int:
    return _new_left(settings, _new_cards_today(user_id, now))


def queue(user_id: int, scope: Scope, now: datetime, chosen: int | None = None) -> Queue:
    """The counts and the card to show now; ``chosen`` asks for a particular card."""
    settings = settings_for(user_id)
    zone = accounts.time_zone(user_id)
    # Today's new cards and the last rating's id come back in one round trip.
    new_today, last_review_id = db.session.execute(
        select(
            _new_cards_since(user_id, clock.day_start(now, zone)).scalar_subquery(),
            latest_review_query(user_id).with_only_columns(ReviewLog.id).scalar_subquery(),
        )
    ).one()
    new_left = _new_left(settings, new_today)
    tally = Tally.total(_tallies(user_id, now, scope.conditions).values())
    card = _chosen_card(user_id, scope, chosen) if chosen else None
    card = card or _next_card(user_id, scope, now, new_left)
    intervals: dict[Rating, timedelta] = {}
    if card is not None:
        unfuzzed = scheduling.make_scheduler(settings.desired_retention, fuzzing=False)
        current = scheduling.to_card(card.item.id, card.state, now)
        intervals = scheduling.preview(unfuzzed, current, now)
    return Queue(
        settings=settings,
        zone=zone,
        tally=tally,
        counts=tally.counts(new_left),
        new_left=new_left,
        card=card,
        intervals=intervals,
        next_due=None if card else next_due(user_id, scope),
        last_review_id=last_review_id,
    )


def next_due(user_id: int, scope: Scope) -> datetime | None:
    """When the learner's earliest scheduled card of the scope comes due."""
    return db.session.scalar(
        select(func.min(CardState.due))
        .join(Item, Item.id == CardState.item_id)
        .where(CardState.user_id == user_id, *scope.conditions)
    )


def overview(user_id: int, now: datetime, new_left: int) -> list[DeckSummary]:
    """Every deck with flashcards, and its topics, with the learner's counts."""
    tallies = _tallies(user_id, now, [Item.status == Status.PUBLISHED, Item.type.in_(CARD_TYPES)])
    decks = db.session.scalars(
        select(Deck).options(selectinload(Deck.topics)).order_by(Deck.title)
    ).all()
    summaries = []
    for deck in decks:
        topics = [
            TopicSummary(topic, tallies[topic.id], tallies[topic.id].counts(new_left))
            for topic in deck.topics
            if topic.id in tallies
        ]
        if topics:
            tally = Tally.total(summary.tally for summary in topics)
            summaries.append(DeckSummary(deck, tally, tally.counts(new_left), topics))
    return summaries
