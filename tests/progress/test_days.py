"""Counting by the learner's own days: the streak, reviews per day and the due
forecast, with time zones far from UTC and a change of clocks inside the window."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from quizapp.clock import local_midnight
from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import Item, User
from quizapp.progress import services
from quizapp.progress.days import Days, streak
from tests.conftest import Accounts
from tests.progress.conftest import START, History, table

AUCKLAND = ZoneInfo("Pacific/Auckland")  # UTC+13 in March 2026 (daylight time until 5 April)
NEW_YORK = ZoneInfo("America/New_York")  # UTC−5, then UTC−4 from Sunday 8 March 2026, 02:00
GOOD = 3


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def board(app: Flask, history: History, now: datetime = START) -> services.Dashboard:
    with app.app_context():
        return services.dashboard(history.learner_id, now)


# --- the pure helpers -------------------------------------------------------


def test_days_have_their_local_bounds_across_a_change_of_clocks() -> None:
    days = Days.starting(date(2026, 3, 7), 3, NEW_YORK)
    assert days.bounds == (
        utc(2026, 3, 7, 5),  # midnight EST
        utc(2026, 3, 8, 5),  # midnight EST; this day lasts 23 hours
        utc(2026, 3, 9, 4),  # midnight EDT
        utc(2026, 3, 10, 4),
    )
    assert len(days) == 3 and days.dates()[-1] == date(2026, 3, 9)
    assert Days.ending(date(2026, 3, 9), 3, NEW_YORK) == days
    assert local_midnight(date(2026, 3, 3), AUCKLAND) == utc(2026, 3, 2, 11)
    # Half-hour and quarter-hour zones are exact too (an hour bucket would not be).
    assert local_midnight(date(2026, 3, 3), ZoneInfo("Asia/Kathmandu")) == utc(2026, 3, 2, 18, 15)


def test_streak_counts_back_from_today_or_else_yesterday() -> None:
    today = date(2026, 3, 3)
    run = {date(2026, 3, 1), date(2026, 3, 2), date(2026, 2, 27)}
    assert streak(run | {today}, today) == 3
    assert streak(run, today) == 2  # today not yet: the streak up to yesterday stands
    assert streak({date(2026, 3, 1)}, today) == 0  # yesterday missed: it is broken
    assert streak(set(), today) == 0


# --- the streak -------------------------------------------------------------


def active_around_midnight_in_auckland(history: History) -> None:
    """Activity at UTC times that fall on the next local day in Auckland:

    | UTC                | Auckland (UTC+13)  |
    |--------------------|--------------------|
    | Mon 2 Mar 11:30    | Tue 3 Mar 00:30    |  review
    | Sun 1 Mar 11:30    | Mon 2 Mar 00:30    |  quiz answer
    | Sat 28 Feb 11:30   | Sun 1 Mar 00:30    |  review
    | Fri 27 Feb 10:30   | Fri 27 Feb 23:30   |  review (Sat 28 Feb local is empty)

    By UTC dates that is four days in a row; by Auckland's, three.
    """
    card = history.cards()[0]
    history.review(card, GOOD, utc(2026, 3, 2, 11, 30))
    history.quiz([(history.questions("when")[0], 1.0)], utc(2026, 3, 1, 11, 30))
    history.review(card, GOOD, utc(2026, 2, 28, 11, 30))
    history.review(card, GOOD, utc(2026, 2, 27, 10, 30))


def test_the_streak_follows_the_learners_time_zone(
    app: Flask, history: History, make_history
) -> None:
    active_around_midnight_in_auckland(history)
    history.time_zone("Pacific/Auckland")
    in_auckland = board(app, history)  # START is Tue 3 Mar, 01:00 in Auckland
    assert in_auckland.today == date(2026, 3, 3)
    assert in_auckland.streak == services.Streak(3, today_active=True, capped=False)

    in_utc = make_history("utc@example.org")
    active_around_midnight_in_auckland(in_utc)
    assert board(app, in_utc).streak == services.Streak(4, today_active=True, capped=False)


def test_a_streak_lasts_through_today_until_a_day_is_missed(app: Flask, history: History) -> None:
    active_around_midnight_in_auckland(history)
    history.time_zone("Pacific/Auckland")
    next_day = board(app, history, START + timedelta(days=1))  # Wed 4 Mar local, nothing yet
    assert next_day.streak == services.Streak(3, today_active=False, capped=False)
    day_after = board(app, history, START + timedelta(days=2))  # Tue 3 Mar was the last
    assert day_after.streak.days == 0


def test_a_streak_longer_than_the_window_is_shown_as_capped(app: Flask, history: History) -> None:
    card = history.cards()[0]
    for days_ago in range(services.STREAK_DAYS + 3):
        history.review(card, GOOD, START - timedelta(days=days_ago))
    assert board(app, history).streak == services.Streak(
        services.STREAK_DAYS, today_active=True, capped=True
    )


def test_the_page_words_the_streak(
    app: Flask,
    history: History,
    learner_client: FlaskClient,
    clock,
    accounts: Accounts,
    learner: User,
) -> None:
    active_around_midnight_in_auckland(history)
    history.time_zone("Pacific/Auckland")
    text = learner_client.get("/progress/").get_data(as_text=True)
    assert "You studied today: 3 days in a row." in text
    clock.advance(days=1)
    accounts.login(learner_client, learner.email)  # a session not kept ends after hours unused
    text = learner_client.get("/progress/").get_data(as_text=True)
    assert "3 days in a row up to yesterday" in text


# --- reviews per day --------------------------------------------------------


def test_reviews_per_day_fall_on_the_learners_days(
    app: Flask, history: History, make_history, learner_client: FlaskClient
) -> None:
    """START is Tue 3 Mar 01:00 in Auckland: the 30 days are Mon 2 Feb to Tue 3 Mar."""
    history.time_zone("Pacific/Auckland")
    card = history.cards()[0]
    for at in (
        utc(2026, 3, 2, 11, 30),  # Tue 3 Mar 00:30: today
        START,  # Tue 3 Mar 01:00: today
        utc(2026, 3, 2, 10, 59, 59),  # Mon 2 Mar 23:59:59
        utc(2026, 2, 1, 11, 0),  # Mon 2 Feb 00:00: the first day
        utc(2026, 2, 1, 10, 59),  # Sun 1 Feb 23:59: before the window
    ):
        history.review(card, GOOD, at)
    make_history("other@example.org").review(card, GOOD, START)

    reviews = board(app, history).reviews
    assert len(reviews) == 30
    assert (reviews[0].day, reviews[-1].day) == (date(2026, 2, 2), date(2026, 3, 3))
    assert {day.day: day.count for day in reviews if day.count} == {
        date(2026, 2, 2): 1,
        date(2026, 3, 2): 1,
        date(2026, 3, 3): 2,
    }

    html = learner_client.get("/progress/").get_data(as_text=True)
    rows = table(html, "Flashcard reviews per day")
    assert rows[0] == ["Day", "Reviews"]
    assert rows[1] == ["Mon 2 Feb", "1"]
    assert rows[-2:] == [["Mon 2 Mar", "1"], ["Today, Tue 3 Mar", "2"]]
    assert "4 reviews in the last 30 days, on 3 days" in html


# --- the due forecast -------------------------------------------------------


def test_the_forecast_counts_cards_due_on_each_local_day(
    app: Flask, history: History, make_history, learner_client: FlaskClient
) -> None:
    """New York, START = Mon 2 Mar 07:00 EST; clocks go forward on Sun 8 Mar.

    The forecast runs from today, Mon 2 Mar, to Tue 31 Mar.
    """
    history.time_zone("America/New_York")
    basics_1, basics_2, basics_3, *_ = history.cards("basics")  # the rest of basics stay new
    technique_1, technique_2 = history.cards("technique")
    when_1, when_2 = history.cards("when")
    due = {
        basics_1: utc(2026, 2, 20, 9),  # overdue: counts today
        basics_2: utc(2026, 3, 3, 4, 59),  # Mon 2 Mar 23:59 EST: today
        basics_3: utc(2026, 3, 3, 5, 0),  # Tue 3 Mar 00:00 EST: tomorrow
        technique_1: utc(2026, 3, 9, 3, 30),  # Sun 8 Mar 23:30 EDT
        technique_2: utc(2026, 3, 9, 4, 30),  # Mon 9 Mar 00:30 EDT (23:30 by EST)
        when_1: utc(2026, 4, 1, 3, 59),  # Tue 31 Mar 23:59 EDT: the last day
        when_2: utc(2026, 4, 1, 4, 0),  # Wed 1 Apr: after the forecast
    }
    for card, at in due.items():
        history.card(card, at)
    make_history("other@example.org").card(basics_3, START)

    (deck,) = board(app, history).decks
    assert len(deck.forecast) == 30
    assert deck.forecast[0].day == date(2026, 3, 2)
    assert {day.day: day.count for day in deck.forecast if day.count} == {
        date(2026, 3, 2): 2,
        date(2026, 3, 3): 1,
        date(2026, 3, 8): 1,
        date(2026, 3, 9): 1,
        date(2026, 3, 31): 1,
    }
    assert [(row.topic.key, row.due_today, row.studied) for row in deck.topics] == [
        ("basics", 2, 3),
        ("technique", 0, 2),
        ("when", 0, 2),
    ]
    assert deck.due_today == deck.forecast[0].count == 2

    html = learner_client.get("/progress/").get_data(as_text=True)
    rows = table(html, "Hand hygiene: flashcards due each day")
    assert rows[1] == ["Today, Mon 2 Mar", "2"]
    assert ["Sun 8 Mar", "1"] in rows and ["Mon 9 Mar", "1"] in rows
    assert rows[-1] == ["Tue 31 Mar", "1"]
    assert "Study the 2 cards due today" in html

    # A retired card is no longer studied, so it is no longer due.
    with app.app_context():
        db.session.execute(update(Item).where(Item.id == basics_1).values(status=Status.RETIRED))
        db.session.commit()
    (deck,) = board(app, history).decks
    assert deck.forecast[0].count == deck.due_today == 1
