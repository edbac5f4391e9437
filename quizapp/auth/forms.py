"""Account forms; the rules themselves live in ``services`` so the CLI shares them."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from quizapp.auth.services import MAX_PASSWORD_LENGTH, password_problem


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address", filters=[strip], validators=[DataRequired(), Length(max=254)]
    )
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Sign in")


class NewPasswordMixin:
    """``password`` and ``confirm``, checked against the password rules."""

    password = PasswordField(
        "Password",
        description="At least 8 characters. A passphrase of a few words is easy to remember.",
        validators=[DataRequired()],
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )

    def validate_password(self, field: PasswordField) -> None:
        email = getattr(self, "email", None)
        name = getattr(self, "display_name", None)
        problem = password_problem(
            field.data or "",
            email=email.data or "" if email else "",
            name=name.data or "" if name else "",
        )
        if problem:
            raise ValidationError(problem)


class RegisterForm(NewPasswordMixin, FlaskForm):
    display_name = StringField(
        "Your name",
        filters=[strip],
        description=(
            "Shown, with your email address, to the instructors of classes you join. "
            "A first name is enough."
        ),
        validators=[DataRequired(), Length(max=80)],
    )
    email = EmailField(
        "Email address",
        filters=[strip],
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    submit = SubmitField("Create account")


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    submit = SubmitField("Change password")
