"""Glue between stored card states and the ``fsrs`` scheduler, and how times read.

No Flask and no database here. The scheduling itself is the ``fsrs`` package's:
this module builds a scheduler from a learner's settings, converts stored
fields to and from ``fsrs.Card``, previews what each rating would give, and
words intervals and due times for people.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS

# The columns of a stored card state, named as the attributes of ``fsrs.Card``.
CARD_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review")

# Anki's default "learn ahead limit": when nothing else is left, a learning card
# due within this window is shown now instead of making the learner wait for it.
LEARN_AHEAD = timedelta(minutes=20)

# Anki's "maximum answer seconds": a tab left open does not make a review last hours.
MAX_DURATION_MS = 60_000


class StoredCard(Protocol):
    """What a learner's card state holds (``CardState`` is one)."""

    state: int
    step: int | None
    stability: float
    difficulty: float
    due: datetime
    last_review: datetime


def make_scheduler(
    desired_retention: float,
    *,
    fuzzing: bool,
    parameters: Sequence[float] = DEFAULT_PARAMETERS,
) -> Scheduler:
    """The FSRS scheduler with the default learning steps (1 min, 10 min) and the
    weights that schedule the learner's card: fitted ones (see
    :mod:`quizapp.study.services.parameters`) or the defaults."""
    return Scheduler(
        parameters=parameters, desired_retention=desired_retention, enable_fuzzing=fuzzing
    )


def to_card(card_id: int, stored: StoredCard | None, now: datetime) -> Card:
    """The card as ``fsrs`` sees it; a card never rated is its fresh learning card.

    ``card_id`` is always given: without it ``fsrs.Card`` sleeps a millisecond
    to make a unique id from the clock.
    """
    if stored is None:
        return Card(card_id=card_id, due=now)
    return Card(
        card_id=card_id,
        state=State(stored.state),
        step=stored.step,
        stability=stored.stability,
        difficulty=stored.difficulty,
        due=stored.due,
        last_review=stored.last_review,
    )


def fields(card: Card) -> dict[str, Any]:
    """A reviewed card's values for the ``CARD_FIELDS`` columns."""
    values = {name: getattr(card, name) for name in CARD_FIELDS}
    values["state"] = int(card.state)
    return values


def review(scheduler: Scheduler, card: Card, rating: Rating, now: datetime) -> Card:
    """The card after ``rating`` at ``now`` (``fsrs`` insists on ``datetime.UTC``)."""
    reviewed, _log = scheduler.review_card(card, rating, review_datetime=now.astimezone(UTC))
    return reviewed


def preview(scheduler: Scheduler, card: Card, now: datetime) -> dict[Rating, timedelta]:
    """How long until the card comes back after each rating, as the buttons show it.

    Anki shows the unfuzzed interval on its buttons, so give an unfuzzed scheduler.
    """
    return {rating: review(scheduler, card, rating, now).due - now for rating in Rating}


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def humanise(interval: timedelta) -> str:
    """An interval the way Anki words it on a button: "10 min", "3 d", "1.5 mo", "2 y"."""
    minutes = interval.total_seconds() / 60
    if minutes < 59.5:
        return f"{max(1, round(minutes))} min"
    hours = minutes / 60
    if hours < 23.5:
        return f"{_number(hours)} h"
    days = hours / 24
    if days < 30:
        return f"{round(days)} d"
    if days < 365:
        return f"{_number(days / 30)} mo"
    return f"{_number(days / 365)} y"


def describe_due(due: datetime, now: datetime, zone: ZoneInfo) -> str:
    """A due time in the learner's own clock: "today at 14:32", "tomorrow at 09:05"."""
    local = due.astimezone(zone)
    today = now.astimezone(zone).date()
    if local.date() == today:
        day = "today"
    elif local.date() == today + timedelta(days=1):
        day = "tomorrow"
    else:
        day = f"on {local:%a} {local.day} {local:%b %Y}"
    return f"{day} at {local:%H:%M}"


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since the epoch: how a page remembers when it showed a card."""
    return round(moment.timestamp() * 1000)


def duration_ms(shown_at_ms: int | None, now: datetime) -> int | None:
    """Time from showing a card to its rating, capped as Anki does; None when unknown."""
    if shown_at_ms is None:
        return None
    elapsed = epoch_ms(now) - shown_at_ms
    return min(max(elapsed, 0), MAX_DURATION_MS)
