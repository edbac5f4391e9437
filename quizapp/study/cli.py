"""``quizapp export ...``: files for other programs. ``export anki`` writes a deck's
flashcards as an Anki package; other areas may add their own exports to the group."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from quizapp.study import services

export_cli = AppGroup("export", help="Export decks and progress to files.")


@export_cli.command("anki")
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
        count = services.write_anki(scope.deck, file, current_app.config["STUDY_CLOCK"]())
    click.echo(f"Wrote {count} cards of {scope.deck.title} to {path}.")
