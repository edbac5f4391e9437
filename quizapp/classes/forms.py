from __future__ import annotations

from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from quizapp.auth.forms import strip
from quizapp.extensions import db
from quizapp.models import Classroom


class ClassroomForm(FlaskForm):
    name = StringField(
        "Class name",
        filters=[strip],
        description="Learners see it when they join, e.g. “Oncology nursing, spring cohort”.",
        validators=[DataRequired(), Length(max=120)],
    )
    submit = SubmitField("Create class")

    def validate_name(self, field: StringField) -> None:
        taken = select(Classroom.id).where(
            Classroom.instructor_id == current_user.id, Classroom.name == field.data
        )
        if db.session.scalar(taken) is not None:
            raise ValidationError("You already have a class with this name.")


class JoinForm(FlaskForm):
    code = StringField(
        "Join code",
        filters=[strip],
        description="Your instructor gives it to you, e.g. ABCDE-FGHJK.",
        validators=[DataRequired(), Length(max=40)],
    )
    submit = SubmitField("Join class")
