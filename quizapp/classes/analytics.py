"""What an instructor reads about a class: the roster's numbers, the topic × learner
mastery grid, one learner's history, and item analysis per question.

Every number is counted in SQL over the whole class at once (GROUP BY and window
functions), so a page costs the same few statements for 3 learners or 500.
Python only arranges the rows and finishes the per-item correlation with a square
root (SQLite has no ``sqrt`` without its optional math functions).

Definitions:

* **quiz score** of an attempt — points over questions asked (unanswered count 0);
  the roster's average, best and last use finished attempts only.
* **retention** — share of a learner's flashcard reviews not rated Again.
* **facility index** — mean score on the question, 0 to 1 (shown as a percent).
* **discrimination index** — as Moodle's quiz statistics: Pearson's correlation,
  over the finished attempts that asked the question, between the score on the
  question (x) and the score on the rest of that attempt (y, the points for the
  other questions over their number, so attempts of any length compare). With
  every pair's deviation from the question's means (a window ``AVG … OVER``)::

      r = Σ dx·dy / √(Σ dx² · Σ dy²)

  It runs from −1 to +1; it is undefined when everyone scored the same on the
  question or on the rest (a zero spread), and for one-question attempts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import Float, Select, case, cast, func, select, true, union_all
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    Deck,
    Enrolment,
    Item,
    Response,
    ReviewLog,
    Role,
    Topic,
    User,
)
from quizapp.progress.mastery import AGAIN, Learners, TopicMastery, among, topic_mastery

MASTERED = 0.8  # a topic counts as mastered from 80 % mastery
LOW_FACILITY = 0.3  # Moodle calls under 35 % "difficult"; under 30 % is worth a look
WEAK_DISCRIMINATION = 0.2  # Moodle: under 20 % "weak", negative "bad"
CHOICE_TYPES = (ItemType.SINGLE, ItemType.MULTIPLE, ItemType.TRUEFALSE)
RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
RECENT_REVIEWS = 20


def class_learners(classroom_id: int) -> list[int]:
    """The ids of a class's learners, read first and passed on as a list.

    As a subquery, ``IN (SELECT …)`` leaves PostgreSQL guessing how many
    learners there are; it guessed a fifth of the table and scanned every
    rating of every learner (a million rows) for a class of 500. With the ids
    in hand it reads only theirs, through the indexes: 180 ms became 50 ms.
    """
    return list(
        db.session.scalars(
            select(Enrolment.learner_id).where(Enrolment.classroom_id == classroom_id)
        )
    )


def all_learners() -> Select[tuple[int]]:
    return select(User.id).where(User.role == Role.LEARNER)


# Sorting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sorting:
    """A table's order from ``?sort=column&dir=asc|desc``; unknown values fall back."""

    key: str
    descending: bool = False

    @classmethod
    def read(cls, args: Mapping[str, str], allowed: Callable[[str], bool], default: str) -> Sorting:
        key = args.get("sort", default)
        return cls(key if allowed(key) else default, args.get("dir") == "desc")

    def next_direction(self, key: str) -> str:
        """A header's link: the other way round for the sorted column, else ascending."""
        if key != self.key:
            return "asc"
        return "asc" if self.descending else "desc"


def _ordered(value: Any, descending: bool) -> tuple[bool, Any]:
    """A Python sort key that puts missing values last in either direction."""
    if value is None:
        return (True, 0)
    return (False, -value if descending else value)


# Roster --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerStats:
    """One learner's line of the roster; fractions run from 0 to 1."""

    id: int
    name: str
    email: str
    joined_at: datetime
    attempts: int
    average: float | None
    best: float | None
    last: float | None
    reviews: int
    retention: float | None
    cards: int
    last_active: datetime | None


ROSTER_COLUMNS = {
    "name": "Learner",
    "joined": "Joined",
    "attempts": "Quizzes",
    "average": "Average",
    "best": "Best",
    "last": "Last",
    "retention": "Retention",
    "reviews": "Reviews",
    "cards": "Cards reviewed",
    "active": "Last active",
}


def _quiz_stats(learners: Learners) -> Subquery:
    """Per learner over finished attempts: count, mean, best and latest score."""
    fraction = (Attempt.score / Attempt.length).label("fraction")
    recency = func.row_number().over(
        partition_by=Attempt.learner_id,
        order_by=(Attempt.finished_at.desc(), Attempt.id.desc()),
    )
    finished = (
        select(Attempt.learner_id, fraction, recency.label("recency"))
        .where(among(Attempt.learner_id, learners), Attempt.finished_at.is_not(None))
        .subquery()
    )
    return (
        select(
            finished.c.learner_id,
            func.count().label("attempts"),
            func.avg(finished.c.fraction).label("average"),
            func.max(finished.c.fraction).label("best"),
            func.max(case((finished.c.recency == 1, finished.c.fraction))).label("last"),
        )
        .group_by(finished.c.learner_id)
        .subquery("quiz")
    )


def _review_stats(learners: Learners) -> Subquery:
    recalled = case((ReviewLog.rating == AGAIN, 0.0), else_=1.0)
    return (
        select(
            ReviewLog.user_id.label("learner_id"),
            func.count().label("reviews"),
            cast(func.avg(recalled), Float).label("retention"),
            func.count(ReviewLog.item_id.distinct()).label("cards"),
        )
        .where(among(ReviewLog.user_id, learners))
        .group_by(ReviewLog.user_id)
        .subquery("recall")
    )


def _last_activity(learners: Learners) -> Subquery:
    """Per learner, the latest quiz start or finish, answer, or flashcard review.

    Answers count only from unfinished attempts: a finished attempt's answers
    all came before its finish, which is counted already. A learner's latest
    rating is one probe of the (user, time) index, not a scan of their history.
    """
    events = union_all(
        select(
            Attempt.learner_id.label("learner_id"),
            func.coalesce(Attempt.finished_at, Attempt.started_at).label("at"),
        ).where(among(Attempt.learner_id, learners)),
        select(Attempt.learner_id, Response.answered_at)
        .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
        .join(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(among(Attempt.learner_id, learners), Attempt.finished_at.is_(None)),
        select(
            User.id,
            select(func.max(ReviewLog.reviewed_at))
            .where(ReviewLog.user_id == User.id)
            .scalar_subquery(),
        ).where(among(User.id, learners)),
    ).subquery()
    return (
        select(events.c.learner_id, func.max(events.c.at).label("last_active"))
        .group_by(events.c.learner_id)
        .subquery("activity")
    )


def roster_query(
    classroom_id: int, sorting: Sorting, learners: Learners, learner_id: int | None = None
) -> Select[Any]:
    """The roster with the numbers of ``learners`` (the class's, or just
    ``learner_id``), in one statement, in ``sorting``'s order."""
    quiz, recall, activity = (
        _quiz_stats(learners),
        _review_stats(learners),
        _last_activity(learners),
    )
    columns: dict[str, ColumnElement[Any]] = {
        "name": func.lower(User.display_name),
        "joined": Enrolment.joined_at,
        "attempts": func.coalesce(quiz.c.attempts, 0),
        "average": quiz.c.average,
        "best": quiz.c.best,
        "last": quiz.c.last,
        "retention": recall.c.retention,
        "reviews": func.coalesce(recall.c.reviews, 0),
        "cards": func.coalesce(recall.c.cards, 0),
        "active": activity.c.last_active,
    }
    # A grid column is ordered afterwards (see sort_by_grid): name order breaks its ties.
    chosen = columns.get(sorting.key, columns["name"])
    order = chosen.desc() if sorting.descending and sorting.key in columns else chosen.asc()
    query = (
        select(
            User.id,
            User.display_name,
            User.email,
            Enrolment.joined_at,
            columns["attempts"],
            quiz.c.average,
            quiz.c.best,
            quiz.c.last,
            columns["reviews"],
            recall.c.retention,
            columns["cards"],
            activity.c.last_active,
        )
        .select_from(Enrolment)
        .join(User, User.id == Enrolment.learner_id)
        .outerjoin(quiz, quiz.c.learner_id == User.id)
        .outerjoin(recall, recall.c.learner_id == User.id)
        .outerjoin(activity, activity.c.learner_id == User.id)
        .where(Enrolment.classroom_id == classroom_id)
        .order_by(order.nulls_last(), func.lower(User.display_name), User.id)
    )
    if learner_id is not None:
        query = query.where(Enrolment.learner_id == learner_id)
    return query


def roster(
    classroom_id: int, sorting: Sorting, learners: Learners | None = None
) -> list[LearnerStats]:
    """Every member's roster line; pass ``learners`` when they are read already."""
    if learners is None:
        learners = class_learners(classroom_id)
    query = roster_query(classroom_id, sorting, learners)
    return [LearnerStats(*row) for row in db.session.execute(query)]


def learner_stats(classroom_id: int, learner_id: int) -> LearnerStats | None:
    """One member's roster line; None when they are not in the class."""
    row = db.session.execute(
        roster_query(classroom_id, Sorting("name"), [learner_id], learner_id=learner_id)
    ).first()
    return LearnerStats(*row) if row else None


# Mastery grid ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MasteryGrid:
    """Topic × learner mastery, from THE definition in ``quizapp.progress.mastery``."""

    topics: list[Topic]
    cells: dict[tuple[int, int], TopicMastery] = field(default_factory=dict)

    @cached_property
    def topic_ids(self) -> list[int]:
        return [topic.id for topic in self.topics]

    def cell(self, learner_id: int, topic_id: int) -> TopicMastery | None:
        return self.cells.get((learner_id, topic_id))

    @staticmethod
    def band(cell: TopicMastery | None) -> str | None:
        """``high`` (mastered), ``mid`` (half way) or ``low``; None when not studied."""
        if cell is None or cell.mastery is None:
            return None
        return "high" if cell.mastery >= MASTERED else "mid" if cell.mastery >= 0.5 else "low"

    def mastered(self, learner_id: int) -> int:
        """How many topics the learner has mastered (mastery of at least ``MASTERED``)."""
        return sum(
            1
            for topic_id in self.topic_ids
            if (cell := self.cell(learner_id, topic_id)) is not None
            and cell.mastery is not None
            and cell.mastery >= MASTERED
        )

    def sort_key(self, key: str) -> Callable[[int], float | None] | None:
        """The value a grid column sorts by (``topic-<id>`` or ``mastered``), per learner."""
        if key == "mastered":
            return lambda learner_id: self.mastered(learner_id)
        topic_id = topic_column(key)
        if topic_id is None or all(topic.id != topic_id for topic in self.topics):
            return None

        def mastery(learner_id: int) -> float | None:
            cell = self.cell(learner_id, topic_id)
            return cell.mastery if cell else None

        return mastery


def topic_column(key: str) -> int | None:
    prefix, _, number = key.partition("-")
    return int(number) if prefix == "topic" and number.isdigit() else None


def all_topics() -> list[Topic]:
    return list(
        db.session.scalars(
            select(Topic).join(Deck, Deck.id == Topic.deck_id).order_by(Deck.title, Topic.position)
        )
    )


def mastery_grid(learners: Learners, now: datetime, topics: list[Topic]) -> MasteryGrid:
    return MasteryGrid(
        topics,
        {(cell.learner_id, cell.topic_id): cell for cell in topic_mastery(learners, now)},
    )


def sort_by_grid(
    rows: list[LearnerStats], grid: MasteryGrid, sorting: Sorting
) -> list[LearnerStats]:
    """Order the roster by a grid column, missing values last, ties by name.

    Mastery is defined in Python over SQL sums (``TopicMastery.mastery``), so a
    grid column is ordered here rather than re-defining mastery in SQL.
    """
    value = grid.sort_key(sorting.key)
    if value is None:
        return rows
    return sorted(rows, key=lambda row: _ordered(value(row.id), sorting.descending))


# One learner ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RecentReview:
    reviewed_at: datetime
    rating: int
    prompt: str
    topic: str

    @property
    def rating_name(self) -> str:
        return RATING_NAMES.get(self.rating, str(self.rating))


def recent_reviews(learner_id: int) -> list[RecentReview]:
    rows = db.session.execute(
        select(ReviewLog.reviewed_at, ReviewLog.rating, Item.prompt, Topic.title)
        .join(Item, Item.id == ReviewLog.item_id)
        .join(Topic, Topic.id == Item.topic_id)
        .where(ReviewLog.user_id == learner_id)
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(RECENT_REVIEWS)
    )
    return [RecentReview(*row) for row in rows]


def review_counts(learner_id: int, now: datetime) -> tuple[int, int]:
    """Reviews in the last 7 and the last 30 days."""
    week, month = now - timedelta(days=7), now - timedelta(days=30)
    counts = db.session.execute(
        select(
            func.coalesce(func.sum(case((ReviewLog.reviewed_at >= week, 1), else_=0)), 0),
            func.count(),
        ).where(ReviewLog.user_id == learner_id, ReviewLog.reviewed_at >= month)
    ).one()
    return int(counts[0]), int(counts[1])


# Item analysis ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionPicks:
    text: str
    picks: int
    correct: bool
    current: bool = True  # False for an option only an earlier version had


@dataclass(frozen=True)
class ItemStats:
    item_id: int
    uid: str
    prompt: str
    type: ItemType
    topic: str
    attempts: int  # finished attempts that asked it
    answered: int
    facility: float  # mean score, 0–1
    discrimination: float | None  # −1 to +1
    options: tuple[OptionPicks, ...] = ()

    @property
    def flags(self) -> list[str]:
        """Why an instructor should look at this question, if at all."""
        found = []
        if self.facility < LOW_FACILITY:
            found.append("Hard: few learners get it right. Is the key or the wording wrong?")
        if self.discrimination is not None and self.discrimination < 0:
            found.append(
                "Negative discrimination: stronger learners miss it more than weaker ones."
            )
        elif self.discrimination is not None and self.discrimination < WEAK_DISCRIMINATION:
            found.append("Weak discrimination: it barely separates strong from weak learners.")
        return found


ITEM_COLUMNS = {
    "question": "Question",
    "topic": "Topic",
    "type": "Type",
    "attempts": "Attempts",
    "facility": "Facility",
    "discrimination": "Discrimination",
}


def _scored_questions(learners: Learners) -> Subquery:
    """Every question of the learners' finished attempts with its score (x), and the
    attempt's total and length as window sums over the attempt's questions."""
    x = func.coalesce(Response.score, 0.0)
    return (
        select(
            AttemptQuestion.item_id.label("item_id"),
            x.label("x"),
            Response.id.label("response_id"),
            func.sum(x).over(partition_by=AttemptQuestion.attempt_id).label("total"),
            func.count().over(partition_by=AttemptQuestion.attempt_id).label("asked"),
        )
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .outerjoin(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(among(Attempt.learner_id, learners), Attempt.finished_at.is_not(None))
        .subquery("scored")
    )


def item_analysis_query(learners: Learners) -> Select[Any]:
    """Per question: attempts, answers, facility and the centred sums of the
    correlation, in one pass: a window over each attempt (its total and length),
    then a window over each question (the means the deviations are taken from)."""
    scored = _scored_questions(learners)
    paired = scored.c.asked > 1  # a one-question attempt has no rest of the test
    x = case((paired, scored.c.x))
    y = case((paired, (scored.c.total - scored.c.x) / (scored.c.asked - 1)))
    centred = select(
        scored.c.item_id,
        scored.c.x,
        scored.c.response_id,
        (x - func.avg(x).over(partition_by=scored.c.item_id)).label("dx"),
        (y - func.avg(y).over(partition_by=scored.c.item_id)).label("dy"),
    ).subquery("centred")
    stats = (
        select(
            centred.c.item_id,
            func.count().label("attempts"),
            func.count(centred.c.response_id).label("answered"),
            cast(func.avg(centred.c.x), Float).label("facility"),
            func.sum(centred.c.dx * centred.c.dy).label("sxy"),
            func.sum(centred.c.dx * centred.c.dx).label("sxx"),
            func.sum(centred.c.dy * centred.c.dy).label("syy"),
        )
        .group_by(centred.c.item_id)
        .subquery("stats")
    )
    return (
        select(
            Item.id,
            Item.uid,
            Item.prompt,
            Item.type,
            Topic.title,
            stats.c.attempts,
            stats.c.answered,
            stats.c.facility,
            stats.c.sxy,
            stats.c.sxx,
            stats.c.syy,
            Item.options,
            Item.answer,
        )
        .join(stats, stats.c.item_id == Item.id)
        .join(Topic, Topic.id == Item.topic_id)
    )


def correlation(sxy: float | None, sxx: float | None, syy: float | None) -> float | None:
    """Pearson's r from centred sums; None when either spread is (numerically) zero."""
    if sxy is None or sxx is None or syy is None or sxx < 1e-12 or syy < 1e-12:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def picks_query(learners: Learners) -> Select[Any]:
    """Per choice question and option text: how many answers picked it.

    ``Response.answer`` stores the chosen options' texts (see ``quiz.grading``), so
    no mapping through ``option_order`` is needed: a JSON string for one choice, an
    array for several, a boolean for true/false. The JSON is unnested in SQL.
    """
    if db.engine.dialect.name == "postgresql":
        as_array = case(
            (func.jsonb_typeof(Response.answer) == "array", Response.answer),
            else_=func.jsonb_build_array(Response.answer),
        )
        each = func.jsonb_array_elements_text(as_array).table_valued("value").lateral("pick")
        picked: ColumnElement[Any] = each.c.value
    else:
        each = func.json_each(Response.answer).table_valued("value", "type").alias("pick")
        picked = case((each.c.type.in_(("true", "false")), each.c.type), else_=each.c.value)
    picked = picked.label("picked")
    return (
        select(AttemptQuestion.item_id, picked, func.count())
        .select_from(Response)
        .join(AttemptQuestion, AttemptQuestion.id == Response.attempt_question_id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Item, Item.id == AttemptQuestion.item_id)
        .join(each, true())
        .where(
            among(Attempt.learner_id, learners),
            Attempt.finished_at.is_not(None),
            Item.type.in_(CHOICE_TYPES),
        )
        .group_by(AttemptQuestion.item_id, picked)
    )


def _options(
    type_: ItemType, options: list[str] | None, answer: Any, picks: dict[str, int]
) -> tuple[OptionPicks, ...]:
    """The current version's options in their own order, with their picks; texts
    picked under an earlier version follow."""
    if type_ is ItemType.TRUEFALSE:
        return tuple(
            OptionPicks(label, picks.get(key, 0), answer is value)
            for label, key, value in (("True", "true", True), ("False", "false", False))
        )
    right = set(answer) if isinstance(answer, list) else {answer}
    current = list(options or [])
    listed = [OptionPicks(text, picks.get(text, 0), text in right) for text in current]
    earlier = [
        OptionPicks(text, count, False, current=False)
        for text, count in sorted(picks.items())
        if text not in current
    ]
    return tuple(listed + earlier)


def item_analysis(learners: Learners, sorting: Sorting) -> list[ItemStats]:
    """Every question the learners met in finished attempts, in ``sorting``'s order."""
    picks: dict[int, dict[str, int]] = {}
    for item_id, text, count in db.session.execute(picks_query(learners)):
        picks.setdefault(item_id, {})[str(text)] = int(count)
    items = []
    for row in db.session.execute(item_analysis_query(learners)):
        item_id, uid, prompt, type_, topic, attempts, answered, facility = row[:8]
        sxy, sxx, syy, options, answer = row[8:]
        items.append(
            ItemStats(
                item_id,
                uid,
                prompt,
                type_,
                topic,
                int(attempts),
                int(answered),
                float(facility or 0.0),
                correlation(sxy, sxx, syy),
                _options(type_, options, answer, picks.get(item_id, {}))
                if type_ in CHOICE_TYPES
                else (),
            )
        )
    return sort_items(items, sorting)


def sort_items(items: list[ItemStats], sorting: Sorting) -> list[ItemStats]:
    """Order the (already aggregated) questions; missing values last, ties by text."""
    value: Callable[[ItemStats], Any] = {
        "question": lambda item: item.prompt.casefold(),
        "topic": lambda item: item.topic.casefold(),
        "type": lambda item: item.type.value,
        "attempts": lambda item: item.attempts,
        "facility": lambda item: item.facility,
        "discrimination": lambda item: item.discrimination,
    }[sorting.key]
    by_text = sorted(items, key=lambda item: (item.prompt.casefold(), item.item_id))
    if sorting.key in ("question", "topic", "type"):
        return sorted(by_text, key=value, reverse=sorting.descending)
    return sorted(by_text, key=lambda item: _ordered(value(item), sorting.descending))
