"""The scheduling glue without an app: conversions, previews, wording, day boundaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from fsrs import Card, Rating, Scheduler, State

from quizapp import clock
from quizapp.study import scheduling
from quizapp.study.cards import back

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("interval", "words"),
    [
        (timedelta(seconds=20), "1 min"),
        (timedelta(minutes=1), "1 min"),
        (timedelta(minutes=5, seconds=30), "6 min"),
        (timedelta(minutes=10), "10 min"),
        (timedelta(hours=1), "1 h"),
        (timedelta(hours=5, minutes=30), "5.5 h"),
        (timedelta(days=1), "1 d"),
        (timedelta(days=8), "8 d"),
        (timedelta(days=29), "29 d"),
        (timedelta(days=90), "3 mo"),
        (timedelta(days=45), "1.5 mo"),
        (timedelta(days=365), "1 y"),
        (timedelta(days=800), "2.2 y"),
    ],
)
def test_intervals_are_worded_as_anki_words_them(interval: timedelta, words: str) -> None:
    assert scheduling.humanise(interval) == words


def test_a_new_cards_buttons_show_the_schedulers_own_intervals() -> None:
    scheduler = scheduling.make_scheduler(0.9, fuzzing=False)
    card = scheduling.to_card(7, None, NOW)
    previews = scheduling.preview(scheduler, card, NOW)
    assert {rating: scheduling.humanise(delta) for rating, delta in previews.items()} == {
        Rating.Again: "1 min",
        Rating.Hard: "6 min",
        Rating.Good: "10 min",
        Rating.Easy: "8 d",
    }
    reference = Scheduler(enable_fuzzing=False)
    for rating, delta in previews.items():
        assert delta == reference.review_card(Card(card_id=7, due=NOW), rating, NOW)[0].due - NOW


def test_a_higher_retention_brings_cards_back_sooner() -> None:
    card = scheduling.to_card(7, None, NOW)
    easy = {
        retention: scheduling.preview(
            scheduling.make_scheduler(retention, fuzzing=False), card, NOW
        )[Rating.Easy]
        for retention in (0.7, 0.9, 0.97)
    }
    assert easy[0.97] < easy[0.9] < easy[0.7]


def test_stored_fields_round_trip_through_fsrs_card() -> None:
    scheduler = scheduling.make_scheduler(0.9, fuzzing=False)
    reviewed = scheduling.review(scheduler, scheduling.to_card(7, None, NOW), Rating.Good, NOW)
    stored = SimpleNamespace(**scheduling.fields(reviewed))
    assert stored.state == 1 and stored.step == 1
    assert scheduling.to_card(7, stored, NOW) == reviewed


def test_review_accepts_any_utc_aware_time() -> None:
    """fsrs refuses tzinfo other than datetime.UTC; a UTC time from zoneinfo is fine here."""
    scheduler = scheduling.make_scheduler(0.9, fuzzing=False)
    local_utc = NOW.astimezone(ZoneInfo("UTC"))
    reviewed = scheduling.review(
        scheduler, scheduling.to_card(7, None, NOW), Rating.Again, local_utc
    )
    assert reviewed.state is State.Learning
    assert reviewed.due == NOW + timedelta(minutes=1)


@pytest.mark.parametrize(
    ("zone", "now", "midnight"),
    [
        # 23:00 in Auckland (UTC+13) on 2 March; 02:00 in Los Angeles (UTC-8) on 2 March.
        ("Pacific/Auckland", "2026-03-02T10:00Z", "2026-03-01T11:00Z"),
        ("America/Los_Angeles", "2026-03-02T10:00Z", "2026-03-02T08:00Z"),
        # An hour and a half later Auckland is in 3 March; Los Angeles still in 2 March.
        ("Pacific/Auckland", "2026-03-02T11:30Z", "2026-03-02T11:00Z"),
        ("America/Los_Angeles", "2026-03-02T11:30Z", "2026-03-02T08:00Z"),
        ("UTC", "2026-03-02T00:00Z", "2026-03-02T00:00Z"),
    ],
)
def test_the_day_starts_at_local_midnight(zone: str, now: str, midnight: str) -> None:
    start = clock.day_start(datetime.fromisoformat(now), ZoneInfo(zone))
    assert start == datetime.fromisoformat(midnight)
    assert start.tzinfo is UTC


def test_due_times_read_in_the_learners_clock() -> None:
    paris = ZoneInfo("Europe/Paris")
    assert scheduling.describe_due(NOW + timedelta(minutes=10), NOW, paris) == "today at 13:10"
    assert scheduling.describe_due(NOW + timedelta(days=1), NOW, paris) == "tomorrow at 13:00"
    assert (
        scheduling.describe_due(NOW + timedelta(days=8), NOW, paris)
        == "on Tue 10 Mar 2026 at 13:00"
    )


def test_review_durations_are_capped_at_a_minute() -> None:
    shown = scheduling.epoch_ms(NOW)
    assert scheduling.duration_ms(shown, NOW + timedelta(seconds=7)) == 7000
    assert scheduling.duration_ms(shown, NOW + timedelta(hours=3)) == 60_000
    assert scheduling.duration_ms(shown + 5000, NOW) == 0
    assert scheduling.duration_ms(None, NOW) is None


def test_a_cloze_back_puts_the_answer_in_its_sentence() -> None:
    cloze = back("Normal counts start at […] per litre.", "4.0 × 10⁹")
    assert (cloze.before, cloze.answer, cloze.after) == (
        "Normal counts start at ",
        "4.0 × 10⁹",
        " per litre.",
    )
    assert cloze.in_sentence
    plain = back("What is leukopenia?", "A low white-cell count")
    assert not plain.in_sentence and plain.answer == "A low white-cell count"
