"""``quizapp bank ...``: check, load and export the question bank."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click
import yaml
from flask.cli import AppGroup

from quizapp import content
from quizapp.bank import services
from quizapp.extensions import db

bank_cli = AppGroup("bank", help="Check, load and export the question bank.")

PATH_ARGUMENT = click.argument(
    "path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)


def _read(path: Path | None) -> content.Bank:
    """The checked bank, or exit 1 after printing every problem as file:line: reason."""
    try:
        return content.read_bank(path or services.bank_path())
    except content.BankError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s); nothing was loaded.", err=True)
        sys.exit(1)


def _summary(bank: content.Bank) -> str:
    facts = sum(len(deck.facts) for deck in bank.decks)
    types = Counter(item.type.value for item in bank.items)
    by_type = ", ".join(f"{types[t.value]} {t.value}" for t in content.ItemType)
    return f"{len(bank.decks)} deck(s), {facts} facts, {len(bank.items)} items ({by_type})"


@bank_cli.command("check")
@PATH_ARGUMENT
@click.option(
    "--seeds",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of the source documents: also check every quote is found in them verbatim.",
)
def check(path: Path | None, seeds: Path | None) -> None:
    """Validate the bank (default: the bundled questions/ folder)."""
    bank = _read(path)
    if seeds:
        problems = [p for deck in bank.decks for p in content.quote_problems(deck, seeds)]
        for problem in problems:
            click.echo(str(problem), err=True)
        if problems:
            sys.exit(1)
    click.echo(f"OK: {_summary(bank)}.")


@bank_cli.command("load")
@PATH_ARGUMENT
def load(path: Path | None) -> None:
    """Load the bank into the database in one transaction, updating items by id."""
    bank = _read(path)
    report = services.store(bank)
    db.session.commit()
    click.echo(f"Loaded {_summary(bank)}. {report}")


@bank_cli.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "yaml"]), default="json", show_default=True
)
@click.option(
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="File to write (default: stdout).",
)
def export(fmt: str, output: click.utils.LazyFile) -> None:
    """Write the whole stored bank: sources, facts and items."""
    data = services.export()
    if fmt == "json":
        json.dump(data, output, ensure_ascii=False, indent=2)
        output.write("\n")
    else:
        yaml.safe_dump(data, output, allow_unicode=True, sort_keys=False, width=100)
