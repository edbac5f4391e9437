"""Register, sign in, sign out, change password, and the first instructor's setup link."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from quizapp import clock
from quizapp.account import mail as account_mail
from quizapp.account.routes import register_by_email
from quizapp.auth import bp, sessions
from quizapp.auth import services as accounts
from quizapp.auth.forms import ChangePasswordForm, RegisterForm, SignInForm
from quizapp.auth.limits import guess_limits, registration_limits, sign_in_limits
from quizapp.models import User
from quizapp.web.fields import add_error, required
from quizapp.web.forms import EmptyForm
from quizapp.web.urls import is_local_path

SIGN_IN_FAILED = "That email address and password do not match an account."


def _safe_next(target: str | None) -> str:
    """Follow ``next`` only to a path on this site, never to another host."""
    return target if target and is_local_path(target) else url_for("main.home")


def _form_page(template: str, form: FlaskForm) -> tuple[str, int]:
    """The form's page: 400 when it was sent back with errors, so clients can tell."""
    return render_template(template, form=form), 400 if form.errors else 200


def _start_session(user: User, remember: bool = False) -> None:
    """A fresh server-side session on sign-in (see quizapp.auth.sessions)."""
    sessions.sign_in(user, remember=remember)
    user.last_login_at = clock.now()


@bp.route("/register", methods=["GET", "POST"])
@registration_limits
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    if account_mail.configured():  # the same answer for new and registered addresses
        return register_by_email()
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                required(form.email),
                required(form.display_name),
                required(form.password),
                time_zone=required(form.time_zone),
            )
        except accounts.AccountError as error:
            add_error(form.email, str(error))
        else:
            _start_session(user)
            flash("Welcome! Your account is ready.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return _form_page("auth/register.html", form)


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limits
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
        sessions.sign_out()
        flash("You have signed out.", "info")
    return redirect(url_for("main.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
@guess_limits
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        this_device = sessions.current()
        remember = this_device is not None and this_device.remember
        try:
            accounts.change_password(
                current_user, required(form.current_password), required(form.password)
            )
        except accounts.AccountError as error:
            add_error(form.current_password, str(error))
        else:
            _start_session(current_user._get_current_object(), remember=remember)
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("main.home"))
    return _form_page("auth/password.html", form)


@bp.get("/sessions")
@login_required
def devices() -> ResponseReturnValue:
    """Where this account is signed in, with a way to end each session."""
    return render_template(
        "auth/sessions.html",
        devices=sessions.of_user(current_user.id),
        this_device=sessions.current(),
    )


@bp.post("/sessions/<int:session_id>/end")
@login_required
def sign_out_device(session_id: int) -> ResponseReturnValue:
    device = sessions.own(current_user.id, session_id)
    if device is None:
        abort(404)
    if device is sessions.current():
        sessions.sign_out()
        flash("You have signed out.", "info")
        return redirect(url_for("main.home"), 303)
    sessions.end(device)
    flash("That device has been signed out.", "success")
    return redirect(url_for("auth.devices"), 303)


@bp.post("/sessions/end-others")
@login_required
def sign_out_other_devices() -> ResponseReturnValue:
    sessions.end_all(current_user.id, keep=sessions.current())
    flash("Every other device has been signed out.", "success")
    return redirect(url_for("auth.devices"), 303)


@bp.post("/sessions/end-all")
@login_required
def sign_out_everywhere() -> ResponseReturnValue:
    user_id = current_user.id
    sessions.sign_out()
    sessions.end_all(user_id)
    flash("You have signed out on every device, this one included.", "info")
    return redirect(url_for("main.home"), 303)


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
                time_zone=required(form.time_zone),
            )
        except accounts.AccountError as error:  # the 400 page undoes the spent token
            add_error(form.email, str(error))
        else:
            _start_session(user)
            flash("Your instructor account is ready. The setup link no longer works.", "success")
            return redirect(url_for("main.home"))
    return _form_page("auth/setup.html", form)
