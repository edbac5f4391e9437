"""The ``quizapp`` command: Flask's CLI bound to the app factory, plus ``serve``.

Each area adds its own command group (``quizapp user``, ...) in its ``init_app``;
see :mod:`quizapp.cli_groups` for how each command is one unit of work.
"""

from __future__ import annotations

import click
from flask import current_app, url_for
from flask.cli import FlaskGroup
from flask_migrate import upgrade
from werkzeug.serving import run_simple

from quizapp import create_app
from quizapp.auth import services as accounts
from quizapp.bank import services as bank
from quizapp.database import commit_early


@click.group(cls=FlaskGroup, create_app=create_app, help="Run and manage quizapp.")
def cli() -> None:
    pass


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Upgrade the database, load the bundled bank into an empty one, then serve.

    For several workers in production, run ``quizapp db upgrade`` once and then
    gunicorn with ``quizapp.wsgi:app`` (see README).
    """
    upgrade()
    loaded = bank.load_bundled_if_empty()
    if loaded:
        click.echo(f"Loaded the bundled question bank. {loaded}")
    if not accounts.instructor_exists():
        token = accounts.issue_setup_token()
        minutes = current_app.config["SETUP_TOKEN_MAX_AGE_MINUTES"]
        base = f"http://{host}:{port}"
        with current_app.test_request_context(base_url=base):
            link = url_for("auth.setup", token=token, _external=True)
        click.secho("No instructor account exists yet. To create the first one, open:", bold=True)
        click.secho(f"  {link}", fg="green")
        click.echo(f"(The link works once and expires in {minutes} minutes.)")
    # Serving lasts until the process stops: save the setup first, and leave the
    # session to the requests (each is its own unit of work).
    commit_early()
    # app.run() does nothing under the flask CLI, so start Werkzeug's server directly
    # (on the app's own WSGI callable, not on the context-local proxy).
    run_simple(host, port, current_app.wsgi_app, threaded=True)


if __name__ == "__main__":
    cli()
