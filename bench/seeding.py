"""A busy school's worth of data, in bulk, for the load benchmark.

The benchmark needs thousands of learners and a million ratings; the ORM would
take many minutes to add them one object at a time. Rows are made as plain
dicts, a batch of learners at a time, and written with Core ``INSERT``
executemany (SQLAlchemy's "insertmanyvalues" sends many rows per statement).
Where the next table needs the new ids, ``RETURNING`` gives them back in the
order the rows were sent.

The history is simulated, not scheduled by ``fsrs`` (a million scheduler calls
would be slower than the inserts); it has what the pages read: every FSRS
state, due cards, first ratings, answers graded by the real grader, learners
who are better or worse, questions that are easier or harder.
"""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fsrs import Rating, State
from sqlalchemy import Table, insert, select, text

from quizapp.classes.services import new_join_code
from quizapp.content import ItemType, Kind, Status
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    CardState,
    Classroom,
    Deck,
    Enrolment,
    FeedbackTiming,
    Item,
    ItemVersion,
    QuizMode,
    Response,
    ReviewLog,
    Role,
    StudySettings,
    User,
)
from quizapp.models.base import Base
from quizapp.progress import activity
from quizapp.quiz.grading import Given, Grade, Question, grade

DOMAIN = "bench.example.com"
INSTRUCTOR_EMAIL = f"instructor@{DOMAIN}"
LEARNERS_PER_BATCH = 500
HISTORY = timedelta(days=180)
REVIEWS_PER_CARD = 3  # a learner with 90 ratings has rated about 30 cards
QUIZ_LENGTH = 10
UNFINISHED_SHARE = 0.1  # of learners whose latest quiz is still open
TIME_ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Adelaide")

# A simulated rating: P(Again, Hard, Good, Easy), and what it does to a card.
RATING_WEIGHTS = (0.15, 0.15, 0.6, 0.1)
FIRST_STABILITY = {Rating.Again: 0.2, Rating.Hard: 1.2, Rating.Good: 2.3, Rating.Easy: 8.3}
STABILITY_GROWTH = {Rating.Hard: 1.2, Rating.Good: 2.5, Rating.Easy: 4.0}
# FSRS's own maximum_interval: a long history (10M ratings) would otherwise grow
# a card's stability past any date.
MAX_STABILITY_DAYS = 36500.0
DIFFICULTY_STEP = {Rating.Again: 0.6, Rating.Hard: 0.3, Rating.Good: -0.1, Rating.Easy: -0.5}
LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))


def learner_email(number: int) -> str:
    """Learner ``number`` (from 1) of a seeded database."""
    return f"learner{number}@{DOMAIN}"


class AlreadySeeded(RuntimeError):
    """The database already holds benchmark accounts: seed a fresh one."""


@dataclass(frozen=True)
class Size:
    learners: int
    reviews: int
    attempts: int
    class_size: int = 500
    questions: int = 200


@dataclass(frozen=True)
class Seeded:
    learners: int
    classes: int
    cards: int
    reviews: int
    attempts: int
    answers: int

    def __str__(self) -> str:
        return (
            f"{self.learners:,} learners in {self.classes:,} "
            f"{'class' if self.classes == 1 else 'classes'}, "
            f"{self.reviews:,} flashcard ratings of {self.cards:,} cards, "
            f"{self.attempts:,} quiz attempts with {self.answers:,} answers"
        )


@dataclass(frozen=True)
class PoolQuestion:
    """A quiz question the seeded attempts draw from, with how easy it is."""

    item_id: int
    version_id: int
    topic_id: int
    question: Question
    easiness: float


@dataclass
class SimulatedCard:
    """A card's FSRS fields as the simulation moves them; ``None`` state means new."""

    state: State | None = None
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None

    def fields(self, suffix: str = "") -> dict[str, Any]:
        return {
            f"state{suffix}": int(self.state) if self.state is not None else None,
            f"step{suffix}": self.step,
            f"stability{suffix}": self.stability,
            f"difficulty{suffix}": self.difficulty,
            f"due{suffix}": self.due,
            f"last_review{suffix}": self.last_review,
        }

    def rate(self, rating: Rating, at: datetime) -> None:
        if self.stability is None or self.difficulty is None:
            self.stability = FIRST_STABILITY[rating]
            self.difficulty = 5.0 - 1.5 * (int(rating) - 3)
        elif rating is Rating.Again:
            self.stability = max(0.1, self.stability * 0.3)
        else:
            self.stability = min(MAX_STABILITY_DAYS, self.stability * STABILITY_GROWTH[rating])
        self.difficulty = min(10.0, max(1.0, self.difficulty + DIFFICULTY_STEP[rating]))
        if rating is Rating.Again:
            self.state = State.Relearning if self.state is State.Review else State.Learning
            self.step = 0
        elif rating is Rating.Hard and self.state in (None, State.Learning):
            self.state, self.step = State.Learning, 0
        elif rating is Rating.Good and self.state is None:
            self.state, self.step = State.Learning, 1
        else:
            self.state, self.step = State.Review, None
        self.last_review = at
        if self.state is State.Review:
            self.due = at + timedelta(days=self.stability)
        else:
            self.due = at + LEARNING_STEPS[self.step or 0]


def bench_accounts_exist() -> bool:
    bench_account = select(User.id).where(User.email.endswith(f"@{DOMAIN}")).limit(1)
    return db.session.scalar(bench_account) is not None


def seed(size: Size, password_hash: str, now: datetime, rng: random.Random) -> Seeded:
    """Add the instructor, the learners and their history; the caller commits.

    Raises:
        AlreadySeeded: benchmark accounts exist already.
        LookupError: no published flashcards or questions (load the bank first).
    """
    if bench_accounts_exist():
        raise AlreadySeeded(f"accounts @{DOMAIN} exist already; seed an empty database")
    deck_id, card_ids = _deck_cards()
    pool = _question_pool(deck_id, size.questions, rng)
    instructor_id = _insert_users(
        password_hash, now, [("Bench instructor", INSTRUCTOR_EMAIL, TIME_ZONES[0])]
    )[0]
    learner_ids = _insert_users(
        password_hash,
        now,
        [
            (f"Learner {n}", learner_email(n), rng.choice(TIME_ZONES))
            for n in range(1, size.learners + 1)
        ],
        Role.LEARNER,
    )
    classes = _insert_classes(instructor_id, learner_ids, size.class_size, now)
    reviews_each = _spread(size.reviews, len(learner_ids))
    attempts_each = _spread(size.attempts, len(learner_ids))
    cards = answers = 0
    for batch in _chunks(range(len(learner_ids)), LEARNERS_PER_BATCH):
        states: list[dict[str, Any]] = []
        logs: list[dict[str, Any]] = []
        settings: list[dict[str, Any]] = []
        for index in batch:
            learner_id = learner_ids[index]
            _study_history(learner_id, reviews_each[index], card_ids, now, rng, states, logs)
            if rng.random() < 0.3:
                settings.append(
                    {
                        "user_id": learner_id,
                        "desired_retention": StudySettings.DEFAULT_RETENTION,
                        "new_per_day": StudySettings.DEFAULT_NEW_PER_DAY,
                    }
                )
        _insert(_table(CardState), states)
        _insert(_table(ReviewLog), logs)
        _insert(_table(StudySettings), settings)
        answers += _quiz_history(
            [(learner_ids[i], attempts_each[i]) for i in batch], deck_id, pool, now, rng
        )
        for index in batch:  # the dashboard's per-day summary, as the app keeps it
            activity.rebuild(learner_ids[index])
        cards += len(states)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))  # plans as the server would make them after autovacuum
    return Seeded(len(learner_ids), classes, cards, size.reviews, size.attempts, answers)


def _chunks(values: Sequence[int], size: int) -> list[Sequence[int]]:
    return [values[start : start + size] for start in range(0, len(values), size)]


def _spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` counts that differ by at most one."""
    base, extra = divmod(total, parts) if parts else (0, 0)
    return [base + (1 if part < extra else 0) for part in range(parts)]


def _insert(table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, naming every column that has
    no server default) into ``table``.

    On PostgreSQL through ``COPY`` (executemany sends a row at a time: with it a
    seed of 100,000 ratings took 10.2 s, with COPY 5.4 s); values pass through
    the columns' own bind processors first, so they arrive as an INSERT's would.
    """
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    names = list(rows[0])
    processors: list[Callable[[Any], Any]] = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) or _unchanged
        for name in names
    ]
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    copy_sql = f"COPY {dialect.identifier_preparer.format_table(table)} ({quoted}) FROM STDIN"
    psycopg_connection: Any = connection.connection.driver_connection
    with psycopg_connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for row in rows:
            copy.write_row(
                [process(row[name]) for process, name in zip(processors, names, strict=True)]
            )


def _table(model: type[Base]) -> Table:
    """A model's table, typed as one (``__table__`` is declared as any FromClause)."""
    return model.metadata.tables[model.__tablename__]


def _unchanged(value: Any) -> Any:
    return value


def _insert_returning(table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` and return their new ids, in the order of ``rows``."""
    if not rows:
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def _insert_users(
    password_hash: str,
    now: datetime,
    people: list[tuple[str, str, str]],
    role: Role = Role.INSTRUCTOR,
) -> list[int]:
    """The accounts share one password hash: hashing each would take minutes, not seconds."""
    rows = [
        {
            "email": email,
            "display_name": name,
            "password_hash": password_hash,
            "role": role,
            "created_at": now - HISTORY,
            "time_zone": time_zone,
        }
        for name, email, time_zone in people
    ]
    return _insert_returning(_table(User), rows)


def _insert_classes(
    instructor_id: int, learner_ids: list[int], class_size: int, now: datetime
) -> int:
    groups = _chunks(learner_ids, class_size)
    class_ids = _insert_returning(
        _table(Classroom),
        [
            {
                "name": f"Bench class {number}",
                "instructor_id": instructor_id,
                "join_code": new_join_code(),
                "joining_open": True,
                "created_at": now - HISTORY,
            }
            for number in range(1, len(groups) + 1)
        ],
    )
    _insert(
        _table(Enrolment),
        [
            {"classroom_id": class_id, "learner_id": learner_id, "joined_at": now - HISTORY}
            for class_id, group in zip(class_ids, groups, strict=True)
            for learner_id in group
        ],
    )
    return len(class_ids)


def _deck_cards() -> tuple[int, list[int]]:
    deck_id = db.session.scalar(select(Deck.id).order_by(Deck.id).limit(1))
    if deck_id is None:
        raise LookupError("no deck: load the question bank first (quizapp bank load)")
    card_types = [t for t in ItemType if t.kind is Kind.CARD]
    card_ids = list(
        db.session.scalars(
            select(Item.id)
            .where(Item.deck_id == deck_id, Item.status == Status.PUBLISHED)
            .where(Item.type.in_(card_types))
            .order_by(Item.id)
        )
    )
    if not card_ids:
        raise LookupError("the deck has no published flashcards")
    return deck_id, card_ids


def _question_pool(deck_id: int, count: int, rng: random.Random) -> list[PoolQuestion]:
    """``count`` published questions, each in its current version."""
    question_types = [t for t in ItemType if t.kind is Kind.QUESTION]
    rows = db.session.execute(
        select(Item.id, ItemVersion.id, Item.topic_id, ItemVersion.content)
        .join(ItemVersion, (ItemVersion.item_id == Item.id) & (ItemVersion.version == Item.version))
        .where(Item.deck_id == deck_id, Item.status == Status.PUBLISHED)
        .where(Item.type.in_(question_types))
        .order_by(Item.id)
    ).all()
    if not rows:
        raise LookupError("the deck has no published quiz questions")
    chosen = rng.sample(rows, min(count, len(rows)))
    return [
        PoolQuestion(item_id, version_id, topic_id, Question.from_content(content), rng.gauss(0, 1))
        for item_id, version_id, topic_id, content in chosen
    ]


def _moments(count: int, now: datetime, rng: random.Random) -> list[datetime]:
    """``count`` times within the history, oldest first."""
    seconds = HISTORY.total_seconds()
    return sorted(now - timedelta(seconds=rng.uniform(60, seconds)) for _ in range(count))


def _study_history(
    learner_id: int,
    reviews: int,
    card_ids: list[int],
    now: datetime,
    rng: random.Random,
    states: list[dict[str, Any]],
    logs: list[dict[str, Any]],
) -> None:
    """Append one learner's card states and rating log rows to ``states`` and ``logs``."""
    if reviews == 0:
        return
    cards = rng.sample(card_ids, min(len(card_ids), max(1, reviews // REVIEWS_PER_CARD)))
    ratings = list(Rating)
    for item_id, count in zip(cards, _spread(reviews, len(cards)), strict=True):
        card = SimulatedCard()
        for moment in _moments(count, now, rng):
            rating = rng.choices(ratings, RATING_WEIGHTS)[0]
            logs.append(
                {
                    "user_id": learner_id,
                    "item_id": item_id,
                    "rating": int(rating),
                    "reviewed_at": moment,
                    "duration_ms": rng.randint(1_500, 25_000),
                    **card.fields("_before"),
                }
            )
            card.rate(rating, moment)
        states.append(
            {"user_id": learner_id, "item_id": item_id, "version": count, **card.fields()}
        )


def _quiz_history(
    learners: list[tuple[int, int]],
    deck_id: int,
    pool: list[PoolQuestion],
    now: datetime,
    rng: random.Random,
) -> int:
    """Insert the attempts of ``(learner id, number of attempts)``; returns the answers added.

    A learner's latest attempt is sometimes left open, part answered, as a
    learner who stopped halfway leaves it.
    """
    attempts: list[dict[str, Any]] = []
    drawn: list[list[PoolQuestion]] = []
    answers: list[list[tuple[Given, Grade]]] = []  # per attempt, of its first questions
    for learner_id, count in learners:
        skill = rng.gauss(0.8, 1.0)
        for number, started in enumerate(_moments(count, now, rng), start=1):
            questions = rng.sample(pool, min(QUIZ_LENGTH, len(pool)))
            unfinished = number == count and rng.random() < UNFINISHED_SHARE
            given = [
                _answer(asked.question, rng.random() < _chance(skill, asked.easiness), rng)
                for asked in questions[: rng.randrange(len(questions)) if unfinished else None]
            ]
            graded = [grade(asked.question, g) for asked, g in zip(questions, given, strict=False)]
            attempts.append(
                {
                    "learner_id": learner_id,
                    "deck_id": deck_id,
                    "start_token": secrets.token_urlsafe(16),
                    "mode": QuizMode.ALL,
                    "feedback": FeedbackTiming.EACH,
                    "length": len(questions),
                    "seed": rng.getrandbits(63),
                    "started_at": started,
                    "finished_at": None if unfinished else started + timedelta(minutes=6),
                    "score": None if unfinished else sum(g.score for g in graded),
                }
            )
            drawn.append(questions)
            answers.append(list(zip(given, graded, strict=True)))
    attempt_ids = _insert_returning(_table(Attempt), attempts)
    question_ids = iter(
        _insert_returning(
            _table(AttemptQuestion),
            [
                {
                    "attempt_id": attempt_id,
                    "position": position,
                    "item_id": asked.item_id,
                    "item_version_id": asked.version_id,
                    "topic_id": asked.topic_id,
                    "option_order": _shuffled(len(asked.question.options), rng),
                }
                for attempt_id, questions in zip(attempt_ids, drawn, strict=True)
                for position, asked in enumerate(questions, start=1)
            ],
        )
    )
    responses = []
    for attempt, questions, answered in zip(attempts, drawn, answers, strict=True):
        ids = [next(question_ids) for _ in questions]
        responses += [
            {
                "attempt_question_id": question_id,
                "answer": answer,
                "score": graded.score,
                "correct": graded.correct,
                "answered_at": attempt["started_at"] + timedelta(seconds=30 * position),
            }
            for position, (question_id, (answer, graded)) in enumerate(
                zip(ids, answered, strict=False), start=1
            )
        ]
    _insert(_table(Response), responses)
    return len(responses)


def _shuffled(count: int, rng: random.Random) -> list[int] | None:
    """A stored option order, as ``quiz.services`` makes one (None without options)."""
    return rng.sample(range(count), count) if count else None


def _chance(skill: float, easiness: float) -> float:
    """A one-parameter logistic model: better learners and easier questions score more."""
    return 1 / (1 + math.exp(-(skill + easiness)))


def _answer(question: Question, right: bool, rng: random.Random) -> Given:
    """An answer as a learner would give it, in the shape the grader takes."""
    answer = question.answer
    match question.type:
        case ItemType.SINGLE:
            wrong = [option for option in question.options if option != answer]
            return str(answer) if right or not wrong else rng.choice(wrong)
        case ItemType.MULTIPLE:
            if right:
                return list(answer)  # type: ignore[arg-type]
            return rng.sample(question.options, rng.randint(1, len(question.options)))
        case ItemType.TRUEFALSE:
            return bool(answer) if right else not answer
        case ItemType.FILLIN:
            return str(answer) if right else "I am not sure"
        case _:
            value = answer.value  # type: ignore[union-attr]
            return f"{value:g}" if right else f"{value * 3 + 1:g}"
