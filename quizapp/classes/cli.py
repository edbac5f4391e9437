"""``quizapp export progress``: a class's roster or item analysis as a CSV file.

Added to the shared ``export`` group by :func:`quizapp.classes.init_app`.
"""

from __future__ import annotations

from pathlib import Path

import click

from quizapp import clock
from quizapp.classes import exports
from quizapp.classes.grid import all_topics, mastery_grid
from quizapp.classes.selection import class_learners
from quizapp.cli_groups import command
from quizapp.extensions import db
from quizapp.models import Classroom


@command("progress")
@click.argument("classroom_id", metavar="CLASS_ID", type=int)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (default: CLASS-roster.csv, or CLASS-items.csv with --items).",
)
@click.option("--items", is_flag=True, help="Write the item analysis instead of the roster.")
def progress(classroom_id: int, output: Path | None, items: bool) -> None:
    """Write the roster of class CLASS_ID (its number in /classes/ID) with every
    learner's scores, retention and topic mastery as CSV; with --items, the class's
    item analysis."""
    classroom = db.session.get(Classroom, classroom_id)
    if classroom is None:
        raise click.ClickException(f"No class {classroom_id}.")
    path = output or Path(exports.filename(classroom, "items" if items else "roster"))
    learners = class_learners(classroom.id)
    with path.open("w", encoding="utf-8", newline="") as file:
        if items:
            count = exports.write_items(file, learners)
            what = "questions"
        else:
            now = clock.now()
            grid = mastery_grid(learners, now, all_topics())
            count = exports.write_roster(file, classroom, learners, grid)
            what = "learners"
    click.echo(f"Wrote {count} {what} of {classroom.name} to {path}.")
