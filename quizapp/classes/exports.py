"""CSV files for spreadsheets: a class's roster (the grades) and item analysis.

UTF-8 with a byte-order mark, so Excel reads accents right; a header row; the
``csv`` module's quoting for commas, quotes and line breaks. A text cell that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) gets a leading apostrophe. Numbers are written as numbers, so a negative
discrimination stays a number.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TextIO

from quizapp.assignments import services as assignments
from quizapp.classes.grid import MasteryGrid
from quizapp.classes.items import ItemStats, item_analysis
from quizapp.classes.roster import roster
from quizapp.classes.selection import Learners, Sorting
from quizapp.models import Classroom
from quizapp.web.templating import TYPE_NAMES

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet should read it: text never starts a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write the BOM, the header and the rows; return how many rows were written."""
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    count = 0
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    return count


def percent(fraction: float | None) -> float | None:
    return None if fraction is None else round(100 * fraction, 1)


def filename(classroom: Classroom, what: str) -> str:
    """``ward-7-nurses-roster.csv``: ASCII only, so every browser keeps the name."""
    slug = re.sub(r"[^a-z0-9]+", "-", classroom.name.lower()).strip("-")[:60]
    return f"{slug or f'class-{classroom.id}'}-{what}.csv"


def write_roster(out: TextIO, classroom: Classroom, learners: Learners, grid: MasteryGrid) -> int:
    """The roster of ``learners`` (the class's) in name order, with every number of
    the class page, topic mastery and each assignment's best score and status."""
    assigned = assignments.roster_columns(classroom.id)
    header = [
        "Learner",
        "Email",
        "Joined (UTC)",
        "Finished quizzes",
        "Quiz average %",
        "Best quiz %",
        "Last quiz %",
        "Flashcard reviews",
        "Cards reviewed",
        "Retention %",
        "Last active (UTC)",
        "Topics mastered",
        *(f"Mastery % {topic.title}" for topic in grid.topics),
        *assigned.csv_header(),
    ]
    rows = (
        [
            learner.name,
            learner.email,
            learner.joined_at,
            learner.attempts,
            percent(learner.average),
            percent(learner.best),
            percent(learner.last),
            learner.reviews,
            learner.cards,
            percent(learner.retention),
            learner.last_active,
            grid.mastered(learner.id),
            *(
                percent(cell.mastery) if (cell := grid.cell(learner.id, topic.id)) else None
                for topic in grid.topics
            ),
            *assigned.csv_values(learner.id),
        ]
        for learner in roster(classroom.id, learners)
    )
    return write_csv(out, header, rows)


def _picks_text(item: ItemStats) -> str:
    return "; ".join(
        f"{option.text}{' (correct)' if option.correct else ''}"
        f"{'' if option.current else ' (earlier version)'}"
        f"{'' if option.working else ' (not working)'}: {option.picks}"
        for option in item.options
    )


def _bounds(interval: tuple[float, float] | None) -> list[float | None]:
    return [None, None] if interval is None else [percent(bound) for bound in interval]


def write_items(out: TextIO, learners: Learners) -> int:
    """Item analysis, hardest questions first, with the page's intervals and flags."""
    header = [
        "Item id",
        "Bank id",
        "Question",
        "Topic",
        "Type",
        "Attempts",
        "Answers",
        "Facility %",
        "Facility low %",
        "Facility high %",
        "Discrimination %",
        "Discrimination low %",
        "Discrimination high %",
        "Discriminative efficiency %",
        "Random-guess score %",
        "Judged",
        "Flags",
        "Options picked",
    ]
    rows = (
        [
            item.item_id,
            item.uid,
            item.prompt,
            item.topic,
            TYPE_NAMES.get(item.type.value, item.type.value),
            item.attempts,
            item.answered,
            percent(item.facility),
            *_bounds(item.facility_interval),
            percent(item.discrimination),
            *_bounds(item.discrimination_interval),
            percent(item.efficiency),
            percent(item.guess),
            "yes" if item.judged else "too few answers to judge",
            " ".join(item.flags),
            _picks_text(item),
        ]
        for item in item_analysis(learners, Sorting("facility"))
    )
    return write_csv(out, header, rows)
