"""``quizapp bank ...``: check, load and export the question bank."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import NoReturn

import click
from sqlalchemy import select

from quizapp import content
from quizapp.bank import decks, gate, services
from quizapp.bank.transfer import EXPORT_FORMATS, Defaults, export_text, read_upload, store_import
from quizapp.cli_groups import Group
from quizapp.content.documents import DocumentError, extract_text
from quizapp.content.folder import FolderError, read_deck_files, write_folder
from quizapp.content.lint import lint_deck
from quizapp.content.propose import ProposeError
from quizapp.content.propose.folder import SourceInfo, proposal_folder
from quizapp.extensions import db
from quizapp.models import Deck

bank_cli = Group("bank", help="Check, load and export the question bank.")

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
    _refuse_item_writing_errors(bank)
    click.echo(f"OK: {_summary(bank)}.")


def _refuse_item_writing_errors(bank: content.Bank) -> None:
    """Exit 1 after printing the gate's errors, if any."""
    errors = [
        finding
        for deck in bank.decks
        for finding in lint_deck(deck, [item for item in bank.items if item.deck == deck.id]).errors
    ]
    for finding in errors:
        click.echo(str(finding), err=True)
    if errors:
        click.echo(f"{len(errors)} item-writing error(s): see 'quizapp bank lint'.", err=True)
        sys.exit(1)


@bank_cli.command("lint")
@PATH_ARGUMENT
def lint(path: Path | None) -> None:
    """Report every item-writing flaw and the figures of the quality gate; exit 1 on an error."""
    try:
        decks = content.load_bank(path or services.bank_path())
    except content.BankError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    reports = [gate.run(deck) for deck in decks]
    for report in reports:
        for finding in report.lint.findings:
            click.echo(str(finding))
    for report in reports:
        for line in gate.summary(report):
            click.echo(line)
    if any(report.lint.errors for report in reports):
        sys.exit(1)


@bank_cli.command("load")
@PATH_ARGUMENT
def load(path: Path | None) -> None:
    """Load the bank into the database in one transaction, updating items by id."""
    bank = _read(path)
    report = services.store(bank)
    click.echo(f"Loaded {_summary(bank)}. {report}")


FOLDER = "folder"


@bank_cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted([*EXPORT_FORMATS, FOLDER])),
    default="json",
    show_default=True,
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="File to write (default: stdout); with --format folder, the folder (required).",
)
@click.option(
    "--deck",
    "slug",
    help="With --format folder: only this deck, written into the folder itself "
    "(default: every deck, each in a subfolder named by its id).",
)
def export(fmt: str, output: Path | None, slug: str | None) -> None:
    """Write the whole stored bank (GIFT: the quiz questions, for Moodle; folder:
    deck folders like questions/, to keep in version control and load elsewhere)."""
    if fmt == FOLDER:
        _export_folders(output, slug)
    elif slug is not None:
        raise click.UsageError("--deck is only for --format folder.")
    elif output is None or str(output) == "-":
        click.echo(export_text(fmt), nl=False)
    else:
        output.write_text(export_text(fmt), encoding="utf-8")


def _export_folders(output: Path | None, slug: str | None) -> None:
    """Each deck checked as ``bank check`` would, then written; nothing is written
    if a deck would not load."""
    if output is None:
        raise click.UsageError("--format folder needs --output DIR.")
    query = select(Deck).order_by(Deck.slug)
    stored = db.session.scalars(query.where(Deck.slug == slug) if slug else query).all()
    if not stored:
        raise click.ClickException(f"No deck '{slug}'." if slug else "The bank is empty.")
    written = {}
    for deck in stored:
        files = decks.deck_files_of(deck)
        try:
            read_deck_files(files, deck.slug)
        except content.BankError as error:
            _refuse(list(error.problems), f"problem(s) in deck '{deck.slug}'; nothing was written.")
        written[output if slug else output / deck.slug] = files
    try:
        for folder, files in written.items():
            write_folder(files, folder)
    except FolderError as error:
        raise click.ClickException(str(error)) from None
    for folder in written:
        click.echo(f"Wrote {folder}")


@bank_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--deck", help="Deck slug (default: the first deck).")
@click.option(
    "--topic", help="Topic key for new items whose file names none (default: the deck's first)."
)
@click.option(
    "--import-the-rest",
    is_flag=True,
    help="Skip the questions this product cannot hold (an essay, a matching question, "
    "an option given twice, no right answer...; each is listed) and import the others.",
)
def import_command(file: Path, deck: str | None, topic: str | None, import_the_rest: bool) -> None:
    """Import a GIFT, Moodle XML or YAML/JSON file; a file with any error imports nothing.

    Questions whose name (GIFT) or ID number (XML) is the id of an item of the
    deck update it; the others are added as drafts.
    """
    query = select(Deck).order_by(Deck.id)
    target = db.session.scalars(query.where(Deck.slug == deck) if deck else query).first()
    if target is None:
        raise click.ClickException(
            f"No deck '{deck}'." if deck else "The bank is empty: run 'quizapp bank load' first."
        )
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise click.ClickException(
            f"{file.name}:{line}: is not UTF-8 text (byte 0x{raw[error.start]:02x}): "
            "save the file as UTF-8 and import it again."
        ) from None
    try:
        upload = read_upload(text, file.name, target, Defaults.of(target, topic))
        if upload.skipped and not import_the_rest:
            _refuse(
                list(upload.skipped),
                "question(s) this product cannot hold; nothing was imported. "
                "Run again with --import-the-rest to import the other questions.",
            )
        report = store_import(target, upload, None)
    except content.BankError as error:
        _refuse(list(error.problems), "problem(s); nothing was imported.")
    for problem in [*report.skipped, *report.lossy]:
        click.echo(f"warning: {problem}", err=True)
    for withdrawn in report.withdrawn:
        click.echo(f"moved back to drafts: {withdrawn}", err=True)
    click.echo(str(report))


@bank_cli.command("propose")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--deck", "slug", required=True, help="Slug of the new deck (kebab-case).")
@click.option("--title", help="The document's title (default: the one it gives, or its name).")
@click.option("--publisher", help="Who published the document, as it says.")
@click.option("--author", help="Who wrote the document, as it says.")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the deck into (default: ./SLUG); a new or empty folder.",
)
def propose_command(
    document: Path,
    slug: str,
    title: str | None,
    publisher: str | None,
    author: str | None,
    output: Path | None,
) -> None:
    """Propose candidate facts from a document (.txt, .md, .html, .pdf) as a deck folder.

    Every fact quotes the document word for word and its items load as drafts:
    review the facts, then `quizapp bank check` and `quizapp bank load` the folder.
    """
    try:
        extracted = extract_text(document.read_bytes(), document.name)
    except DocumentError as error:
        raise click.ClickException(error.message) from None
    source = SourceInfo(title or extracted.title or document.stem, document.name, author, publisher)
    try:
        folder = proposal_folder(extracted.text, deck=slug, source=source)
    except ProposeError as error:
        raise click.ClickException(str(error)) from None
    except content.BankError as error:
        _refuse(list(error.problems), "problem(s); nothing was written.")
    for held in folder.held:
        click.echo(f"held back {held.candidate.record['id']}: {held.reason}", err=True)
    if not folder.proposal.candidates:
        raise click.ClickException(f"No candidate facts found in {document.name}.")
    if not folder.written:
        raise click.ClickException("No candidate fact passes the bank's checks (see above).")
    try:
        write_folder(folder.files, output or Path(slug))
    except FolderError as error:
        raise click.ClickException(str(error)) from None
    kinds = Counter(candidate.kind for candidate in folder.written)
    for problem in folder.unresolved:
        click.echo(f"to fix before loading: {problem}", err=True)
    counts = ", ".join(f"{kinds[kind]} {kind}" for kind in sorted(kinds))
    click.echo(
        f"Proposed {len(folder.written)} facts ({counts}) in {output or Path(slug)}; "
        f"{len(folder.held)} held back. Their items load as drafts."
    )


def _refuse(problems: list[content.Problem], summary: str) -> NoReturn:
    """Print each problem and the summary, then exit 1 (the command rolls back)."""
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(problems)} {summary}", err=True)
    sys.exit(1)
