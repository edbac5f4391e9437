"""Table cells of the class pages, rendered in Python.

A class of 500 learners has 6,500 mastery cells and 2,500 more numbers in
its roster. As Jinja macros they took about 250 ms of the page, and a call
per cell from the template still 60 ms. Here the roster and the grid are one
call each, each cell an f-string: the numbers, dates and band names they hold
need no escaping; names, e-mails and ``missing`` are escaped. The viewer's
time zone is read once per table and each learner's link is built from one
``url_for`` (a lookup per row was a fifth of the page's time).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import url_for
from markupsafe import Markup, escape

from quizapp.classes.grid import Cell, MasteryGrid
from quizapp.classes.roster import LearnerStats
from quizapp.web.templating import local_time, viewer_zone


def _dash(missing: str) -> str:
    hidden = f'<span class="visually-hidden">{escape(missing)}</span>'
    return f'<span aria-hidden="true">—</span>{hidden}'


NOT_STUDIED = f'<td class="num mastery-none">{_dash("not studied")}</td>'
NOT_ENOUGH = f'<td class="num mastery-none">{_dash("not enough evidence yet")}</td>'


def _percent(value: float) -> str:
    return f"{round(100 * value)}%"


def pct(value: float | None, missing: str = "none") -> Markup:
    """A fraction as a whole percent, or a dash that a screen reader reads as ``missing``."""
    return Markup(_dash(missing) if value is None else _percent(value))


def when(value: datetime | None, zone: ZoneInfo | None = None) -> Markup:
    if value is None:
        return Markup(_dash("never"))
    return Markup(f'<time datetime="{value.isoformat()}">{local_time(value, zone=zone)}</time>')


def _cell(cell: Cell | None) -> str:
    band = MasteryGrid.band(cell)
    if cell is None:
        return NOT_STUDIED
    if cell.mastery is None or band is None:
        return NOT_ENOUGH
    title = f"{cell.quiz_answers} quiz answers, {cell.reviews} flashcard reviews"
    return f'<td class="num mastery-{band}" title="{title}">{_percent(cell.mastery)}</td>'


def mastery_cell(cell: Cell | None) -> Markup:
    """The percent as text, with a band colour behind it (never the only cue)."""
    return Markup(_cell(cell))


def mastery_cells(grid: MasteryGrid, learner_id: int) -> Markup:
    """A learner's row of the grid, a cell per topic, in one call from the template."""
    return Markup("".join(_cell(grid.cell(learner_id, topic_id)) for topic_id in grid.topic_ids))


def _learner_links(classroom_id: int) -> str:
    """The address of a learner's page in the class, less the learner's id."""
    return url_for("classes.learner", classroom_id=classroom_id, learner_id=0).removesuffix("0")


def _name_cell(link: str, learner: LearnerStats, email: bool) -> str:
    extra = f'\n          <span class="roster-email muted">{escape(learner.email)}</span>'
    return (
        f'<th scope="row"><a href="{link}{learner.id}">{escape(learner.name)}</a>'
        f"{extra if email else ''}</th>"
    )


def roster_rows(roster: Iterable[LearnerStats], classroom_id: int) -> Markup:
    """The roster's rows: name and e-mail, joined, quiz scores, flashcards, last active."""
    link, zone = _learner_links(classroom_id), viewer_zone()
    return Markup(
        "\n".join(
            f"<tr>{_name_cell(link, learner, email=True)}"
            f"<td>{local_time(learner.joined_at, '%Y-%m-%d', zone)}</td>"
            f'<td class="num">{learner.attempts}</td>'
            f'<td class="num">{pct(learner.average, "no quiz")}</td>'
            f'<td class="num">{pct(learner.best, "no quiz")}</td>'
            f'<td class="num">{pct(learner.last, "no quiz")}</td>'
            f'<td class="num">{pct(learner.retention, "no reviews")}</td>'
            f'<td class="num">{learner.reviews}</td>'
            f'<td class="num">{learner.cards}</td>'
            f"<td>{when(learner.last_active, zone)}</td></tr>"
            for learner in roster
        )
    )


def grid_rows(roster: Iterable[LearnerStats], grid: MasteryGrid, classroom_id: int) -> Markup:
    """The mastery grid's rows: name, topics mastered, a cell per topic."""
    link, topics = _learner_links(classroom_id), len(grid.topics)
    return Markup(
        "\n".join(
            f"<tr>{_name_cell(link, learner, email=False)}"
            f'<td class="num">{grid.mastered(learner.id)} of {topics}</td>'
            f"{mastery_cells(grid, learner.id)}</tr>"
            for learner in roster
        )
    )
