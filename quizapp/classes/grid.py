"""The topic × learner mastery grid of a class page, and ordering the roster by
any column of either."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Protocol

from sqlalchemy import select

from quizapp.classes.roster import SORT_VALUES, LearnerStats
from quizapp.classes.selection import Sorting, missing_last
from quizapp.extensions import db
from quizapp.models import Deck, Topic
from quizapp.progress.mastery import Learners, topic_mastery

MASTERED = 0.8  # a topic counts as mastered from 80 % mastery


class Cell(Protocol):
    """What a grid shows of a learner's mastery of a topic: a ``TopicMastery``
    just computed, or the figures of one kept in a class's summary."""

    @property
    def mastery(self) -> float | None: ...
    @property
    def quiz_answers(self) -> int: ...
    @property
    def reviews(self) -> int: ...


@dataclass(frozen=True)
class MasteryGrid:
    """Topic × learner mastery, from THE definition in ``quizapp.progress.mastery``."""

    topics: list[Topic]
    cells: Mapping[tuple[int, int], Cell] = field(default_factory=dict)

    @cached_property
    def topic_ids(self) -> list[int]:
        return [topic.id for topic in self.topics]

    def cell(self, learner_id: int, topic_id: int) -> Cell | None:
        return self.cells.get((learner_id, topic_id))

    @staticmethod
    def band(cell: Cell | None) -> str | None:
        """``high`` (mastered), ``mid`` (half way) or ``low``; None when not studied."""
        if cell is None or cell.mastery is None:
            return None
        return "high" if cell.mastery >= MASTERED else "mid" if cell.mastery >= 0.5 else "low"

    @cached_property
    def _mastered(self) -> Counter[int]:
        """Per learner, the topics mastered: counted once for the whole grid, as the
        page asks for every learner's count."""
        shown = set(self.topic_ids)
        return Counter(
            learner_id
            for (learner_id, topic_id), cell in self.cells.items()
            if topic_id in shown and cell.mastery is not None and cell.mastery >= MASTERED
        )

    def mastered(self, learner_id: int) -> int:
        """How many topics the learner has mastered (mastery of at least ``MASTERED``)."""
        return self._mastered[learner_id]

    def sort_key(self, key: str) -> Callable[[LearnerStats], float | None] | None:
        """The value a grid column sorts by (``topic-<id>`` or ``mastered``), per roster row."""
        if key == "mastered":
            return lambda row: self.mastered(row.id)
        topic_id = topic_column(key)
        if topic_id is None or all(topic.id != topic_id for topic in self.topics):
            return None

        def mastery(row: LearnerStats) -> float | None:
            cell = self.cell(row.id, topic_id)
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


def sort_roster(
    rows: list[LearnerStats], grid: MasteryGrid, sorting: Sorting
) -> list[LearnerStats]:
    """Order the roster, given by name, by a column of the roster or the grid:
    missing values last, ties by name (the sort is stable).

    In Python rather than SQL: the numbers come from a class's stored summary,
    and mastery is defined in Python over SQL sums (``TopicMastery.mastery``).
    """
    if sorting.key == "name":
        return rows[::-1] if sorting.descending else rows
    value = SORT_VALUES.get(sorting.key) or grid.sort_key(sorting.key)
    if value is None:
        return rows
    return sorted(rows, key=lambda row: missing_last(value(row), sorting.descending))
