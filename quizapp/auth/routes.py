"""Register, sign in, sign out, change password, and the first instructor's setup link."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from quizapp import clock
from quizapp.auth import bp
from quizapp.auth import services as accounts
from quizapp.auth.forms import ChangePasswordForm, RegisterForm, SignInForm
from quizapp.extensions import limiter
from quizapp.models import User
from quizapp.security import guessing_limit
from quizapp.web.fields import add_error, required
from quizapp.web.forms import EmptyForm

SIGN_IN_FAILED = "That email address and password do not match an account."


def _submitted_email() -> str:
    return User.normalise_email(request.form.get("email", ""))


def _safe_next(target: str | None) -> str:
    """Follow ``next`` only to a path on this site, never to another host."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
        ):
            return target
    return url_for("main.home")


def _form_page(template: str, form: FlaskForm) -> tuple[str, int]:
    """The form's page: 400 when it was sent back with errors, so clients can tell."""
    return render_template(template, form=form), 400 if form.errors else 200


def _start_session(user: User, remember: bool = False) -> None:
    """A fresh session on sign-in, so nothing set before it (a planted id) carries over."""
    session.clear()
    login_user(user, remember=remember)
    user.last_login_at = clock.now()


@bp.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                required(form.email), required(form.display_name), required(form.password)
            )
        except accounts.AccountError as error:
            add_error(form.email, str(error))
        else:
            _start_session(user)
            flash("Welcome! Your account is ready.", "success")
            return redirect(url_for("main.home"))
    return _form_page("auth/register.html", form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(guessing_limit, methods=["POST"])
@limiter.limit(guessing_limit, methods=["POST"], key_func=_submitted_email)
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(required(form.email), required(form.password))
        if user is not None:
            _start_session(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append(SIGN_IN_FAILED)
    return _form_page("auth/login.html", form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    if EmptyForm().validate_on_submit():
        logout_user()
        session.clear()
        flash("You have signed out.", "info")
    return redirect(url_for("main.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user, required(form.current_password), required(form.password)
            )
        except accounts.AccountError as error:
            add_error(form.current_password, str(error))
        else:
            _start_session(current_user._get_current_object())
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("main.home"))
    return _form_page("auth/password.html", form)


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str) -> ResponseReturnValue:
    """The one-time link ``quizapp serve`` prints while no instructor exists."""
    setup_token = accounts.valid_setup_token(token)
    if setup_token is None:
        abort(404)
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.redeem_setup_token(
                setup_token,
                required(form.email),
                required(form.display_name),
                required(form.password),
            )
        except accounts.AccountError as error:  # the 400 page undoes the spent token
            add_error(form.email, str(error))
        else:
            _start_session(user)
            flash("Your instructor account is ready. The setup link no longer works.", "success")
            return redirect(url_for("main.home"))
    return _form_page("auth/setup.html", form)
