"""Study forms: a rating, an undo, and the learner's settings."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import FloatField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from quizapp.models import StudySettings

# Ids and versions are stored as 32-bit integers; a larger number is a bad request.
MAX_ID = 2**31 - 1


def _hidden_number(minimum: int = 0) -> IntegerField:
    return IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(minimum, MAX_ID)]
    )


class RatingForm(FlaskForm):
    """The card on screen (``item_id``) at the version it was shown (``token``); the
    pressed button sends ``rating``. ``shown_at`` (ms since the epoch) times the review."""

    item_id = _hidden_number(minimum=1)
    token = _hidden_number()
    shown_at = IntegerField(widget=HiddenInput(), validators=[Optional()])
    rating = IntegerField(validators=[InputRequired(), NumberRange(1, 4)])


class UndoForm(FlaskForm):
    review_id = _hidden_number(minimum=1)


@cache
def time_zone_choices() -> list[str]:
    return sorted(available_timezones())


class SettingsForm(FlaskForm):
    desired_retention = FloatField(
        "Desired retention",
        description=(
            "The share of cards you aim to still remember when they come back, from 0.70 to "
            "0.97. Higher means more reviews; 0.90 suits most people."
        ),
        validators=[
            InputRequired(message="Enter a number from 0.70 to 0.97."),
            NumberRange(0.70, 0.97, message="Choose a number from 0.70 to 0.97."),
        ],
        invalid_value_message="That is not a number.",
        render_kw={"step": "0.01"},
    )
    new_per_day = IntegerField(
        "New cards per day",
        description="How many cards you see for the first time each day (0 pauses new cards).",
        validators=[
            InputRequired(message="Enter a whole number from 0 to 9999."),
            NumberRange(0, 9999, message="Choose a whole number from 0 to 9999."),
        ],
        invalid_value_message="That is not a whole number.",
    )
    time_zone = SelectField(
        "Time zone",
        description="Your day, and so the daily limit of new cards, starts at midnight here.",
        choices=time_zone_choices,
        default=StudySettings.DEFAULT_TIME_ZONE,
        invalid_choice_message="Choose a time zone from the list.",
    )
