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

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from fsrs import Rating, State
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    null,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, defer, joinedload, selectinload

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
    Source,
    StudySettings,
    Topic,
    item_fact,
)
from quizapp.models.study import QUIZ_ORIGIN, STUDY_ORIGIN
from quizapp.study import scheduling
from quizapp.study.services.parameters import as_weights, weights_column
from quizapp.study.services.settings import settings_columns, settings_of

CARD_TYPES = tuple(item_type for item_type in ItemType if item_type.kind is Kind.CARD)
REVIEW = int(State.Review)
# Order of the due-card query: learning cards due now, reviews due now, then
# learning cards due within the learn-ahead window (shown after new cards).
LEARNING_DUE, REVIEW_DUE, LEARNING_AHEAD = 0, 1, 2
# Safety-critical cards are held at least this likely to be recalled when due.
CRITICAL_RETENTION = 0.95

# The study page's statements are built once per shape (whole deck, topic or every
# deck; siblings buried or not) with these named parameters, then reused with
# values from ``_values``: building and hashing these statements cost the page more
# CPU than PostgreSQL spends running them.
USER: BindParameter[int] = bindparam("user_id")
ITEM: BindParameter[int] = bindparam("item_id")
NOW: BindParameter[datetime] = bindparam("now")
SINCE: BindParameter[datetime] = bindparam("since")
AHEAD: BindParameter[datetime] = bindparam("ahead")  # now + the learn-ahead window
DECK: BindParameter[int] = bindparam("deck_id")
TOPIC: BindParameter[int] = bindparam("topic_id")


def desired_retention_for(learners: float, critical: bool) -> float:
    """The retention a card is scheduled for: the learner's, or for a
    safety-critical card the higher of theirs and ``CRITICAL_RETENTION``."""
    return max(learners, CRITICAL_RETENTION) if critical else learners


def is_critical(item_id: ColumnElement[int] | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """SQL: the item teaches a safety-critical fact."""
    return exists().where(
        item_fact.c.item_id == item_id, Fact.id == item_fact.c.fact_id, Fact.critical
    )


def _sibling_rated_since() -> ColumnElement[bool]:
    """SQL: another card sharing one of ``Item``'s facts was rated since ``SINCE``
    (by the learner on the study page or by a quiz answer).

    Written as ``Item.id IN (the siblings of the cards rated since)``, not as a
    correlated EXISTS: PostgreSQL then reads the day's ratings once per
    statement (a hashed subplan) rather than once per card of the deck, which
    was most of the study page's database time.

    The cards rated since are a subquery of their own, kept apart by ``OFFSET 0``
    so that it is always read through ``(user_id, reviewed_at)``: joined in
    directly, the generic plan (``DATABASE_PLAN_ONCE``) of a database with few
    learners and long histories read every rating of each sibling card by
    ``item_id`` instead, 500 ms where this takes 1 ms."""
    mine, theirs = item_fact.alias("mine"), item_fact.alias("theirs")
    rated_since = (
        select(ReviewLog.item_id)
        .where(ReviewLog.user_id == USER, ReviewLog.reviewed_at >= SINCE)
        .distinct()
        .offset(0)
        .subquery("rated_since")
    )
    return Item.id.in_(
        select(mine.c.item_id)
        .join(theirs, and_(theirs.c.fact_id == mine.c.fact_id, theirs.c.item_id != mine.c.item_id))
        .join(rated_since, rated_since.c.item_id == theirs.c.item_id)
    )


def _bury() -> bool:
    """Whether a rated card buries its siblings (``STUDY_BURY_SIBLINGS``): part of
    the shape of the cached statements."""
    return bool(current_app.config["STUDY_BURY_SIBLINGS"])


def _sibling_buries(bury: bool) -> ColumnElement[bool]:
    """SQL: ``Item`` is not critical and a sibling was rated since ``SINCE``
    (never, without ``bury``)."""
    if not bury:
        return false()
    return and_(~is_critical(Item.id), _sibling_rated_since())


def _buried(bury: bool) -> ColumnElement[bool]:
    """SQL, over ``Item`` outer-joined to the learner's ``CardState``: a new or
    review card that a sibling rated since the day began buries."""
    return and_(or_(CardState.id.is_(None), CardState.state == REVIEW), _sibling_buries(bury))


def _cards(deck: bool, topic: bool) -> list[ColumnElement[bool]]:
    """WHERE conditions on ``Item``: the published flashcards, of ``DECK`` and of
    ``TOPIC`` when asked."""
    where = [Item.status == Status.PUBLISHED, Item.type.in_(CARD_TYPES)]
    if deck:
        where.append(Item.deck_id == DECK)
    if topic:
        where.append(Item.topic_id == TOPIC)
    return where


def _values(user_id: int, now: datetime, since: datetime, scope: Scope | None) -> dict[str, Any]:
    """The parameters of the cached statements for the learner, moment and scope."""
    values: dict[str, Any] = {
        "user_id": user_id,
        "now": now,
        "ahead": now + scheduling.LEARN_AHEAD,
        "since": since,
    }
    if scope is not None:
        values["deck_id"] = scope.deck.id
        values["topic_id"] = scope.topic.id if scope.topic else None
    return values


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


@cache
def _deck_statement() -> Select[Deck]:
    return select(Deck).where(Deck.slug == bindparam("slug"))


def find_scope(deck_slug: str, topic_key: str | None = None) -> Scope | None:
    deck = db.session.scalar(_deck_statement(), {"slug": deck_slug})
    if deck is None:
        return None
    if topic_key is None:
        return Scope(deck)
    topic = db.session.scalar(select(Topic).where(Topic.deck_id == deck.id, Topic.key == topic_key))
    return Scope(deck, topic) if topic else None


def _new_cards_since(
    user_id: int | ColumnElement[Any], start: datetime | ColumnElement[Any]
) -> Select[int]:
    """How many cards the learner studied for the first time since ``start``
    (a card a quiz answer brought in does not use up the daily limit)."""
    return select(func.count()).where(
        ReviewLog.user_id == user_id,
        ReviewLog.reviewed_at >= start,
        ReviewLog.state_before.is_(None),
        ReviewLog.origin == STUDY_ORIGIN,
    )


def latest_review_query(user_id: int | ColumnElement[int]) -> Select[ReviewLog]:
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


def _unseen() -> ColumnElement[bool]:
    """The item has no card state for this learner: it is new to them."""
    return ~exists().where(CardState.user_id == USER, CardState.item_id == Item.id)


def _waiting() -> ColumnElement[bool]:
    """The learner's card states to study now: reviews due, and learning cards due
    within the learn-ahead window. The range on ``due`` uses (user_id, due)."""
    return and_(
        CardState.user_id == USER,
        CardState.due <= AHEAD,
        or_(CardState.state != REVIEW, CardState.due <= NOW),
    )


# What the study page shows of a card, loaded with it rather than one query each:
# its topic, and its facts' sources for the "Source:" line (not the documents' text).
SHOWN = (
    joinedload(Item.topic),
    selectinload(Item.facts).options(
        defer(Fact.record), joinedload(Fact.source).defer(Source.text)
    ),
)


@cache
def _due_card_statement(topic: bool, bury: bool) -> Select[CardState, Item, int, bool]:
    """The first card state to study: learning due, then reviews due, then learning
    ahead; siblings of a card rated since ``SINCE`` (the day's start) wait."""
    priority = case(
        (CardState.state == REVIEW, REVIEW_DUE),
        (CardState.due <= NOW, LEARNING_DUE),
        else_=LEARNING_AHEAD,
    ).label("priority")
    return (
        select(CardState, Item)
        .add_columns(priority, is_critical(Item.id).label("critical"))
        .join(Item, Item.id == CardState.item_id)
        .where(_waiting(), *_cards(True, topic), ~_buried(bury))
        .order_by(priority, CardState.due, CardState.id)
        .limit(1)
        .options(*SHOWN)
    )


@cache
def _new_card_statement(topic: bool, bury: bool) -> Select[Item, bool]:
    """The first card the learner has never rated, in the deck's topic order,
    that no sibling rated since ``SINCE`` (the day's start) buries."""
    return (
        select(Item, is_critical(Item.id).label("critical"))
        .join(Topic, Topic.id == Item.topic_id)
        .where(*_cards(True, topic), _unseen(), ~_sibling_buries(bury))
        .order_by(Topic.position, Item.id)
        .limit(1)
        .options(*SHOWN)
    )


def _next_card(values: dict[str, Any], scope: Scope, new_left: int) -> StudyCard | None:
    topic, bury = scope.topic is not None, _bury()
    due = db.session.execute(_due_card_statement(topic, bury), values).first()
    if due is not None and due.priority != LEARNING_AHEAD:
        return StudyCard(due.Item, due.CardState, due.critical)
    if new_left > 0:
        new = db.session.execute(_new_card_statement(topic, bury), values).first()
        if new is not None:
            return StudyCard(new.Item, None, new.critical)
    return StudyCard(due.Item, due.CardState, due.critical) if due is not None else None


@cache
def _chosen_card_statement(topic: bool) -> Select[Item, CardState, bool]:
    return (
        select(Item, CardState, is_critical(Item.id).label("critical"))
        .outerjoin(CardState, and_(CardState.item_id == Item.id, CardState.user_id == USER))
        .where(Item.id == ITEM, *_cards(True, topic))
        .options(*SHOWN)
    )


def _chosen_card(values: dict[str, Any], scope: Scope, item_id: int) -> StudyCard | None:
    """A card asked for by id (the answer of the card on screen, the card just
    undone), if it is a card of this scope."""
    statement = _chosen_card_statement(scope.topic is not None)
    found = db.session.execute(statement, {**values, "item_id": item_id}).first()
    return StudyCard(found.Item, found.CardState, found.critical) if found else None


@cache
def _tally_statement(deck: bool, topic: bool, bury: bool) -> Select[int, int, int, int, int, int]:
    waiting = _waiting()
    buried = _buried(bury)
    return (
        select(
            Item.topic_id,
            func.count(),
            func.count(case((and_(CardState.id.is_(None), ~buried), 1))),
            func.count(case((and_(waiting, CardState.state != REVIEW), 1))),
            func.count(case((and_(waiting, CardState.state == REVIEW, ~buried), 1))),
            func.count(case((and_(buried, or_(CardState.id.is_(None), waiting)), 1))),
        )
        .outerjoin(CardState, and_(CardState.item_id == Item.id, CardState.user_id == USER))
        .where(*_cards(deck, topic))
        .group_by(Item.topic_id)
    )


def _tallies(values: dict[str, Any], scope: Scope | None) -> dict[int, Tally]:
    """Per topic id, the learner's numbers for the scope (None: every deck), counted
    in one grouped query; cards buried by a sibling rated since the day's start apart."""
    topic = scope is not None and scope.topic is not None
    statement = _tally_statement(scope is not None, topic, _bury())
    return {topic_id: Tally(*counts) for topic_id, *counts in db.session.execute(statement, values)}


def _new_left(settings: StudySettings, seen_today: int) -> int:
    """New cards the daily limit still allows."""
    return max(0, settings.new_per_day - seen_today)


def new_left_today(user_id: int, settings: StudySettings, now: datetime) -> int:
    return _new_left(settings, _new_cards_today(user_id, now))


@cache
def _day_statement() -> Select[int, int, str, float, int, list[float]]:
    """Today's new cards, the last rating's id and origin, the learner's settings and
    the deck's schedule weights for them, in one round trip."""
    latest = latest_review_query(USER)
    return select(
        _new_cards_since(USER, SINCE).scalar_subquery(),
        latest.with_only_columns(ReviewLog.id).scalar_subquery(),
        latest.with_only_columns(ReviewLog.origin).scalar_subquery(),
        *settings_columns(USER),
        weights_column(USER, DECK),
    )


def queue(user_id: int, scope: Scope, now: datetime, chosen: int | None = None) -> Queue:
    """The counts and the card to show now; ``chosen`` asks for a particular card."""
    zone = accounts.time_zone(user_id)
    values = _values(user_id, now, clock.day_start(now, zone), scope)
    new_today, last_review_id, last_origin, retention, per_day, fit = db.session.execute(
        _day_statement(), values
    ).one()
    settings = settings_of(user_id, retention, per_day)
    new_left = _new_left(settings, new_today)
    tally = Tally.total(_tallies(values, scope).values())
    card = _chosen_card(values, scope, chosen) if chosen else None
    card = card or _next_card(values, scope, new_left)
    intervals: dict[Rating, timedelta] = {}
    if card is not None:
        unfuzzed = scheduling.make_scheduler(
            desired_retention_for(settings.desired_retention, card.critical),
            fuzzing=False,
            parameters=as_weights(fit),
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
        next_due=None if card else next_due(values, scope, zone, buried=tally.buried),
        last_review_id=last_review_id,
        last_review_from_quiz=last_origin == QUIZ_ORIGIN,
    )


@cache
def _next_due_statement(topic: bool, bury: bool) -> Select[datetime, datetime]:
    held = _buried(bury)
    return (
        select(
            func.min(case((held, null()), else_=CardState.due)),
            func.min(case((held, CardState.due))),
        )
        .join(Item, Item.id == CardState.item_id)
        .where(CardState.user_id == USER, *_cards(True, topic))
    )


def next_due(
    values: dict[str, Any], scope: Scope, zone: ZoneInfo, *, buried: int = 0
) -> datetime | None:
    """When the learner's next card of the scope comes: the earliest due time,
    a buried card's no earlier than the next local midnight; with ``buried``
    cards waiting now, the next local midnight at the latest."""
    statement = _next_due_statement(scope.topic is not None, _bury())
    free_due, held_due = db.session.execute(statement, values).one()
    tomorrow = clock.day_start(values["since"] + timedelta(hours=36), zone)
    times = [free_due, held_due and max(held_due, tomorrow), tomorrow if buried else None]
    return min((time for time in times if time is not None), default=None)


def overview(user_id: int, now: datetime, new_left: int) -> list[DeckSummary]:
    """Every deck with flashcards, and its topics, with the learner's counts."""
    since = clock.day_start(now, accounts.time_zone(user_id))
    tallies = _tallies(_values(user_id, now, since, None), None)
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
