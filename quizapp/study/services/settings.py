"""A learner's study settings (retention, new cards a day) and the account's time zone."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import IntegrityError

from quizapp.auth import services as accounts
from quizapp.extensions import db
from quizapp.models import StudySettings


def settings_for(user_id: int) -> StudySettings:
    return db.session.get(StudySettings, user_id) or StudySettings.defaults(user_id)


def settings_columns(
    user_id: ColumnElement[int] | int,
) -> tuple[ColumnElement[float], ColumnElement[int]]:
    """SQL: the learner's desired retention and new cards a day (the defaults without
    a row), for a statement that reads them along with its own work; give both to
    :func:`settings_of`."""
    mine = StudySettings.user_id == user_id
    return (
        func.coalesce(
            select(StudySettings.desired_retention).where(mine).scalar_subquery(),
            StudySettings.DEFAULT_RETENTION,
        ),
        func.coalesce(
            select(StudySettings.new_per_day).where(mine).scalar_subquery(),
            StudySettings.DEFAULT_NEW_PER_DAY,
        ),
    )


def settings_of(user_id: int, desired_retention: float, new_per_day: int) -> StudySettings:
    """Settings read by :func:`settings_columns`, as an unsaved row (never added)."""
    return StudySettings(
        user_id=user_id, desired_retention=desired_retention, new_per_day=new_per_day
    )


def save_settings(
    user_id: int, *, desired_retention: float, new_per_day: int, time_zone: str
) -> None:
    """Store a learner's settings and the account's time zone; a second first save
    (double click) updates the first."""
    accounts.set_time_zone(user_id, time_zone)
    values = {"desired_retention": desired_retention, "new_per_day": new_per_day}
    if db.session.get(StudySettings, user_id) is None:
        try:
            with db.session.begin_nested():
                db.session.add(StudySettings(user_id=user_id, **values))
            return
        except IntegrityError:
            pass
    db.session.execute(
        update(StudySettings).where(StudySettings.user_id == user_id).values(**values)
    )
