"""Names, filters and globals the templates of every area share."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user

from quizapp.content import markup
from quizapp.models.user import DEFAULT_TIME_ZONE

TYPE_NAMES = {
    "single": "Single answer",
    "multiple": "Multiple answer",
    "truefalse": "True/false",
    "fillin": "Fill-in",
    "numeric": "Numeric",
    "qa": "Flashcard",
    "cloze": "Cloze flashcard",
}
TYPE_HINTS = {
    "single": "One correct option among several.",
    "multiple": "Several correct options; partial credit.",
    "truefalse": "A statement to judge.",
    "fillin": "A short typed answer, with accepted alternatives.",
    "numeric": "A number, with a tolerance and a unit.",
    "qa": "A question on the front, the answer on the back.",
    "cloze": "A sentence with hidden parts to recall.",
}


def answer_text(answer: Any) -> str:
    """A stored answer as a person reads it."""
    if isinstance(answer, bool):
        return "True" if answer else "False"
    if isinstance(answer, list):
        return "; ".join(answer)
    if isinstance(answer, dict):
        tolerance = f" (± {answer['tolerance']:g})" if answer.get("tolerance") else ""
        return f"{answer['value']:g}{tolerance} {answer.get('unit', '')}".strip()
    return str(answer)


def viewer_zone() -> ZoneInfo:
    """The signed-in person's time zone (their account's), UTC for a visitor."""
    name = current_user.time_zone if current_user.is_authenticated else DEFAULT_TIME_ZONE
    return ZoneInfo(name)


def local_time(moment: datetime, fmt: str = "%d %b %Y, %H:%M", zone: ZoneInfo | None = None) -> str:
    """A stored time as the person reading it keeps time, labelled with the zone's
    name: "01 Dec 2026, 14:32 (Europe/Paris)" (abbreviations such as CST are ambiguous).
    A table of many times passes ``zone`` (``viewer_zone()``, read once)."""
    zone = zone or viewer_zone()
    return f"{moment.astimezone(zone).strftime(fmt)} ({zone.key})"


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(type_names=TYPE_NAMES, type_hints=TYPE_HINTS)
    app.jinja_env.filters.update(answer_text=answer_text, local_time=local_time)
    # Item text in its format (``text|rich(format)``): see quizapp.content.markup.
    app.jinja_env.filters.update(
        rich=markup.render, rich_inline=markup.render_inline, plain_text=markup.plain_text
    )
