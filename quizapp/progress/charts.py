"""Charts drawn on the server as inline SVG, each with a table of the same numbers.

No Flask here: each function takes plain values and returns ``Markup``. The
markup is written with f-strings, every label passed through markupsafe's
``escape`` and every number through ``_number`` (``Markup.format`` escaped each
number too and was a fifth of the dashboard's time). The page's CSP allows no inline
``style``; shapes carry SVG presentation attributes (``fill``, ``height``) as
sensible defaults and classes that ``site.css`` colours.

A chart is an image to screen readers (``role="img"``, named by its
``<title>`` and ``<desc>``); the numbers themselves are in the table under
"Show as a table", which anyone can open.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 30  # room for the axes' labels
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
MAX_AXIS_LABELS = 6


@dataclass(frozen=True)
class Datum:
    """One bar or dot: ``label`` under it, ``name`` in full (table and tooltip),
    ``text`` the value as a person reads it ("75%"); both default to plain forms."""

    label: str
    value: float
    name: str = ""
    text: str = ""

    @property
    def full_name(self) -> str:
        return self.name or self.label

    @property
    def reading(self) -> str:
        return self.text or _number(self.value)


@dataclass(frozen=True)
class Chart:
    """What a chart says. ``key`` makes its element ids unique in the page;
    ``maximum`` fixes the top of the axis (100 for percentages), else the
    largest value rounded up to a round number."""

    key: str
    title: str
    description: str
    label_heading: str
    value_heading: str
    data: tuple[Datum, ...]
    maximum: float | None = None
    unit: str = ""  # after each axis number: "%" for percentages


def bar_chart(chart: Chart) -> Markup:
    """Vertical bars, one per datum (e.g. reviews per day), with the table under them."""
    top = _axis_top(chart)
    slot = PLOT_WIDTH / max(len(chart.data), 1)
    bars = []
    for index, datum in enumerate(chart.data):
        height = PLOT_HEIGHT * datum.value / top
        bars.append(
            f'<rect class="progress-bar" x="{_number(LEFT + slot * index + slot * 0.15)}" '
            f'y="{_number(TOP + PLOT_HEIGHT - height)}" width="{_number(slot * 0.7)}" '
            f'height="{_number(height)}" fill="#1d4f91">'
            f"<title>{escape(datum.full_name)}: {escape(datum.reading)}</title></rect>"
        )
    return _figure(chart, _grid(chart, top) + _x_labels(chart, slot) + "".join(bars))


def dot_chart(chart: Chart) -> Markup:
    """Dots joined by a line, one per datum in order (e.g. quiz scores over time)."""
    top = _axis_top(chart)
    slot = PLOT_WIDTH / max(len(chart.data), 1)
    points = [
        (LEFT + slot * (index + 0.5), TOP + PLOT_HEIGHT * (1 - datum.value / top))
        for index, datum in enumerate(chart.data)
    ]
    line = ""
    if len(points) > 1:
        line = (
            '<polyline class="progress-line" points="'
            + " ".join(f"{_number(x)},{_number(y)}" for x, y in points)
            + '" fill="none" stroke="#1d4f91" stroke-width="2"/>'
        )
    dots = "".join(
        f'<circle class="progress-dot" cx="{_number(x)}" cy="{_number(y)}" r="5" fill="#1d4f91">'
        f"<title>{escape(datum.full_name)}: {escape(datum.reading)}</title></circle>"
        for (x, y), datum in zip(points, chart.data, strict=True)
    )
    return _figure(chart, _grid(chart, top) + _x_labels(chart, slot) + line + dots)


def meter(fraction: float) -> Markup:
    """A small horizontal bar for a share from 0 to 1, beside the percentage in
    text; hidden from screen readers, which read the text."""
    width = 100 * min(max(fraction, 0.0), 1.0)
    return Markup(
        '<svg class="progress-meter" viewBox="0 0 100 10" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false">'
        '<rect class="progress-meter-track" width="100" height="10" fill="#e8f0fb"/>'
        f'<rect class="progress-meter-fill" width="{_number(width)}" height="10" '
        'fill="#1d4f91"/></svg>'
    )


def table(chart: Chart) -> Markup:
    """The chart's numbers as a table: a row per bar or dot, in the same order."""
    rows = "".join(
        f'<tr><th scope="row">{escape(datum.full_name)}</th>'
        f'<td class="num">{escape(datum.reading)}</td></tr>'
        for datum in chart.data
    )
    title = escape(chart.title)
    # The same scroll region as templates/_tables.html gives every other table.
    return Markup(
        f'<div class="table-scroll" role="region" aria-label="{title}" tabindex="0">'
        f'<table class="progress-data"><caption>{title}</caption>'
        f'<thead><tr><th scope="col">{escape(chart.label_heading)}</th>'
        f'<th scope="col" class="num">{escape(chart.value_heading)}</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def _figure(chart: Chart, marks: str) -> Markup:
    """The chart's SVG around ``marks`` (markup, escaped already), and its table."""
    title, key = escape(chart.title), escape(chart.key)
    return Markup(
        '<figure class="progress-figure">'
        # On a narrow phone the chart scrolls sideways rather than shrink its labels.
        f'<div class="progress-scroll" tabindex="0" role="group" aria-label="{title}">'
        f'<svg class="progress-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{key}-title {key}-desc" focusable="false">'
        f'<title id="{key}-title">{title}</title>'
        f'<desc id="{key}-desc">{escape(chart.description)}</desc>'
        f"{marks}</svg></div>"
        '<details class="progress-details"><summary>Show as a table'
        f'<span class="visually-hidden">: {title}</span></summary>{table(chart)}</details>'
        "</figure>"
    )


def _axis_top(chart: Chart) -> float:
    if chart.maximum is not None:
        return chart.maximum
    return axis_top(max((datum.value for datum in chart.data), default=0))


def axis_top(largest: float) -> int:
    """The top of a count axis with four equal steps that reaches ``largest``:
    each step a whole number, 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of
    ten (6 → 8, 12 → 12, 41 → 60)."""
    wanted = max(largest, 1) / 4
    power = 10 ** max(0, math.floor(math.log10(wanted)))
    sizes = (step * power * scale for scale in (1, 10) for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8))
    return 4 * int(next(size for size in sizes if size >= wanted and float(size).is_integer()))


def _grid(chart: Chart, top: float) -> str:
    """Four horizontal lines with their values, and the baseline."""
    unit = escape(chart.unit)
    lines = []
    for quarter in range(5):
        y = TOP + PLOT_HEIGHT * (1 - quarter / 4)
        lines.append(
            f'<line class="progress-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_number(y)}" '
            f'y2="{_number(y)}" stroke="#cfd6df"/>'
            f'<text class="progress-axis" x="{LEFT - 6}" y="{_number(y + 4)}" '
            f'text-anchor="end">{_number(top * quarter / 4)}{unit}</text>'
        )
    return "".join(lines)


def _x_labels(chart: Chart, slot: float) -> str:
    """A label under the first and the last bar and every few between, so that
    they never crowd each other."""
    count = len(chart.data)
    every = max(1, math.ceil(count / MAX_AXIS_LABELS))
    shown = [index for index in range(0, count, every) if count - 1 - index > every / 2]
    shown += [count - 1] if count else []
    return "".join(
        f'<text class="progress-axis" x="{_number(LEFT + slot * (index + 0.5))}" '
        f'y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">{escape(chart.data[index].label)}</text>'
        for index in shown
    )


def _number(value: float) -> str:
    """At most one decimal, none when whole: "12", "2.5", "87.3"."""
    return f"{value:.1f}".removesuffix(".0")
