"""The form an instructor sets an assignment with."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError
from wtforms.widgets import NumberInput

from quizapp.auth.forms import known_zones, strip
from quizapp.models import FeedbackTiming
from quizapp.quiz.forms import CheckboxesField, feedback_field
from quizapp.quiz.services import MAX_LENGTH

MAX_ATTEMPTS = 20
TIME_FORMAT = "%Y-%m-%dT%H:%M"


class AssignmentForm(FlaskForm):
    title = StringField(
        "Title",
        filters=[strip],
        validators=[DataRequired("Give the assignment a title."), Length(max=120)],
    )
    deck = SelectField("Deck", coerce=int)
    topics = CheckboxesField(  # type: ignore[call-arg]
        "Topics",
        coerce=int,
        description="Tick the topics to draw from, or none for every topic.",
        invalid_choice_message="Choose among the topics listed.",
        invalid_value_message="Choose among the topics listed.",
    )
    questions = SelectMultipleField(  # type: ignore[call-arg]
        "Hand-picked questions",
        coerce=int,
        description="Optional: pick questions (Ctrl or ⌘ to pick several) to ask exactly "
        "these, in this order, instead of drawing from the topics.",
        invalid_choice_message="Choose among the published questions listed.",
        invalid_value_message="Choose among the published questions listed.",
    )
    length = IntegerField(
        "Number of questions",
        default=10,
        description=f"From 1 to {MAX_LENGTH}; ignored when questions are hand-picked.",
        widget=NumberInput(min=1, max=MAX_LENGTH),
        validators=[
            DataRequired(f"Choose from 1 to {MAX_LENGTH} questions."),
            NumberRange(1, MAX_LENGTH, f"Choose from 1 to {MAX_LENGTH} questions."),
        ],
    )
    opens = DateTimeLocalField(
        "Opens at",
        format=TIME_FORMAT,
        validators=[DataRequired("Give the opening date and time.")],
    )
    closes = DateTimeLocalField(
        "Closes at",
        format=TIME_FORMAT,
        validators=[DataRequired("Give the closing date and time.")],
    )
    time_zone = StringField(
        "Time zone of these times",
        filters=[strip],
        description="An IANA zone such as Europe/Paris; it becomes the class's zone.",
        validators=[DataRequired("Give the time zone.")],
    )
    attempts = IntegerField(
        "Attempts allowed",
        default=1,
        widget=NumberInput(min=1, max=MAX_ATTEMPTS),
        validators=[
            DataRequired(f"Allow from 1 to {MAX_ATTEMPTS} attempts."),
            NumberRange(1, MAX_ATTEMPTS, f"Allow from 1 to {MAX_ATTEMPTS} attempts."),
        ],
    )
    feedback = feedback_field("When learners see the answers", FeedbackTiming.END)
    late_allowed = BooleanField(
        "Accept late work (learners may start after the close; it is marked late)",
        default=True,
    )

    def validate_time_zone(self, field: StringField) -> None:
        if field.data not in known_zones():
            raise ValidationError("Give a time zone such as Europe/Paris or America/New_York.")
