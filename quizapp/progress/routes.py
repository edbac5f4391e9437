"""The progress page: the signed-in learner's own numbers, and charts of them."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_login import current_user

from quizapp import clock
from quizapp.progress import bp, charts, services
from quizapp.progress.services import Dashboard, DayCount, DeckProgress


@bp.get("/")
def index() -> str:
    board = services.dashboard(current_user.id, clock.now())
    return render_template(
        "progress/index.html",
        board=board,
        forecasts={
            deck.deck.id: charts.bar_chart(forecast_chart(deck, board.today))
            for deck in board.decks
        },
        reviews=charts.bar_chart(reviews_chart(board)),
        scores=charts.dot_chart(scores_chart(board)),
        meter=charts.meter,
        percent=percent,
    )


def percent(fraction: float | None) -> str:
    return "—" if fraction is None else f"{100 * fraction:.0f}%"


def short_day(day: date, today: date) -> str:
    """An axis label: "Today", else "3 Mar"."""
    return "Today" if day == today else f"{day.day} {day:%b}"


def long_day(day: date, today: date) -> str:
    """A table row: "Today, Mon 2 Mar", "Tue 3 Mar"."""
    name = f"{day:%a} {day.day} {day:%b}"
    return f"Today, {name}" if day == today else name


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"


def _busiest(days: list[DayCount], today: date) -> str:
    busiest = max(days, key=lambda day: day.count)
    return f"{long_day(busiest.day, today)} ({busiest.count})"


def forecast_chart(deck: DeckProgress, today: date) -> charts.Chart:
    total = deck.due_in_forecast
    description = f"{_plural(total, 'card')} due in the next {len(deck.forecast)} days"
    description += (
        f": {deck.forecast[0].count} today (overdue ones included); "
        f"the busiest day is {_busiest(deck.forecast, today)}."
        if total
        else "."
    )
    return charts.Chart(
        key=f"forecast-{deck.deck.id}",
        title=f"{deck.deck.title}: flashcards due each day",
        description=description,
        label_heading="Day",
        value_heading="Cards due",
        data=tuple(
            charts.Datum(short_day(day.day, today), day.count, long_day(day.day, today))
            for day in deck.forecast
        ),
    )


def reviews_chart(board: Dashboard) -> charts.Chart:
    total = board.reviews_total
    active = sum(1 for day in board.reviews if day.count)
    description = f"{_plural(total, 'review')} in the last {len(board.reviews)} days"
    description += (
        f", on {_plural(active, 'day')}; the most on {_busiest(board.reviews, board.today)}."
        if total
        else "."
    )
    return charts.Chart(
        key="reviews",
        title="Flashcard reviews per day",
        description=description,
        label_heading="Day",
        value_heading="Reviews",
        data=tuple(
            charts.Datum(short_day(day.day, board.today), day.count, long_day(day.day, board.today))
            for day in board.reviews
        ),
    )


def scores_chart(board: Dashboard) -> charts.Chart:
    scores = board.scores
    description = f"{_plural(len(scores), 'finished quiz', 'finished quizzes')}, oldest first"
    if scores:
        latest, best = scores[-1].percent, max(score.percent for score in scores)
        mean = sum(score.percent for score in scores) / len(scores)
        description += (
            f": the latest scored {latest:.0f}%, the best {best:.0f}%, the average {mean:.0f}%."
        )
    else:
        description += "."
    data = []
    for score in scores:
        local = score.finished_at.astimezone(board.zone)
        data.append(
            charts.Datum(
                f"{local.day} {local:%b}",
                score.percent,
                f"{score.deck}, {local:%a} {local.day} {local:%b %Y, %H:%M} ({board.zone.key})",
                f"{score.percent:.0f}%",
            )
        )
    return charts.Chart(
        key="scores",
        title="Quiz scores over time",
        description=description,
        label_heading="Quiz",
        value_heading="Score",
        data=tuple(data),
        maximum=100,
        unit="%",
    )
