"""A class's figures, kept between views: the class page's roster numbers and
mastery grid, stored per class and recomputed when older than ``SUMMARY_MAX_AGE``.

Counting them for 500 learners took most of a class page's time, and recall
changes by the minute anyway, so a page shows figures up to five minutes old
(and says when they were computed). Who is in the class is read live on each
view, with names, e-mails and joining dates: a learner who joins, leaves, is
removed or renamed shows so at once, since a summary of other members than
the current ones is recomputed. The numbers come from the roster's and the
mastery grid's own functions, so the stored figures are the live ones, as of
``computed_at``.

The page recomputes a stale summary within its request; ``quizapp classes
refresh`` and the page's "Refresh now" button do it ahead of time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import delete, select

from quizapp import clock
from quizapp.classes.grid import MasteryGrid, all_topics, mastery_grid
from quizapp.classes.roster import LearnerStats, Member, roster
from quizapp.classes.selection import class_learners
from quizapp.database import conflict_insert, dialect
from quizapp.extensions import db
from quizapp.models import Classroom, ClassSummary, Enrolment, Topic

SUMMARY_MAX_AGE = timedelta(minutes=5)
# The shape of ``ClassSummary.figures``; a summary of another shape (written
# before an upgrade) is recomputed rather than misread.
LAYOUT = 1
# The roster's numbers: the fields of LearnerStats after the member's own.
NUMBERS = tuple(field.name for field in fields(LearnerStats))[len(Member._fields) :]


class StoredCell(NamedTuple):
    """The figures of a learner's ``TopicMastery`` that the grid shows and sorts by."""

    mastery: float | None
    quiz_answers: int
    reviews: int


@dataclass(frozen=True)
class ClassFigures:
    """A class page's roster (by name) and grid, with the time they were computed."""

    computed_at: datetime
    roster: list[LearnerStats]
    grid: MasteryGrid


def class_figures(classroom: Classroom, learners: Sequence[Member], now: datetime) -> ClassFigures:
    """The figures of ``learners`` (the class's members, read live, by name):
    from the class's summary when it is younger than ``SUMMARY_MAX_AGE`` and of
    exactly these learners, else computed now and stored."""
    topics = all_topics()
    stored = db.session.execute(
        select(ClassSummary.computed_at, ClassSummary.figures).where(
            ClassSummary.classroom_id == classroom.id
        )
    ).first()
    if stored is not None and _current(stored.figures, stored.computed_at, learners, now):
        computed_at, figures = stored.computed_at, stored.figures
    else:
        computed_at = now
        figures = _store(classroom.id, [learner.id for learner in learners], topics, now)
    return _shown(learners, computed_at, figures, topics)


def refresh(classroom: Classroom) -> None:
    """Recompute and store the class's figures now, whatever their age."""
    _store(classroom.id, class_learners(classroom.id), all_topics(), clock.now())


def _current(
    figures: dict[str, Any], computed_at: datetime, learners: Sequence[Member], now: datetime
) -> bool:
    return (
        figures.get("layout") == LAYOUT
        and now - computed_at < SUMMARY_MAX_AGE
        and figures["learners"].keys() == {str(learner.id) for learner in learners}
    )


def _store(
    classroom_id: int, learner_ids: list[int], topics: list[Topic], now: datetime
) -> dict[str, Any]:
    """Compute the figures of these learners and store them as the class's summary.

    An upsert, so two instructors opening a stale page together both succeed
    (on PostgreSQL the second waits for the first's commit, then replaces its
    row); a summary computed earlier never replaces one computed later."""
    figures = _compute(classroom_id, learner_ids, topics, now)
    statement = conflict_insert(dialect(), ClassSummary).values(
        classroom_id=classroom_id, computed_at=now, figures=figures
    )
    new = statement.excluded
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[ClassSummary.classroom_id],
            set_={"computed_at": new.computed_at, "figures": new.figures},
            where=ClassSummary.computed_at <= new.computed_at,
        )
    )
    return figures


def _compute(
    classroom_id: int, learner_ids: list[int], topics: list[Topic], now: datetime
) -> dict[str, Any]:
    """Per learner (by id, as JSON keys are text): the roster's numbers in the
    order of ``LearnerStats`` (last active as ISO 8601) and, per topic with
    evidence, the ``StoredCell`` of its mastery."""
    wanted = set(learner_ids)
    cells: dict[int, dict[str, list[Any]]] = {}
    for (learner_id, topic_id), cell in mastery_grid(learner_ids, now, topics).cells.items():
        shown = StoredCell(cell.mastery, cell.quiz_answers, cell.reviews)
        cells.setdefault(learner_id, {})[str(topic_id)] = list(shown)
    return {
        "layout": LAYOUT,
        "learners": {
            str(row.id): {"roster": _numbers(row), "mastery": cells.get(row.id, {})}
            for row in roster(classroom_id, learner_ids)
            # Someone who joined while these were counted is not among them.
            if row.id in wanted
        },
    }


def _numbers(row: LearnerStats) -> list[Any]:
    *numbers, active = (getattr(row, name) for name in NUMBERS)
    return [*numbers, active and active.isoformat()]


def _shown(
    learners: Sequence[Member], computed_at: datetime, figures: dict[str, Any], topics: list[Topic]
) -> ClassFigures:
    """The roster rows and grid of ``learners``, their names live, their numbers stored."""
    stored = figures["learners"]
    rows = []
    cells: dict[tuple[int, int], StoredCell] = {}
    for learner in learners:
        found = stored.get(str(learner.id))
        if found is None:  # left the class while its figures were computed
            continue
        *numbers, active = found["roster"]
        numbers.append(_moment(active))
        rows.append(LearnerStats(*learner, *numbers))
        for topic_id, cell in found["mastery"].items():
            cells[learner.id, int(topic_id)] = StoredCell(*cell)
    return ClassFigures(computed_at, rows, MasteryGrid(topics, cells))


def _moment(stored: str | None) -> datetime | None:
    return None if stored is None else datetime.fromisoformat(stored)


def forget(learner_id: int, classroom_id: int | None = None) -> None:
    """Drop the stored figures holding this learner's numbers: of the class they
    leave or are removed from, or of all their classes when their account goes.
    They are the learner's data; the next view counts the class again."""
    classes = select(Enrolment.classroom_id).where(Enrolment.learner_id == learner_id)
    if classroom_id is not None:
        classes = classes.where(Enrolment.classroom_id == classroom_id)
    db.session.execute(delete(ClassSummary).where(ClassSummary.classroom_id.in_(classes)))
