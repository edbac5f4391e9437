"""``quizapp export anki``: a deck's flashcards as an Anki package (the ``export``
group is shared; :func:`quizapp.study.init_app` adds this command to it)."""

from __future__ import annotations

from pathlib import Path

import click

from quizapp import clock
from quizapp.cli_groups import command
from quizapp.study import services


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
