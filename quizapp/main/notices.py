"""What became of a learner's "this looks wrong" reports.

An instructor's resolution is shown on the learner's home page until the
learner dismisses it; the "Your reports" page keeps every report with its status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update

from quizapp import clock
from quizapp.content import Status, TextFormat
from quizapp.extensions import db
from quizapp.models import Flag, Item, ItemVersion

NOTICES_SHOWN = 10
REPORTS_SHOWN = 200


@dataclass(frozen=True)
class Report:
    """One of the learner's reports, with the question as they saw it."""

    id: int
    content: dict[str, Any]  # the version the learner reported
    comment: str
    created_at: datetime
    reported_version: int
    current_version: int
    status: Status
    resolved_at: datetime | None
    resolution: str | None

    @property
    def prompt(self) -> str:
        return str(self.content.get("prompt", ""))

    @property
    def text_format(self) -> str:
        return str(self.content.get("format") or TextFormat.PLAIN.value)

    @property
    def change(self) -> str:
        """What became of the question itself, in the learner's words."""
        if self.status is Status.RETIRED:
            return "The question has been taken out of quizzes."
        if self.current_version > self.reported_version:
            return (
                f"The question was changed: you reported version {self.reported_version}, "
                f"it is now version {self.current_version}."
            )
        return "The question itself was not changed."


def _reports(learner_id: int) -> Select[Any]:
    return (
        select(
            Flag.id,
            ItemVersion.content,
            Flag.comment,
            Flag.created_at,
            ItemVersion.version,
            Item.version,
            Item.status,
            Flag.resolved_at,
            Flag.resolution,
        )
        .join(Flag.item_version)
        .join(ItemVersion.item)
        .where(Flag.learner_id == learner_id)
    )


def unseen(learner_id: int) -> list[Report]:
    """Resolved reports whose resolution the learner has not dismissed yet, newest first."""
    rows = db.session.execute(
        _reports(learner_id)
        .where(Flag.resolved_at.is_not(None), Flag.learner_seen_at.is_(None))
        .order_by(Flag.resolved_at.desc(), Flag.id.desc())
        .limit(NOTICES_SHOWN)
    )
    return [Report(*row) for row in rows]


def mine(learner_id: int) -> list[Report]:
    """The learner's reports, open ones first, then the newest."""
    rows = db.session.execute(
        _reports(learner_id)
        .order_by(Flag.resolved_at.is_not(None), Flag.created_at.desc(), Flag.id.desc())
        .limit(REPORTS_SHOWN)
    )
    return [Report(*row) for row in rows]


def dismiss(learner_id: int, flag_id: int) -> bool:
    """Hide the notice of a resolved report; False when it is not this learner's
    resolved report (a second dismissal keeps the first time)."""
    seen = db.session.execute(
        update(Flag)
        .where(Flag.id == flag_id, Flag.learner_id == learner_id, Flag.resolved_at.is_not(None))
        .values(learner_seen_at=func.coalesce(Flag.learner_seen_at, clock.now()))
    )
    return bool(seen.rowcount)  # type: ignore[attr-defined]
