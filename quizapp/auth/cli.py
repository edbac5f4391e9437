"""``quizapp user ...``: accounts from the command line (the operator's tools)."""

from __future__ import annotations

import sys

import click
from flask import current_app, url_for
from sqlalchemy import select

from quizapp.account import services as lifecycle
from quizapp.auth import services as accounts
from quizapp.cli_groups import Group
from quizapp.extensions import db
from quizapp.models import Role, User

ROLE_CHOICE = click.Choice([role.value for role in Role])


user_cli = Group("user", help="Create and manage accounts.")


def _read_password() -> str:
    """Ask on a terminal; read one line from standard input when it is piped."""
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


@user_cli.command("create")
@click.argument("email")
@click.option("--role", type=ROLE_CHOICE, default=Role.LEARNER.value, show_default=True)
@click.option("--name", help="Display name (defaults to the part of the email before @).")
def create(email: str, role: str, name: str | None) -> None:
    """Create an account; the password is asked for, or read from standard input."""
    password = _read_password()
    try:
        user = accounts.create_user(email, name or email.split("@")[0], password, role=Role(role))
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role.value} {user.email}.")


@user_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def set_role(email: str, role: str) -> None:
    """Make an account a learner or an instructor."""
    user = db.session.scalar(User.by_email(email))
    if user is None:
        raise click.ClickException(f"No account with the email address {email}.")
    user.role = Role(role)
    click.echo(f"{user.email} is now a {role}.")


@user_cli.command("list")
def list_users() -> None:
    """List every account with its role."""
    users = db.session.scalars(
        select(User).where(~User.is_placeholder).order_by(User.role, User.email)
    ).all()
    if not users:
        click.echo("No accounts yet.")
    for user in users:
        joined = user.created_at.strftime("%Y-%m-%d")
        click.echo(f"{user.role.value:<10} {user.email:<40} {user.display_name}  (joined {joined})")


@user_cli.command("reset-link")
@click.argument("email")
@click.option(
    "--base-url",
    help=(
        "The site's address as people open it, e.g. https://quiz.example.org "
        "(default: QUIZAPP_BASE_URL, else http://127.0.0.1:5000)."
    ),
)
def reset_link(email: str, base_url: str | None) -> None:
    """Print a one-time password reset link for an account, to hand to its owner."""
    user = db.session.scalar(User.by_email(email))
    if user is None:
        raise click.ClickException(f"No account with the email address {email}.")
    try:
        token = lifecycle.issue_reset_link(user)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    base_url = base_url or current_app.config["BASE_URL"] or "http://127.0.0.1:5000"
    with current_app.test_request_context(base_url=base_url):
        link = url_for("account.reset", token=token, _external=True)
    minutes = lifecycle.link_minutes()
    click.echo(f"Password reset link for {user.email} (works once, for {minutes} minutes):")
    click.echo(link)
