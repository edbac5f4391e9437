"""The learner's local days, for counting in SQL. No database here.

A day runs from one local midnight to the next, so it may last 23 or 25 hours
when the clocks change, and its bounds in UTC may fall on any minute (India is
UTC+5:30, Nepal +5:45). Rather than convert each timestamp to a local date in
SQL (SQLite has no time zones), the bounds of the days are worked out here
with ``zoneinfo`` and the database sorts each timestamp between them: a CASE
expression that numbers the day, searched in halves so a row costs a handful
of comparisons, which works alike on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    SQLColumnExpression,
    bindparam,
    case,
    literal_column,
)

from quizapp.clock import local_midnight
from quizapp.models.base import UTCDateTime


@dataclass(frozen=True)
class Days:
    """``count`` consecutive local days from ``first``, with their bounds in UTC.

    ``bounds[n]`` is when day ``n`` begins and ``bounds[n + 1]`` when it ends,
    so there is one bound more than there are days.
    """

    first: date
    bounds: tuple[datetime, ...]

    @classmethod
    def starting(cls, first: date, count: int, zone: ZoneInfo) -> Days:
        return cls(
            first,
            tuple(local_midnight(first + timedelta(days=n), zone) for n in range(count + 1)),
        )

    @classmethod
    def ending(cls, last: date, count: int, zone: ZoneInfo) -> Days:
        return cls.starting(last - timedelta(days=count - 1), count, zone)

    def __len__(self) -> int:
        return len(self.bounds) - 1

    @property
    def start(self) -> datetime:
        return self.bounds[0]

    @property
    def end(self) -> datetime:
        return self.bounds[-1]

    def date(self, number: int) -> date:
        return self.first + timedelta(days=number)

    def dates(self) -> list[dt.date]:  # plain ``date`` here names the method above
        return [self.date(number) for number in range(len(self))]

    def parameters(self, name: str) -> dict[str, datetime]:
        """The values of the bounds :func:`numbering` named ``name`` refers to."""
        return {f"{name}__{n}": bound for n, bound in enumerate(self.bounds)}


@functools.cache
def numbering(
    column: SQLColumnExpression[datetime], count: int, name: str, *, past_end: bool = False
) -> ColumnElement[int]:
    """SQL: the number of the day ``column`` falls on, of ``count`` days.

    Anything before the first day counts as day 0, and anything after the last
    as the last day, or as day ``count`` when ``past_end``; so the caller
    filters the range it wants (``start <= column < end``), on an index, or
    sets the days past the end aside. The bounds are bound parameters named
    ``<name>__<n>``: execute the statement with :meth:`Days.parameters`. So the
    expression (a few hundred SQL nodes for a year) is built once per process,
    not on every request.
    """
    bounds = [bindparam(f"{name}__{n}", type_=UTCDateTime()) for n in range(count + 1)]
    return _search(column, bounds, 0, count + 1 if past_end else count)


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _search(
    column: SQLColumnExpression[datetime],
    bounds: Sequence[BindParameter[datetime]],
    low: int,
    high: int,
) -> ColumnElement[int]:
    """The day number among days ``low`` to ``high - 1``, halving the range each step."""
    if high - low == 1:
        return literal_column(str(low))
    middle = (low + high) // 2
    return case(
        (column < bounds[middle], _search(column, bounds, low, middle)),
        else_=_search(column, bounds, middle, high),
    )


def streak(active: Collection[date], today: date) -> int:
    """Consecutive active days ending today, or yesterday while today has no activity yet."""
    day = today if today in active else today - timedelta(days=1)
    days = 0
    while day in active:
        days += 1
        day -= timedelta(days=1)
    return days
