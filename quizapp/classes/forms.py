from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from quizapp.auth.forms import strip
from quizapp.classes.services import name_taken

NAME_DESCRIPTION = "Learners see it when they join, e.g. “Oncology nursing, spring cohort”."


class ClassroomForm(FlaskForm):
    name = StringField(
        "Class name",
        filters=[strip],
        description=NAME_DESCRIPTION,
        validators=[DataRequired(), Length(max=120)],
    )
    submit = SubmitField("Create class")

    def validate_name(self, field: StringField) -> None:
        if name_taken(field.data or "", current_user.id):
            raise ValidationError("You already have a class with this name.")


class RenameForm(FlaskForm):
    """A class's new name; names are unique per owner, whoever renames it."""

    name = StringField(
        "Class name",
        filters=[strip],
        description=NAME_DESCRIPTION,
        validators=[DataRequired(), Length(max=120)],
    )

    NAME_TAKEN = "The class's owner already has a class with this name."

    def __init__(self, owner_id: int, classroom_id: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.owner_id, self.classroom_id = owner_id, classroom_id

    def validate_name(self, field: StringField) -> None:
        if name_taken(field.data or "", self.owner_id, other_than=self.classroom_id):
            raise ValidationError(self.NAME_TAKEN)


class CoInstructorForm(FlaskForm):
    email = EmailField(
        "Instructor's email address",
        filters=[strip],
        description="They need an instructor account here already.",
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )


class JoinForm(FlaskForm):
    code = StringField(
        "Join code",
        filters=[strip],
        description="Your instructor gives it to you, e.g. ABCDE-FGHJK.",
        validators=[DataRequired(), Length(max=40)],
    )
    submit = SubmitField("Join class")
