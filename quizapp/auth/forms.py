"""Account forms; the rules themselves live in ``services`` so the CLI shares them."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from quizapp.auth.services import MAX_PASSWORD_LENGTH, known_zone, password_problem
from quizapp.auth.services import known_zones as known_zones  # used by assignments


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def email_field() -> EmailField:
    return EmailField(
        "Email address",
        filters=[strip],
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )


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


class NewAccountMixin:
    """What every way of making an account asks: a name, an email address, and the
    browser's time zone (a hidden field filled in by ``static/js/time-zone.js``;
    changed later in the settings). Templates render ``form.time_zone`` and load
    that script."""

    display_name = StringField(
        "Your name",
        filters=[strip],
        description=(
            "Shown, with your email address, to the instructors of classes you join. "
            "A first name is enough."
        ),
        validators=[DataRequired(), Length(max=80)],
    )
    email = email_field()
    time_zone = HiddenField(filters=[known_zone], render_kw={"data-detect-time-zone": ""})


class RegisterForm(NewPasswordMixin, NewAccountMixin, FlaskForm):
    """Registration without mail, and the first instructor's setup page."""

    submit = SubmitField("Create account")


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    submit = SubmitField("Change password")
