"""Quiz forms: starting an attempt, one answer form per question type, and the flag."""

from __future__ import annotations

import secrets
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, NumberInput

from quizapp.auth.forms import strip
from quizapp.content import ItemType
from quizapp.models import FeedbackTiming, QuizMode
from quizapp.quiz import grading
from quizapp.quiz.grading import Given, Question
from quizapp.quiz.services import DEFAULT_LENGTH, MAX_LENGTH, MIN_LENGTH
from quizapp.web.fields import SelectChoice, required

EXPIRED = "This form has expired. Please start the quiz again."


def feedback_field(label: str, default: FeedbackTiming) -> RadioField:
    """When answers are shown: a learner's own quiz and an assigned one ask the same."""
    return RadioField(  # type: ignore[call-arg]
        label,
        default=default.value,
        choices=[
            SelectChoice(FeedbackTiming.EACH.value, "After each answer"),
            SelectChoice(FeedbackTiming.END.value, "At the end"),
        ],
        validators=[DataRequired("Choose when to show the answers.")],
        invalid_choice_message="Choose one of the options listed.",
    )


class FinishForm(FlaskForm):
    """Finish the attempt now; ``confirmed`` is "yes" once the learner has seen how
    many questions are still unanswered (the confirm page sends it)."""

    confirmed = HiddenField()


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def new_start_token() -> str:
    return secrets.token_urlsafe(16)


class QuickStartForm(FlaskForm):
    """A start button. Its token, fresh on every page, makes a double click start one quiz."""

    token = HiddenField(
        default=new_start_token, validators=[Regexp(r"^[A-Za-z0-9_-]{16,64}$", message=EXPIRED)]
    )


# The choice fields' invalid_choice_message and invalid_value_message are new in
# WTForms 3.3; the stubs cover 3.2, hence the narrow ignores below.
class StartForm(QuickStartForm):
    topics = CheckboxesField(  # type: ignore[call-arg]
        "Topics",
        coerce=int,
        description="Tick the topics you want, or none for every topic.",
        invalid_choice_message="Choose among the topics listed.",
        invalid_value_message="Choose among the topics listed.",
    )
    length = IntegerField(
        "Number of questions",
        default=DEFAULT_LENGTH,
        description=f"From {MIN_LENGTH} to {MAX_LENGTH}.",
        widget=NumberInput(min=MIN_LENGTH, max=MAX_LENGTH),
        validators=[
            DataRequired(f"Choose from {MIN_LENGTH} to {MAX_LENGTH} questions."),
            NumberRange(
                MIN_LENGTH, MAX_LENGTH, f"Choose from {MIN_LENGTH} to {MAX_LENGTH} questions."
            ),
        ],
    )
    mode = RadioField(  # type: ignore[call-arg]
        "Which questions",
        default=QuizMode.ALL.value,
        choices=[
            SelectChoice(QuizMode.ALL.value, "All questions"),
            SelectChoice(QuizMode.NEW.value, "New to me: questions I have not answered yet"),
            SelectChoice(QuizMode.WRONG.value, "Ones I got wrong: my last answer was not right"),
            SelectChoice(QuizMode.WEAKEST.value, "My weakest topics first"),
        ],
        validators=[DataRequired("Choose which questions to ask.")],
        invalid_choice_message="Choose one of the options listed.",
    )
    feedback = feedback_field("When to show the answers", FeedbackTiming.EACH)


def _labels(field: SelectMultipleField | RadioField) -> dict[str, str]:
    """Option texts by the value the page sends for them."""
    return {value: label for value, label, _selected, _render_kw in field.iter_choices()}


class AnswerForm(FlaskForm):
    """The answer control of one question type; ``given`` reads it in grading's shape."""

    answer: Any

    def given(self) -> Given:
        return self.answer.data  # type: ignore[no-any-return]


class SingleAnswerForm(AnswerForm):
    # Each option's value is its position on the page, never its place in the
    # bank, so the markup does not give away which option was written first.
    answer = RadioField(  # type: ignore[call-arg]
        "Your answer",
        validators=[DataRequired("Choose an answer.")],
        invalid_choice_message="Choose one of the answers shown.",
    )

    def given(self) -> Given:
        return _labels(self.answer)[self.answer.data]


class MultipleAnswerForm(AnswerForm):
    answer = CheckboxesField(  # type: ignore[call-arg]
        "Your answers",
        description="Tick every answer that is right. A wrong tick costs points.",
        validators=[DataRequired("Tick at least one answer.")],
        invalid_choice_message="Choose among the answers shown.",
    )

    def given(self) -> Given:
        labels = _labels(self.answer)
        ticked = self.answer.data or []
        return [labels[value] for value in labels if value in ticked]


class TrueFalseForm(AnswerForm):
    answer = RadioField(  # type: ignore[call-arg]
        "Your answer",
        choices=[SelectChoice("true", "True"), SelectChoice("false", "False")],
        validators=[DataRequired("Choose True or False.")],
        invalid_choice_message="Choose True or False.",
    )

    def given(self) -> Given:
        return self.answer.data == "true"  # type: ignore[no-any-return]


class FillInForm(AnswerForm):
    answer = StringField(
        "Your answer",
        description="A few words. Capitals, accents and punctuation do not matter.",
        filters=[strip],
        validators=[DataRequired("Type an answer."), Length(max=200)],
    )


class NumericForm(AnswerForm):
    # Text, not type=number: browsers refuse "4,0" or a typed unit there and
    # send nothing, where the learner should get a message instead.
    answer = StringField(
        "Your answer",
        filters=[strip],
        render_kw={"inputmode": "decimal"},
        validators=[DataRequired("Type a number."), Length(max=50)],
    )
    unit = ""

    def validate_answer(self, field: StringField) -> None:
        try:
            grading.read_number(required(field), self.unit)
        except grading.AnswerError as error:
            raise ValidationError(str(error)) from None


ANSWER_FORMS: dict[ItemType, type[AnswerForm]] = {
    ItemType.SINGLE: SingleAnswerForm,
    ItemType.MULTIPLE: MultipleAnswerForm,
    ItemType.TRUEFALSE: TrueFalseForm,
    ItemType.FILLIN: FillInForm,
    ItemType.NUMERIC: NumericForm,
}


def answer_form(question: Question, options: list[str]) -> AnswerForm:
    """The form for ``question``, its options in the order the attempt shows them."""
    form = ANSWER_FORMS[question.type]()
    if question.type.has_options:
        form.answer.choices = [
            SelectChoice(str(position), text) for position, text in enumerate(options)
        ]
    if isinstance(form, NumericForm):
        form.unit = question.unit
        unit = f"Unit: {question.unit}. " if question.unit else ""
        form.answer.description = f"{unit}Write a number such as 4 or 4.5 (4,5 works too)."
    return form


class FlagForm(FlaskForm):
    comment = TextAreaField(
        "What looks wrong?",
        filters=[strip],
        description="For example: the answer marked right is wrong, or the question is unclear.",
        validators=[DataRequired("Say briefly what looks wrong."), Length(max=1000)],
    )
