from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from quizapp.auth.forms import strip


class ClassroomForm(FlaskForm):
    name = StringField(
        "Class name",
        filters=[strip],
        description="Learners see it when they join, e.g. “Oncology nursing, spring cohort”.",
        validators=[DataRequired(), Length(max=120)],
    )
    submit = SubmitField("Create class")


class JoinForm(FlaskForm):
    code = StringField(
        "Join code",
        filters=[strip],
        description="Your instructor gives it to you, e.g. ABCDE-FGHJK.",
        validators=[DataRequired(), Length(max=40)],
    )
    submit = SubmitField("Join class")
