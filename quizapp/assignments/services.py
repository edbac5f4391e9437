"""Assignment rules: setting one, when a learner may start it, how many attempts they
get, and each learner's result.

Policy (README, "Assignments"):

* Before ``opens_at`` nobody starts. After ``closes_at`` a learner may still start
  unless the instructor chose "no late work"; work finished after the close is late.
* ``attempts_allowed`` counts every attempt started for the assignment. Starting
  while an attempt is still unfinished resumes that attempt instead, so a double
  click or a second tab never uses up a second attempt. The learner's enrolment
  row is locked while counting, so two simultaneous starts take turns.
* A learner's result is their **best** finished attempt (the earliest of equal
  bests); it is late when that attempt finished after the close. No finished
  attempt once the assignment has closed is missing work.

The request commits (see :mod:`quizapp.database`).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import contains_eager

from quizapp import clock
from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import (
    Assignment,
    Attempt,
    Classroom,
    Enrolment,
    FeedbackTiming,
    Item,
    QuizMode,
    Topic,
    User,
)
from quizapp.quiz import services as quiz


class AssignmentError(Exception):
    """A start the assignment rules refuse; the message is shown to the learner."""


class NotMember(AssignmentError):
    def __init__(self) -> None:
        super().__init__("This assignment is for a class you are not in.")


class NotOpenYet(AssignmentError):
    pass


class Closed(AssignmentError):
    pass


class NoAttemptsLeft(AssignmentError):
    pass


class Window(enum.StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


def class_zone(classroom: Classroom) -> ZoneInfo:
    """The zone the class's times are given in: its own, else its instructor's."""
    return ZoneInfo(classroom.time_zone or classroom.instructor.time_zone)


def in_zone(local: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time read in ``zone`` (a form's naive value), as UTC.

    Raises:
        AssignmentError: the time falls in the hour a clock change skips (02:30
            when clocks jump from 02:00 to 03:00), or beyond what UTC can hold.
    """
    try:
        moment = local.replace(tzinfo=zone).astimezone(UTC)
    except OverflowError:
        raise AssignmentError(
            f"{local:%Y-%m-%d %H:%M} is too far off: choose a nearer date."
        ) from None
    if moment.astimezone(zone).replace(tzinfo=None) != local:
        raise AssignmentError(
            f"{local:%Y-%m-%d %H:%M} does not exist in {zone.key}: the clocks skip it. "
            "Choose a time outside the clock change."
        )
    return moment


@dataclass(frozen=True)
class Plan:
    """What the instructor chose; times are wall-clock times in ``zone``."""

    title: str
    deck_id: int
    topic_ids: tuple[int, ...]
    item_ids: tuple[int, ...]
    length: int
    opens: datetime
    closes: datetime
    zone: str
    attempts_allowed: int
    feedback: FeedbackTiming
    late_allowed: bool


def create(classroom: Classroom, plan: Plan) -> Assignment:
    """Store the assignment, and the zone as the class's from now on.

    Raises:
        AssignmentError: the class is archived, the window is empty, or a topic or
            question is not in the deck.
    """
    if classroom.archived:
        raise AssignmentError("This class is archived: restore it to assign work.")
    zone = ZoneInfo(plan.zone)
    opens, closes = in_zone(plan.opens, zone), in_zone(plan.closes, zone)
    if closes <= opens:
        raise AssignmentError("The closing time must come after the opening time.")
    if plan.topic_ids and db.session.scalar(
        select(func.count(Topic.id)).where(
            Topic.id.in_(plan.topic_ids), Topic.deck_id == plan.deck_id
        )
    ) != len(set(plan.topic_ids)):
        raise AssignmentError("Choose topics of the chosen deck.")
    if plan.item_ids and db.session.scalar(
        select(func.count(Item.id)).where(
            Item.id.in_(plan.item_ids),
            Item.deck_id == plan.deck_id,
            Item.status == Status.PUBLISHED,
        )
    ) != len(set(plan.item_ids)):
        raise AssignmentError("Choose published questions of the chosen deck.")
    classroom.time_zone = plan.zone
    assignment = Assignment(
        classroom=classroom,
        deck_id=plan.deck_id,
        title=plan.title.strip(),
        topic_ids=list(plan.topic_ids),
        item_ids=list(dict.fromkeys(plan.item_ids)),
        length=len(set(plan.item_ids)) if plan.item_ids else plan.length,
        opens_at=opens,
        closes_at=closes,
        attempts_allowed=plan.attempts_allowed,
        feedback=plan.feedback,
        late_allowed=plan.late_allowed,
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


def window(assignment: Assignment, now: datetime) -> Window:
    if now < assignment.opens_at:
        return Window.UPCOMING
    return Window.OPEN if now < assignment.closes_at else Window.CLOSED


def zone_time(moment: datetime, zone: ZoneInfo) -> str:
    """A time as the class reads it: "05 Dec 2026, 17:00 CET"."""
    return moment.astimezone(zone).strftime("%d %b %Y, %H:%M %Z")


def start(assignment: Assignment, learner_id: int, token: str) -> Attempt:
    """The attempt the learner works on for this assignment: the one this form
    already started, else the one still unfinished, else a new one.

    Raises:
        NotMember, NotOpenYet, Closed, NoAttemptsLeft: see the module's policy.
        quiz.NothingToDraw: no published question fits any more.
    """
    member = db.session.scalar(
        select(Enrolment)
        .where(
            Enrolment.classroom_id == assignment.classroom_id,
            Enrolment.learner_id == learner_id,
        )
        .with_for_update()  # two starts at once take turns from here to the commit
    )
    if member is None:
        raise NotMember
    mine = select(Attempt).where(
        Attempt.learner_id == learner_id, Attempt.assignment_id == assignment.id
    )
    current = db.session.scalar(
        mine.where((Attempt.start_token == token) | Attempt.finished_at.is_(None)).order_by(
            (Attempt.start_token == token).desc(), Attempt.id
        )
    )
    if current is not None:
        return current
    if assignment.classroom.archived:
        raise Closed("This class is archived: its assignments are closed.")
    zone = class_zone(assignment.classroom)
    state = window(assignment, clock.now())
    if state is Window.UPCOMING:
        raise NotOpenYet(f"This assignment opens at {zone_time(assignment.opens_at, zone)}.")
    if state is Window.CLOSED and not assignment.late_allowed:
        raise Closed(f"This assignment closed at {zone_time(assignment.closes_at, zone)}.")
    used = db.session.scalar(select(func.count()).select_from(mine.subquery())) or 0
    if used >= assignment.attempts_allowed:
        raise NoAttemptsLeft(
            f"You have used all {assignment.attempts_allowed} attempt(s) of this assignment."
        )
    settings = quiz.Settings(
        deck_id=assignment.deck_id,
        topic_ids=tuple(assignment.topic_ids),
        length=assignment.length,
        mode=QuizMode.ALL,
        feedback=assignment.feedback,
    )
    return quiz.start_attempt(
        learner_id,
        settings,
        token,
        item_ids=_still_published(assignment.item_ids) if assignment.item_ids else None,
        assignment_id=assignment.id,
    )


def _still_published(item_ids: Sequence[int]) -> list[int]:
    """The hand-picked questions, in their order, without any withdrawn since."""
    published = set(
        db.session.scalars(
            select(Item.id).where(Item.id.in_(item_ids), Item.status == Status.PUBLISHED)
        )
    )
    return [item_id for item_id in item_ids if item_id in published]


# Results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """One learner's work on one assignment."""

    attempts: int  # started, finished or not
    best: float | None  # fraction of the best finished attempt
    submitted_at: datetime | None  # when that attempt finished
    late: bool
    unfinished: int = 0  # attempts started and not finished (a start resumes one)


def _scores_query(classroom_id: int | None, learner_id: int | None) -> Select[Any]:
    """Per (learner, assignment) of the class: attempts started and the best finished
    attempt (earliest of equal bests) with its finish time and lateness, in one statement."""
    fraction = Attempt.score / Attempt.length
    per_assignment = (Attempt.learner_id, Attempt.assignment_id)
    rank = func.row_number().over(
        partition_by=per_assignment,
        order_by=(
            Attempt.finished_at.is_(None),  # finished ones first
            fraction.desc(),
            Attempt.finished_at,
            Attempt.id,
        ),
    )
    ranked = select(
        Attempt.learner_id,
        Attempt.assignment_id,
        Attempt.finished_at,
        fraction.label("fraction"),
        (Attempt.finished_at > Assignment.closes_at).label("late"),
        rank.label("rank"),
        func.count().over(partition_by=per_assignment).label("attempts"),
        func.sum(case((Attempt.finished_at.is_(None), 1), else_=0))
        .over(partition_by=per_assignment)
        .label("unfinished"),
    ).join(Assignment, Assignment.id == Attempt.assignment_id)
    if classroom_id is not None:
        ranked = ranked.where(Assignment.classroom_id == classroom_id)
    if learner_id is not None:
        ranked = ranked.where(Attempt.learner_id == learner_id)
    best = ranked.subquery()
    return select(
        best.c.learner_id,
        best.c.assignment_id,
        best.c.attempts,
        best.c.fraction,
        best.c.finished_at,
        best.c.late,
        best.c.unfinished,
    ).where(best.c.rank == 1)


def scores(classroom_id: int | None, learner_id: int | None = None) -> dict[tuple[int, int], Score]:
    """Each (learner id, assignment id) with any attempt, of the class (or of every
    class when None) and of one learner or all."""
    return {
        (learner, assignment): Score(
            attempts, fraction, finished, bool(late and finished), unfinished
        )
        for learner, assignment, attempts, fraction, finished, late, unfinished in (
            db.session.execute(_scores_query(classroom_id, learner_id))
        )
    }


def status(assignment: Assignment, score: Score | None, now: datetime) -> str:
    """What a column of the roster says: "late", "on time", "missing" or "not yet"."""
    if score is not None and score.best is not None:
        return "late" if score.late else "on time"
    return "missing" if now >= assignment.closes_at else "not yet"


@dataclass(frozen=True)
class RosterColumns:
    """What the class page's roster and the roster CSV add: the class's assignments
    and the members' scores on them (two statements, however big the class)."""

    assignments: list[Assignment]
    scores: dict[tuple[int, int], Score]
    now: datetime

    def cell(self, learner_id: int, assignment: Assignment) -> str:
        """The best score in percent (marked late), "missing" or "not yet"."""
        score = self.scores.get((learner_id, assignment.id))
        if score is None or score.best is None:
            return status(assignment, score, self.now)
        percent = f"{round(100 * score.best)}%"
        return f"{percent} (late)" if score.late else percent

    def csv_header(self) -> list[str]:
        """Two CSV columns per assignment: the best score (a number) and the status."""
        return [
            name
            for assignment in self.assignments
            for name in (f"{assignment.title}: best %", f"{assignment.title}: status")
        ]

    def csv_values(self, learner_id: int) -> list[object]:
        values: list[object] = []
        for assignment in self.assignments:
            score = self.scores.get((learner_id, assignment.id))
            best = None if score is None or score.best is None else round(100 * score.best, 1)
            values += [best, status(assignment, score, self.now)]
        return values


def roster_columns(classroom_id: int) -> RosterColumns:
    assignments = of_class(classroom_id)
    return RosterColumns(assignments, scores(classroom_id) if assignments else {}, clock.now())


def of_class(classroom_id: int) -> list[Assignment]:
    """The class's assignments, by closing time."""
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.classroom_id == classroom_id)
            .order_by(Assignment.closes_at, Assignment.id)
        )
    )


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    email: str


def members(classroom_id: int) -> list[Member]:
    return [
        Member(*row)
        for row in db.session.execute(
            select(User.id, User.display_name, User.email)
            .join(Enrolment, Enrolment.learner_id == User.id)
            .where(Enrolment.classroom_id == classroom_id)
            .order_by(func.lower(User.display_name), User.id)
        )
    ]


@dataclass(frozen=True)
class Result:
    """A member's line on the assignment page and in its scores CSV."""

    member: Member
    score: Score | None
    status: str


def results(assignment: Assignment, now: datetime) -> list[Result]:
    """Every member of the class, by name, with their work on the assignment."""
    found = scores(assignment.classroom_id)
    return [
        Result(
            member, score := found.get((member.id, assignment.id)), status(assignment, score, now)
        )
        for member in members(assignment.classroom_id)
    ]


@dataclass(frozen=True)
class Due:
    """An assignment on a learner's home page."""

    assignment: Assignment
    zone: ZoneInfo
    window: Window
    score: Score | None

    @property
    def attempts_left(self) -> int:
        return self.assignment.attempts_allowed - (self.score.attempts if self.score else 0)

    @property
    def can_start(self) -> bool:
        if self.window is Window.UPCOMING:
            return False
        if self.window is Window.CLOSED and not self.assignment.late_allowed:
            return False
        return self.attempts_left > 0 or self.unfinished

    @property
    def unfinished(self) -> bool:
        """An attempt was started and not finished: starting again resumes it."""
        return self.score is not None and self.score.unfinished > 0


def for_learner(learner_id: int, now: datetime) -> list[Due]:
    """The assignments of the learner's classes (archived ones aside), soonest
    closing first."""
    assignments = list(
        db.session.scalars(
            select(Assignment)
            .join(
                Enrolment,
                and_(
                    Enrolment.classroom_id == Assignment.classroom_id,
                    Enrolment.learner_id == learner_id,
                ),
            )
            .join(Assignment.classroom)
            .where(Classroom.archived_at.is_(None))  # an archived class's work is closed
            .options(contains_eager(Assignment.classroom).joinedload(Classroom.instructor))
            .order_by(Assignment.closes_at, Assignment.id)
        )
    )
    found = scores(None, learner_id) if assignments else {}
    return [
        Due(
            assignment,
            class_zone(assignment.classroom),
            window(assignment, now),
            found.get((learner_id, assignment.id)),
        )
        for assignment in assignments
    ]
