"""Forms of the account pages; the rules live in ``services`` and ``deletion``."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from quizapp.auth.forms import NewAccountMixin, NewPasswordMixin, email_field, strip
from quizapp.auth.services import MAX_PASSWORD_LENGTH


class ForgotForm(FlaskForm):
    email = email_field()
    submit = SubmitField("Send me a link")


class ResetForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField("Set the new password")


class ProfileForm(FlaskForm):
    display_name = StringField(
        "Your name",
        filters=[strip],
        description="Shown, with your email address, to the instructors of classes you join.",
        validators=[DataRequired(), Length(max=80)],
    )
    email = email_field()
    current_password = PasswordField(
        "Current password",
        description="Needed only to change your email address.",
        validators=[Length(max=MAX_PASSWORD_LENGTH)],
    )
    submit = SubmitField("Save")


class DeleteForm(FlaskForm):
    password = PasswordField(
        "Your password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    submit = SubmitField("Delete my account")


class EmailRegisterForm(NewAccountMixin, FlaskForm):
    """Registration while mail is configured: the password is chosen from the link."""

    submit = SubmitField("Send me a link")


class FinishRegistrationForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField("Create account")
