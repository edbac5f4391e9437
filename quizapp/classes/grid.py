"""The topic × learner mastery grid of a class page, and ordering the roster by it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sqlalchemy import select

from quizapp.classes.roster import LearnerStats
from quizapp.classes.selection import Sorting, missing_last
from quizapp.extensions import db
from quizapp.models import Deck, Topic
from quizapp.progress.mastery import Learners, TopicMastery, topic_mastery

MASTERED = 0.8  # a topic counts as mastered from 80 % mastery


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
    return sorted(rows, key=lambda row: missing_last(value(row.id), sorting.descending))
