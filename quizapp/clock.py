"""The app's one clock, and the one place a learner's day is cut at local midnight.

Every service takes the time from :func:`now`. It reads the ``CLOCK`` setting,
a function returning a timezone-aware datetime (default: the wall clock in
UTC), so a test moves every area to "tomorrow" at once by passing its own.
Outside an app (a script, a model default with no app) the wall clock answers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    return datetime.now(UTC)


def now() -> datetime:
    """The current time, timezone-aware, from the app's ``CLOCK``."""
    clock: Clock = current_app.config.get("CLOCK", wall_clock) if has_app_context() else wall_clock
    moment = clock()
    if moment.tzinfo is None:
        raise ValueError(f"CLOCK returned the naive datetime {moment!r}")
    return moment


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """When ``day`` begins in ``zone``, in UTC (a day may last 23 or 25 hours)."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def day_start(moment: datetime, zone: ZoneInfo) -> datetime:
    """When the local day holding ``moment`` began: the last local midnight, in UTC."""
    return local_midnight(moment.astimezone(zone).date(), zone)
