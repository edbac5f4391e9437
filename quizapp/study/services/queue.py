"""What a learner studies now: scopes, counts, the next card, and the deck overview.

A card's due time is exact, as ``fsrs`` computes it: a card rated Good at 15:00
with an interval of one day is due at 15:00 the next day. (Anki's own scheduler
counts whole days instead; with py-fsrs, showing a one-day card early would make
it look like a same-day review and stall its stability.) The learner's time zone
(the account's) sets when the day, and so the daily limit of new cards, starts.

Siblings (cards that share a fact, as several clozes of one sentence do) are
not shown on the same day: once one is rated, the others that are new or due
for review are buried until the learner's next local midnight, as Anki buries
siblings; learning cards are not (their steps are minutes apart), nor are
safety-critical cards, which also keep a desired retention of at least
``CRITICAL_RETENTION``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from fsrs import Rating, State
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    null,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, joinedload, selectinload

from quizapp import clock
from quizapp.auth import services as accounts
from quizapp.content import ItemType, Kind, Status
from quizapp.extensions import db
from quizapp.models import (
    CardState,
    Deck,
    Fact,
    Item,
    ReviewLog,
    StudySettings,
    Topic,
    item_fact,
)
from quizapp.models.study import QUIZ_ORIGIN, STUDY_ORIGIN
from quizapp.study import scheduling
from quizapp.study.services.parameters import weights
from quizapp.study.services.settings import settings_for

CARD_TYPES = tuple(item_type for item_type in ItemType if item_type.kind is Kind.CARD)
REVIEW = int(State.Review)
# Order of the due-card query: learning cards due now, reviews due now, then
# learning cards due within the learn-ahead window (shown after new cards).
LEARNING_DUE, REVIEW_DUE, LEARNING_AHEAD = 0, 1, 2
# Safety-critical cards are held at least this likely to be recalled when due.
CRITICAL_RETENTION = 0.95


def desired_retention(settings: StudySettings, critical: bool) -> float:
    """The retention a card is scheduled for: the learner's, or for a
    safety-critical card the higher of theirs and ``CRITICAL_RETENTION``."""
    if critical:
        return max(settings.desired_retention, CRITICAL_RETENTION)
    return settings.desired_retention


def is_critical(item_id: ColumnElement[int] | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """SQL: the item teaches a safety-critical fact."""
    return exists().where(
        item_fact.c.item_id == item_id, Fact.id == item_fact.c.fact_id, Fact.critical
    )


def _sibling_rated_since(user_id: int, since: datetime) -> ColumnElement[bool]:
    """SQL: another card sharing one of ``Item``'s facts was rated since ``since``
    (by the learner on the study page or by a quiz answer)."""
    mine, theirs = item_fact.alias("mine"), item_fact.alias("theirs")
    return exists().where(
        mine.c.item_id == Item.id,
        theirs.c.fact_id == mine.c.fact_id,
        theirs.c.item_id != Item.id,
        ReviewLog.item_id == theirs.c.item_id,
        ReviewLog.user_id == user_id,
        ReviewLog.reviewed_at >= since,
    )


def _sibling_buries(user_id: int, since: datetime) -> ColumnElement[bool]:
    """SQL: ``Item`` is not critical and a sibling was rated since ``since``
    (never, where ``STUDY_BURY_SIBLINGS`` is off)."""
    if not current_app.config["STUDY_BURY_SIBLINGS"]:
        return false()
    return and_(~is_critical(Item.id), _sibling_rated_since(user_id, since))


def _buried(user_id: int, since: datetime) -> ColumnElement[bool]:
    """SQL, over ``Item`` outer-joined to the learner's ``CardState``: a new or
    review card that a sibling rated since the day began buries."""
    return and_(
        or_(CardState.id.is_(None), CardState.state == REVIEW), _sibling_buries(user_id, since)
    )


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
    """Raw numbers for some cards: how many, never rated, learning now, reviews due
    now (buried siblings not counted in ``unseen`` and ``review``), and the new
    cards and due reviews buried until tomorrow."""

    cards: int = 0
    unseen: int = 0
    learning: int = 0
    review: int = 0
    buried: int = 0

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
    critical: bool = False

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
    last_review_from_quiz: bool = False  # then undo takes back that answer's ratings


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
    """How many cards the learner studied for the first time since ``start``
    (a card a quiz answer brought in does not use up the daily limit)."""
    return select(func.count()).where(
        ReviewLog.user_id == user_id,
        ReviewLog.reviewed_at >= start,
        ReviewLog.state_before.is_(None),
        ReviewLog.origin == STUDY_ORIGIN,
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


def due_card_query(
    user_id: int, scope: Scope, now: datetime, since: datetime
) -> Select[CardState, Item, int, bool]:
    """The first card state to study: learning due, then reviews due, then learning
    ahead; siblings of a card rated since ``since`` (the day's start) wait."""
    priority = case(
        (CardState.state == REVIEW, REVIEW_DUE),
        (CardState.due <= now, LEARNING_DUE),
        else_=LEARNING_AHEAD,
    ).label("priority")
    return (
        select(CardState, Item)
        .add_columns(priority, is_critical(Item.id).label("critical"))
        .join(Item, Item.id == CardState.item_id)
        .where(_waiting(user_id, now), *scope.conditions, ~_buried(user_id, since))
        .order_by(priority, CardState.due, CardState.id)
        .limit(1)
    )


def new_card_query(user_id: int, scope: Scope, since: datetime) -> Select[Item, bool]:
    """The first card the learner has never rated, in the deck's topic order,
    that no sibling rated since ``since`` (the day's start) buries."""
    return (
        select(Item, is_critical(Item.id).label("critical"))
        .join(Topic, Topic.id == Item.topic_id)
        .where(*scope.conditions, _unseen(user_id), ~_sibling_buries(user_id, since))
        .order_by(Topic.position, Item.id)
        .limit(1)
    )


# What the study page shows of a card, loaded with it rather than one query each.
SHOWN = (joinedload(Item.topic), joinedload(Item.source))


def _next_card(
    user_id: int, scope: Scope, now: datetime, since: datetime, new_left: int
) -> StudyCard | None:
    query = due_card_query(user_id, scope, now, since).options(*SHOWN)
    due = db.session.execute(query).first()
    if due is not None and due.priority != LEARNING_AHEAD:
        return StudyCard(due.Item, due.CardState, due.critical)
    if new_left > 0:
        new = db.session.execute(new_card_query(user_id, scope, since).options(*SHOWN)).first()
        if new is not None:
            return StudyCard(new.Item, None, new.critical)
    return StudyCard(due.Item, due.CardState, due.critical) if due is not None else None


def _chosen_card(user_id: int, scope: Scope, item_id: int) -> StudyCard | None:
    """A card asked for by id (the answer of the card on screen, the card just
    undone), if it is a card of this scope."""
    found = db.session.execute(
        select(Item, CardState, is_critical(Item.id).label("critical"))
        .outerjoin(CardState, and_(CardState.item_id == Item.id, CardState.user_id == user_id))
        .where(Item.id == item_id, *scope.conditions)
        .options(*SHOWN)
    ).first()
    return StudyCard(found.Item, found.CardState, found.critical) if found else None


def _tallies(
    user_id: int, now: datetime, since: datetime, conditions: Sequence[ColumnElement[bool]]
) -> dict[int, Tally]:
    """Per topic id, the learner's numbers, counted in one grouped query; cards
    buried by a sibling rated since ``since`` (the day's start) apart."""
    waiting = _waiting(user_id, now)
    buried = _buried(user_id, since)
    rows = db.session.execute(
        select(
            Item.topic_id,
            func.count(),
            func.count(case((and_(CardState.id.is_(None), ~buried), 1))),
            func.count(case((and_(waiting, CardState.state != REVIEW), 1))),
            func.count(case((and_(waiting, CardState.state == REVIEW, ~buried), 1))),
            func.count(case((and_(buried, or_(CardState.id.is_(None), waiting)), 1))),
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
    since = clock.day_start(now, zone)
    latest = latest_review_query(user_id)
    # Today's new cards and the last rating's id and origin come back in one round trip.
    new_today, last_review_id, last_origin = db.session.execute(
        select(
            _new_cards_since(user_id, since).scalar_subquery(),
            latest.with_only_columns(ReviewLog.id).scalar_subquery(),
            latest.with_only_columns(ReviewLog.origin).scalar_subquery(),
        )
    ).one()
    new_left = _new_left(settings, new_today)
    tally = Tally.total(_tallies(user_id, now, since, scope.conditions).values())
    card = _chosen_card(user_id, scope, chosen) if chosen else None
    card = card or _next_card(user_id, scope, now, since, new_left)
    intervals: dict[Rating, timedelta] = {}
    if card is not None:
        unfuzzed = scheduling.make_scheduler(
            desired_retention(settings, card.critical),
            fuzzing=False,
            parameters=weights(user_id, card.item.id),
        )
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
        next_due=None if card else next_due(user_id, scope, since, zone, buried=tally.buried),
        last_review_id=last_review_id,
        last_review_from_quiz=last_origin == QUIZ_ORIGIN,
    )


def next_due(
    user_id: int, scope: Scope, since: datetime, zone: ZoneInfo, *, buried: int = 0
) -> datetime | None:
    """When the learner's next card of the scope comes: the earliest due time,
    a buried card's no earlier than the next local midnight; with ``buried``
    cards waiting now, the next local midnight at the latest."""
    held = _buried(user_id, since)
    free_due, held_due = db.session.execute(
        select(
            func.min(case((held, null()), else_=CardState.due)),
            func.min(case((held, CardState.due))),
        )
        .join(Item, Item.id == CardState.item_id)
        .where(CardState.user_id == user_id, *scope.conditions)
    ).one()
    tomorrow = clock.day_start(since + timedelta(hours=36), zone)
    times = [free_due, held_due and max(held_due, tomorrow), tomorrow if buried else None]
    return min((time for time in times if time is not None), default=None)


def overview(user_id: int, now: datetime, new_left: int) -> list[DeckSummary]:
    """Every deck with flashcards, and its topics, with the learner's counts."""
    since = clock.day_start(now, accounts.time_zone(user_id))
    cards = [Item.status == Status.PUBLISHED, Item.type.in_(CARD_TYPES)]
    tallies = _tallies(user_id, now, since, cards)
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
