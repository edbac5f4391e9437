"""Forms more than one area uses."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for plain POST buttons such as sign out."""

    submit = SubmitField("Submit")
