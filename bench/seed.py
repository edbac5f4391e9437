"""``python -m bench.seed``: a large database for the load benchmark.

Run from the checkout (``DATABASE_URL`` names the database). It lives here and
not in the ``quizapp`` command, so an installed quizapp cannot make accounts
with a shared password in a database people use.
"""

from __future__ import annotations

import random
import secrets
import time

import click
from flask.cli import ScriptInfo
from flask_migrate import upgrade

from bench import seeding
from quizapp import clock, create_app
from quizapp.auth.services import hash_password
from quizapp.bank import services as bank
from quizapp.cli_groups import command
from quizapp.database import commit_early


@command("seed", help="Fill an empty database for the load benchmark (see bench/README.md).")
@click.option("--learners", type=click.IntRange(1, 1_000_000), default=10_000, show_default=True)
@click.option(
    "--reviews",
    type=click.IntRange(0, 100_000_000),
    default=1_000_000,
    show_default=True,
    help="Flashcard ratings in all, spread over the learners.",
)
@click.option(
    "--attempts",
    type=click.IntRange(0, 10_000_000),
    default=20_000,
    show_default=True,
    help="Quiz attempts in all, of ten questions each.",
)
@click.option("--class-size", type=click.IntRange(1, 100_000), default=500, show_default=True)
@click.option(
    "--questions",
    type=click.IntRange(1, 100_000),
    default=200,
    show_default=True,
    help="Distinct questions the attempts draw from.",
)
@click.option("--random-seed", type=int, default=8, show_default=True)
@click.option(
    "--password",
    envvar="QUIZAPP_BENCH_PASSWORD",
    help="Every seeded account's password [env QUIZAPP_BENCH_PASSWORD; default: a new random one].",
)
def seed(
    learners: int,
    reviews: int,
    attempts: int,
    class_size: int,
    questions: int,
    random_seed: int,
    password: str | None,
) -> None:
    """Fill an empty database with learners, classes, flashcard history and quiz attempts.

    Upgrades the database and loads the bundled bank first, as `quizapp serve` does.
    """
    upgrade()
    if bank.load_bundled_if_empty():
        commit_early()  # the bank stays loaded even if seeding is refused
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    size = seeding.Size(learners, reviews, attempts, class_size, questions)
    started = time.perf_counter()
    try:
        rng = random.Random(random_seed)
        seeded = seeding.seed(size, hash_password(password), clock.now(), rng)
    except (seeding.AlreadySeeded, LookupError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Seeded {seeded} in {time.perf_counter() - started:.1f} s.")
    said = f"the password {password}" if generated else "the password you gave"
    click.echo(
        f"Sign in as {seeding.INSTRUCTOR_EMAIL} or {seeding.learner_email(1)} to "
        f"{seeding.learner_email(learners)}, with {said}."
    )


if __name__ == "__main__":
    seed(obj=ScriptInfo(create_app=create_app))
