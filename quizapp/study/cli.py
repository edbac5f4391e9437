"""``quizapp study optimize`` (FSRS parameters fitted to the review log) and
``quizapp export anki`` (a deck as an Anki package; the ``export`` group is
shared). :func:`quizapp.study.init_app` adds both."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from quizapp import clock
from quizapp.cli_groups import Group, command
from quizapp.extensions import db
from quizapp.models import Deck, User
from quizapp.study import optimizer, services
from quizapp.study.services import parameters

study_cli = Group("study", help="Flashcard scheduling.")


@command("anki")
@click.argument("deck")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (default: DECK.apkg in the current folder).",
)
def anki(deck: str, output: Path | None) -> None:
    """Write the published flashcards of DECK (its slug, e.g. leukopenia) as an .apkg."""
    scope = services.find_scope(deck)
    if scope is None:
        raise click.ClickException(f"No deck {deck!r}. Load the bank first: quizapp bank load.")
    path = output or Path(f"{deck}.apkg")
    with path.open("wb") as file:
        count = services.write_anki(scope.deck, file, clock.now())
    click.echo(f"Wrote {count} cards of {scope.deck.title} to {path}.")


@study_cli.command("optimize")
@click.option("--deck", "slug", help="Only this deck (its slug, e.g. leukopenia).")
@click.option("--user", "email", help="Only this learner's own parameters (their email).")
@click.option(
    "--if-grown",
    is_flag=True,
    help="Only decks and learners whose reviews grew by a fifth since their last fit.",
)
def optimize(slug: str | None, email: str | None, if_grown: bool) -> None:
    """Fit FSRS parameters to the review log: each deck's over all its learners, then
    each learner's own (from MIN_INITIAL usable reviews); print the reviews used, the
    parameters, and log loss and RMSE of the defaults and the fit on held-out reviews."""
    decks = db.session.scalars(
        select(Deck).where(Deck.slug == slug) if slug else select(Deck).order_by(Deck.title)
    ).all()
    if slug and not decks:
        raise click.ClickException(f"No deck {slug!r}. Load the bank first: quizapp bank load.")
    learner = None
    if email:
        learner = db.session.scalar(User.by_email(email))
        if learner is None:
            raise click.ClickException(f"No account {email!r}.")
    now = clock.now()
    for deck in decks:
        learners = [learner] if learner else [None, *parameters.learners_of(deck.id)]
        for who in learners:
            user_id = who.id if who else None
            if if_grown and not parameters.grown(deck.id, user_id):
                continue
            _print(parameters.optimize(deck, who, now))


def _print(report: parameters.Report) -> None:
    whose = f"{report.learner.email} in " if report.learner else ""
    title = f"{whose}{report.deck.title}" + ("" if report.learner else " (all learners)")
    fit = report.fit
    if report.log_rows == 0:
        click.echo(f"{title}: no reviews yet.")
        return
    if fit is None:
        click.echo(
            f"{title}: {report.log_rows:,} ratings, too few usable reviews to fit "
            f"(needs {optimizer.MIN_INITIAL}); the previous parameters stay."
        )
        return
    changed = "all 21 parameters" if fit.extent is optimizer.Extent.FULL else "w0-w3 only"
    click.echo(
        f"{title}: {fit.reviews:,} reviews used ({report.log_rows:,} ratings read, "
        f"{fit.held_out:,} held out for the check), fitted {changed}"
    )
    click.echo("  parameters: " + ", ".join(f"{value:g}" for value in fit.parameters))
    if fit.default is None or fit.fitted is None:
        click.echo("  held out: none (too few reviews per learner)")
        return
    click.echo(f"  held out ({fit.held_out:,}):  log loss   RMSE")
    click.echo(f"    defaults       {fit.default.log_loss:8.4f} {fit.default.rmse:7.4f}")
    if fit.base is not None:
        click.echo(f"    deck's         {fit.base.log_loss:8.4f} {fit.base.rmse:7.4f}")
    click.echo(f"    fitted         {fit.fitted.log_loss:8.4f} {fit.fitted.rmse:7.4f}")
    if not report.in_use:
        click.echo("  not used: no better than the parameters that schedule these cards now")
