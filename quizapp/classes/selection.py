"""Whose numbers a class page shows and in which order: shared by the roster,
the mastery grid and the item analysis."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from quizapp.extensions import db
from quizapp.models import Enrolment, Role, User
from quizapp.progress.mastery import Learners

__all__ = ["Learners", "Sorting", "all_learners", "class_learners", "missing_last"]


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


def all_learners() -> Select[int]:
    return select(User.id).where(User.role == Role.LEARNER)


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


def missing_last(value: Any, descending: bool) -> tuple[bool, Any]:
    """A Python sort key that puts missing values last in either direction."""
    if value is None:
        return (True, 0)
    return (False, -value if descending else value)
