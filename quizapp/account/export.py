""" "Download my data": one zip with a JSON file and a CSV per table.

Each table is one SQL query over the person's own rows (by their id), read
once and written twice, as JSON and as CSV (the spreadsheet-safe CSV of the
class exports); nothing walks ORM relationships.
"""

from __future__ import annotations

import enum
import io
import json
import zipfile
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from quizapp.classes.exports import write_csv
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    CardState,
    Classroom,
    Deck,
    Enrolment,
    Flag,
    Item,
    ItemVersion,
    LoginSession,
    Response,
    ReviewLog,
    StudySettings,
    User,
)


def queries(user_id: int) -> dict[str, Select[Any]]:
    """What the export holds, table by table: only rows of ``user_id``."""
    return {
        "account": select(
            User.display_name.label("name"),
            User.email,
            User.role,
            User.time_zone,
            User.created_at,
            User.last_login_at,
        ).where(User.id == user_id),
        "settings": select(StudySettings.desired_retention, StudySettings.new_per_day).where(
            StudySettings.user_id == user_id
        ),
        "attempts": select(
            Attempt.id.label("attempt"),
            Deck.slug.label("deck"),
            Attempt.mode,
            Attempt.feedback,
            Attempt.length,
            Attempt.score,
            Attempt.started_at,
            Attempt.finished_at,
        )
        .join(Deck, Deck.id == Attempt.deck_id)
        .where(Attempt.learner_id == user_id)
        .order_by(Attempt.started_at, Attempt.id),
        "answers": select(
            Attempt.id.label("attempt"),
            AttemptQuestion.position,
            Item.uid.label("item"),
            ItemVersion.version.label("item_version"),
            Item.prompt.label("question"),
            Response.answer,
            Response.score,
            Response.correct,
            Response.answered_at,
        )
        .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
        .join(Response, Response.attempt_question_id == AttemptQuestion.id)
        .join(ItemVersion, ItemVersion.id == AttemptQuestion.item_version_id)
        .join(Item, Item.id == AttemptQuestion.item_id)
        .where(Attempt.learner_id == user_id)
        .order_by(Attempt.id, AttemptQuestion.position),
        "reviews": select(
            Item.uid.label("item"),
            ReviewLog.rating,
            ReviewLog.reviewed_at,
            ReviewLog.duration_ms,
            ReviewLog.origin,
        )
        .join(Item, Item.id == ReviewLog.item_id)
        .where(ReviewLog.user_id == user_id)
        .order_by(ReviewLog.reviewed_at, ReviewLog.id),
        "cards": select(
            Item.uid.label("item"),
            CardState.state,
            CardState.due,
            CardState.stability,
            CardState.difficulty,
            CardState.last_review,
        )
        .join(Item, Item.id == CardState.item_id)
        .where(CardState.user_id == user_id)
        .order_by(Item.uid),
        "flags": select(
            Item.uid.label("item"),
            ItemVersion.version.label("item_version"),
            Flag.comment,
            Flag.created_at,
            Flag.resolved_at,
            Flag.resolution,
        )
        .join(ItemVersion, ItemVersion.id == Flag.item_version_id)
        .join(Item, Item.id == Flag.item_id)
        .where(Flag.learner_id == user_id)
        .order_by(Flag.created_at, Flag.id),
        "classes": select(Classroom.name.label("class"), Enrolment.joined_at)
        .join(Classroom, Classroom.id == Enrolment.classroom_id)
        .where(Enrolment.learner_id == user_id)
        .order_by(Enrolment.joined_at, Classroom.id),
        # Never the secret's hash: only what "Signed-in devices" shows.
        "sessions": select(
            LoginSession.user_agent,
            LoginSession.remember.label("keep_signed_in"),
            LoginSession.created_at.label("signed_in_at"),
            LoginSession.last_seen_at,
            LoginSession.expires_at,
        )
        .where(LoginSession.user_id == user_id)
        .order_by(LoginSession.created_at, LoginSession.id),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _cell(value: Any) -> Any:
    """A CSV cell: JSON for answers that are lists or booleans, as the JSON file has them."""
    plain = _plain(value)
    return json.dumps(plain) if isinstance(plain, list | dict | bool) else plain


def tables(user_id: int) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    found = {}
    for name, query in queries(user_id).items():
        result = db.session.execute(query)
        columns = list(result.keys())
        found[name] = (
            columns,
            [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in result],
        )
    return found


def write_zip(user_id: int, exported_at: datetime) -> bytes:
    """``my-data.json`` with every table, and ``<table>.csv`` for each."""
    data = tables(user_id)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        document = {"exported_at": exported_at.isoformat()} | {
            name: rows for name, (_, rows) in data.items()
        }
        archive.writestr("my-data.json", json.dumps(document, indent=2, ensure_ascii=False))
        for name, (columns, rows) in data.items():
            text = io.StringIO()
            write_csv(text, columns, ([_cell(row[c]) for c in columns] for row in rows))
            archive.writestr(f"{name}.csv", text.getvalue())
    return out.getvalue()
