"""Study forms: a rating, an undo, and the learner's settings."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import FloatField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from quizapp.models import StudySettings
from quizapp.models.user import DEFAULT_TIME_ZONE
from quizapp.web.fields import SelectChoice

# Ids and versions are stored as 32-bit integers; a larger number is a bad request.
MAX_ID = 2**31 - 1
# The database's own limits on the settings (CHECK constraints), in words.
RETENTION_RANGE = f"{StudySettings.MIN_RETENTION:.2f} to {StudySettings.MAX_RETENTION:.2f}"
NEW_PER_DAY_RANGE = f"0 to {StudySettings.MAX_NEW_PER_DAY}"


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
def time_zone_choices() -> list[SelectChoice]:
    return [SelectChoice(zone, zone) for zone in sorted(available_timezones())]


class SettingsForm(FlaskForm):
    # invalid_value_message and invalid_choice_message are new in WTForms 3.3; the stubs cover 3.2.
    desired_retention = FloatField(  # type: ignore[call-arg]
        "Desired retention",
        description=(
            "The share of cards you aim to still remember when they come back, from "
            f"{RETENTION_RANGE}. Higher means more reviews; 0.90 suits most people."
        ),
        validators=[
            InputRequired(message=f"Enter a number from {RETENTION_RANGE}."),
            NumberRange(
                StudySettings.MIN_RETENTION,
                StudySettings.MAX_RETENTION,
                message=f"Choose a number from {RETENTION_RANGE}.",
            ),
        ],
        invalid_value_message="That is not a number.",
        render_kw={"step": "0.01"},
    )
    new_per_day = IntegerField(  # type: ignore[call-arg]
        "New cards per day",
        description="How many cards you see for the first time each day (0 pauses new cards).",
        validators=[
            InputRequired(message=f"Enter a whole number from {NEW_PER_DAY_RANGE}."),
            NumberRange(
                0,
                StudySettings.MAX_NEW_PER_DAY,
                message=f"Choose a whole number from {NEW_PER_DAY_RANGE}.",
            ),
        ],
        invalid_value_message="That is not a whole number.",
    )
    time_zone = SelectField(  # type: ignore[call-arg]
        "Time zone",
        description=(
            "Every page shows times in this zone, and your day (so the daily limit "
            "of new cards) starts at its midnight."
        ),
        choices=time_zone_choices,
        default=DEFAULT_TIME_ZONE,
        invalid_choice_message="Choose a time zone from the list.",
    )
