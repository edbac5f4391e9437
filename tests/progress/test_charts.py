"""The charts module alone (no app): valid SVG, escaped text, and a table that
holds exactly the numbers the chart draws."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from quizapp.progress import charts
from quizapp.progress.charts import Chart, Datum

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & Co'


def chart(*values: float, **overrides: object) -> Chart:
    fields: dict[str, object] = {
        "key": "test",
        "title": "Reviews per day",
        "description": "Three days of reviews.",
        "label_heading": "Day",
        "value_heading": "Reviews",
        "data": tuple(
            Datum(f"{n} Mar", value, f"Day {n} March") for n, value in enumerate(values, 1)
        ),
    }
    return Chart(**{**fields, **overrides})  # type: ignore[arg-type]


def svg_of(markup: str) -> ET.Element:
    """The chart's <svg> element, parsed as XML (so it is well formed)."""
    found = re.search(r"<svg class=\"progress-chart\".*?</svg>", markup, re.S)
    assert found, markup
    return ET.fromstring(
        found.group(0).replace("<svg class", '<svg xmlns="http://www.w3.org/2000/svg" class', 1)
    )


def table_rows(markup: str) -> list[tuple[str, str]]:
    body = re.search(r"<tbody>(.*)</tbody>", markup, re.S)
    assert body
    return re.findall(
        r'<tr><th scope="row">(.*?)</th><td class="num">(.*?)</td></tr>', body.group(1)
    )


def test_a_bar_chart_is_an_image_named_by_its_title_and_description() -> None:
    markup = charts.bar_chart(chart(3, 0, 6))
    svg = svg_of(markup)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "test-title test-desc"
    assert svg.find(f"{SVG}title").text == "Reviews per day"
    assert svg.find(f"{SVG}title").get("id") == "test-title"
    assert svg.find(f"{SVG}desc").text == "Three days of reviews."
    assert "<summary>Show as a table" in markup
    assert "style=" not in markup and "<script" not in markup


def test_the_table_holds_the_numbers_the_bars_draw() -> None:
    markup = charts.bar_chart(chart(3, 0, 6, 1.5))
    bars = svg_of(markup).findall(f"{SVG}rect")
    drawn = [bar.find(f"{SVG}title").text for bar in bars]
    assert drawn == ["Day 1 March: 3", "Day 2 March: 0", "Day 3 March: 6", "Day 4 March: 1.5"]
    assert table_rows(markup) == [
        ("Day 1 March", "3"),
        ("Day 2 March", "0"),
        ("Day 3 March", "6"),
        ("Day 4 March", "1.5"),
    ]
    # Heights in proportion to the values, on an axis that tops at 8.
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[1] == 0
    assert heights[2] == pytest.approx(2 * heights[0], abs=0.1)  # drawn to a tenth
    assert heights[2] / charts.PLOT_HEIGHT == pytest.approx(6 / 8, abs=0.01)
    axis = [text.text for text in svg_of(markup).findall(f"{SVG}text")]
    assert axis[:5] == ["0", "2", "4", "6", "8"]
    assert "1 Mar" in axis and "4 Mar" in axis  # the first and the last day are labelled


def test_a_dot_chart_places_each_score_on_a_fixed_axis() -> None:
    data = (Datum("1 Mar", 75, "Quiz 1", "75%"), Datum("2 Mar", 40, "Quiz 2", "40%"))
    markup = charts.dot_chart(chart(data=data, maximum=100, unit="%", value_heading="Score"))
    svg = svg_of(markup)
    dots = svg.findall(f"{SVG}circle")
    assert [dot.find(f"{SVG}title").text for dot in dots] == ["Quiz 1: 75%", "Quiz 2: 40%"]
    bottom = charts.TOP + charts.PLOT_HEIGHT
    heights = [bottom - float(dot.get("cy")) for dot in dots]
    assert heights == [
        pytest.approx(0.75 * charts.PLOT_HEIGHT, abs=0.1),
        pytest.approx(0.40 * charts.PLOT_HEIGHT, abs=0.1),
    ]
    assert svg.find(f"{SVG}polyline") is not None
    assert [text.text for text in svg.findall(f"{SVG}text")][:5] == [
        "0%",
        "25%",
        "50%",
        "75%",
        "100%",
    ]
    assert table_rows(markup) == [("Quiz 1", "75%"), ("Quiz 2", "40%")]


def test_every_text_is_escaped() -> None:
    data = (Datum(HOSTILE, 1, HOSTILE, HOSTILE),)
    for draw in (charts.bar_chart, charts.dot_chart):
        markup = draw(
            chart(
                title=HOSTILE,
                description=HOSTILE,
                label_heading=HOSTILE,
                value_heading=HOSTILE,
                data=data,
                key='x" onload="alert(1)',
            )
        )
        assert "<script>" not in markup
        assert 'onload="' not in markup
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in markup
        svg = svg_of(markup)
        assert svg.find(f"{SVG}title").text == HOSTILE  # escaped, so it reads back as typed


def test_an_empty_or_flat_chart_still_draws_an_axis() -> None:
    for data in ((), (Datum("1 Mar", 0),)):
        svg = svg_of(charts.bar_chart(chart(data=data)))
        assert [text.text for text in svg.findall(f"{SVG}text")][:5] == ["0", "1", "2", "3", "4"]


@pytest.mark.parametrize(
    ("largest", "top"),
    [(0, 4), (3, 4), (5, 8), (9, 12), (13, 16), (21, 24), (41, 60), (99, 100), (163, 200)],
)
def test_count_axes_end_on_a_round_number_with_whole_steps(largest: float, top: int) -> None:
    assert charts.axis_top(largest) == top
    assert top % 4 == 0


def test_the_meter_is_decorative_and_clamped() -> None:
    assert 'aria-hidden="true"' in charts.meter(0.5)
    assert 'class="progress-meter-fill" width="50"' in charts.meter(0.5)
    assert 'class="progress-meter-fill" width="100"' in charts.meter(1.7)
    assert 'class="progress-meter-fill" width="0"' in charts.meter(-1)
