"""``quizapp export progress`` (a class's roster or item analysis as a CSV file,
in the shared ``export`` group) and ``quizapp classes refresh`` (class pages'
figures computed ahead of their views); :func:`quizapp.classes.init_app` adds both.
"""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from quizapp import clock
from quizapp.classes import exports, summaries
from quizapp.classes.grid import all_topics, mastery_grid
from quizapp.classes.selection import class_learners
from quizapp.cli_groups import Group, command
from quizapp.database import commit_early
from quizapp.extensions import db
from quizapp.models import Classroom

classes_cli = Group("classes", help="Classes and their figures.")


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


@classes_cli.command("refresh")
@click.argument("classroom_ids", metavar="[CLASS_ID]...", type=int, nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every class that is not archived.")
def refresh(classroom_ids: tuple[int, ...], every: bool) -> None:
    """Recompute the figures the page of class CLASS_ID (its number in /classes/ID)
    shows, or with --all of every class not archived: run it from a timer a little
    more often than the figures' maximum age and no class page computes its own.

    Each class's figures are saved as soon as they are computed, so a page view
    that waits for its class's row waits for one class, not for the whole run."""
    if every == bool(classroom_ids):
        raise click.UsageError("Name the classes to refresh, or pass --all.")
    query = select(Classroom).order_by(Classroom.id)
    query = (
        query.where(Classroom.archived_at.is_(None))
        if every
        else query.where(Classroom.id.in_(classroom_ids))
    )
    classrooms = db.session.scalars(query).all()
    missing = set(classroom_ids) - {classroom.id for classroom in classrooms}
    if missing:
        raise click.ClickException(f"No class {', '.join(map(str, sorted(missing)))}.")
    for classroom in classrooms:
        summaries.refresh(classroom)
        commit_early()
    count = len(classrooms)
    click.echo(f"Refreshed the figures of {count} {'class' if count == 1 else 'classes'}.")
