"""Account pages: forgot and reset a password, name and email, delete the account,
download my data; an instructor's reset link for a learner; registration by email."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from quizapp import clock
from quizapp.account import bp, deletion, export, mail
from quizapp.account import services as lifecycle
from quizapp.account.forms import (
    DeleteForm,
    EmailRegisterForm,
    FinishRegistrationForm,
    ForgotForm,
    ProfileForm,
    ResetForm,
)
from quizapp.auth import sessions
from quizapp.auth.limits import guess_limits, link_limits, recovery_limits
from quizapp.auth.services import AccountError, create_user
from quizapp.extensions import db
from quizapp.models import User
from quizapp.security import instructor_required
from quizapp.web.fields import add_error, required
from quizapp.web.forms import EmptyForm

FORGOT_SENT = (
    "If an account uses this address, we have sent it a link to choose a new password. "
    "The link works once, within {minutes} minutes."
)
CHECK_EMAIL = (
    "Check your email to finish: we have sent a message to this address. "
    "If nothing arrives within a few minutes, look in your spam folder."
)


def _page(template: str, form: FlaskForm, **context: object) -> tuple[str, int]:
    """A form page: 400 when the form came back with errors."""
    return render_template(template, form=form, **context), 400 if form.errors else 200


def _shown_reset_url(token: str) -> str:
    """A reset link shown on the instructor's own page: on ``QUIZAPP_BASE_URL`` when
    set, else on the address the instructor opened (emailed links always use the
    setting: ``mail.link``)."""
    if current_app.config["BASE_URL"]:
        return mail.link("account.reset", token=token)
    return url_for("account.reset", token=token, _external=True)


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    form = ProfileForm(display_name=current_user.display_name, email=current_user.email)
    return _page("account/index.html", form)


@bp.route("/profile", methods=["POST"])
@login_required
@guess_limits
def profile() -> ResponseReturnValue:
    """Change the name, or the email address (confirmed by the current password)."""
    form = ProfileForm()
    if form.validate_on_submit():
        old_email = current_user.email
        try:
            moved = lifecycle.update_profile(
                current_user,
                required(form.display_name),
                required(form.email),
                form.current_password.data or "",
            )
        except AccountError as error:
            form.form_errors.append(str(error))
        else:
            if moved and mail.configured():
                mail.send(
                    old_email,
                    "Your quizapp email address was changed",
                    "account/email/email_changed.txt",
                    new_email=current_user.email,
                )
            flash("Your email address has been changed." if moved else "Saved.", "success")
            return redirect(url_for("account.index"), 303)
    return render_template("account/index.html", form=form), 400


@bp.route("/forgot", methods=["GET", "POST"])
@recovery_limits
def forgot() -> ResponseReturnValue:
    """Ask for a reset link by email; the answer is the same for any address."""
    if not mail.configured():
        return render_template("account/forgot.html", form=None)
    form = ForgotForm()
    if form.validate_on_submit():
        user = db.session.scalar(User.by_email(required(form.email)))
        if user is not None and not user.is_placeholder:
            token = lifecycle.issue_reset_link(user)
            mail.send(
                user.email,
                "Choose a new quizapp password",
                "account/email/reset.txt",
                name=user.display_name,
                link=mail.link("account.reset", token=token),
                minutes=lifecycle.link_minutes(),
            )
        flash(FORGOT_SENT.format(minutes=lifecycle.link_minutes()), "info")
        return redirect(url_for("account.forgot"), 303)
    return _page("account/forgot.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@link_limits
def reset(token: str) -> ResponseReturnValue:
    """Choose a new password through a reset link."""
    if lifecycle.valid_reset(token) is None:
        return render_template("account/link_used.html", message=lifecycle.LINK_USED), 404
    form = ResetForm()
    if form.validate_on_submit():
        try:
            lifecycle.reset_password(token, required(form.password))
        except AccountError as error:
            add_error(form.password, str(error))
        else:
            sessions.sign_out()  # whoever was signed in on this browser before
            flash("Your password has been changed and every device signed out. Sign in.", "success")
            return redirect(url_for("auth.login"), 303)
    return _page("account/reset.html", form)


@bp.route("/learners/<int:learner_id>/reset-link", methods=["POST"])
@instructor_required
def learner_reset_link(learner_id: int) -> ResponseReturnValue:
    """An instructor makes a reset link for a learner of one of their classes,
    to hand over in person (for installations without mail)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    learner = lifecycle.learner_of(current_user.id, learner_id)
    if learner is None:
        abort(403)
    token = lifecycle.issue_reset_link(learner)
    return render_template(
        "account/reset_link.html",
        learner=learner,
        link=_shown_reset_url(token),
        minutes=lifecycle.link_minutes(),
    )


@bp.route("/delete", methods=["GET", "POST"])
@login_required
@guess_limits
def delete() -> ResponseReturnValue:
    form = DeleteForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            deletion.check_deletable(user, required(form.password))
        except AccountError as error:
            add_error(form.password, str(error))
        else:
            sessions.sign_out()  # this browser: its session row and both cookies
            deletion.delete_account(user)
            flash("Your account and your personal data have been deleted.", "info")
            return redirect(url_for("main.home"), 303)
    return _page("account/delete.html", form)


@bp.route("/my-data.zip")
@login_required
def download() -> Response:
    now = clock.now()
    return Response(
        export.write_zip(current_user.id, now),
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="quizapp-my-data-{now:%Y-%m-%d}.zip"'
        },
    )


def register_by_email() -> ResponseReturnValue:
    """Registration while mail is configured (called by ``auth.register``).

    Every address gets the same answer, "check your email": a new one a link to
    choose a password (the account is made then), a registered one a note that
    someone tried to register with it. The name the sender typed is not put in
    the message: the address is not proven yet, and the mail must not carry
    a stranger's text to it.
    """
    form = EmailRegisterForm()
    if form.validate_on_submit():
        email, name = User.normalise_email(required(form.email)), required(form.display_name)
        if lifecycle.email_taken(email):
            mail.send(
                email,
                "Someone tried to register with your address",
                "account/email/already_registered.txt",
                login=mail.link("auth.login"),
                forgot=mail.link("account.forgot"),
            )
        else:
            token = lifecycle.registration_token(email, name, required(form.time_zone))
            mail.send(
                email,
                "Finish creating your quizapp account",
                "account/email/register.txt",
                link=mail.link("account.welcome", token=token),
                minutes=lifecycle.link_minutes(),
            )
        flash(CHECK_EMAIL, "info")
        return redirect(url_for("auth.register"), 303)
    return _page("account/register.html", form)


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str) -> ResponseReturnValue:
    """The link of a registration by email: choose a password, and the account is made."""
    found = lifecycle.read_registration(token)
    if found is None:
        return render_template("account/link_used.html", message=lifecycle.LINK_USED), 404
    email, name, zone = found
    form = FinishRegistrationForm()
    if form.validate_on_submit():
        try:
            create_user(email, name, required(form.password), time_zone=zone)
        except AccountError as error:
            add_error(form.password, str(error))
        else:
            flash("Your account is ready. Sign in with your email address and password.", "success")
            return redirect(url_for("auth.login"), 303)
    return _page("account/welcome.html", form, email=email, name=name)
