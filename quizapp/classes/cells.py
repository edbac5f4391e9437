"""Table cells of the class pages, rendered in Python.

A class of 500 learners has 6,500 mastery cells and 2,500 more numbers in
its roster. As Jinja macros they took about 250 ms of the page, and a call
per cell from the template still 60 ms. Here a grid row is one call, each
cell an f-string: the numbers, dates and band names they hold need no
escaping, and the one free text (``missing``) is escaped.
"""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup, escape

from quizapp.classes.grid import MasteryGrid
from quizapp.progress.mastery import TopicMastery
from quizapp.web.templating import local_time


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


def when(value: datetime | None) -> Markup:
    if value is None:
        return Markup(_dash("never"))
    return Markup(f'<time datetime="{value.isoformat()}">{local_time(value)}</time>')


def _cell(cell: TopicMastery | None) -> str:
    band = MasteryGrid.band(cell)
    if cell is None:
        return NOT_STUDIED
    if cell.mastery is None or band is None:
        return NOT_ENOUGH
    title = f"{cell.quiz_answers} quiz answers, {cell.reviews} flashcard reviews"
    return f'<td class="num mastery-{band}" title="{title}">{_percent(cell.mastery)}</td>'


def mastery_cell(cell: TopicMastery | None) -> Markup:
    """The percent as text, with a band colour behind it (never the only cue)."""
    return Markup(_cell(cell))


def mastery_cells(grid: MasteryGrid, learner_id: int) -> Markup:
    """A learner's row of the grid, a cell per topic, in one call from the template."""
    return Markup("".join(_cell(grid.cell(learner_id, topic_id)) for topic_id in grid.topic_ids))
