"""Class analytics against numbers worked out by hand on a small known class.

The class "Ward 7 nurses" and what its learners did (✓ right, ✗ wrong; q1…q5 are
single-answer questions and c1, c2 flashcards, all on the topic "causes"):

========  ============================================  ====================
learner   finished quizzes (in order)                   flashcard ratings
========  ============================================  ====================
Ana       [q1 ✓, q2 ✓, q3 ✓] = 3/3                      c1 Good, c1 Again,
                                                        c2 Easy, c2 Good
Ben       [q1 ✓, q2 ✓, q3 ✗] = 2/3, then                c1 Again, c1 Again
          [q4 ✓, q5 ✗] = 1/2; and an unfinished
          [q1 ✗, q2 (open)]
Cy        [q1 ✓, q2 ✗, q3 ✗] = 1/3                      —
Dee       [q1 ✗, q2 ✗, q3 ✓] = 1/3                      —
Flo       —                                             c1 Good, c1 Good on
                                                        1 Jan 2020 only
========  ============================================  ====================

Eve is in no class of this instructor: [q1 ✗, q2 ✗, q3 ✗] = 0/3.

Roster (finished quizzes only):
    Ana  1 quiz, average = best = last = 100 %
    Ben  2 quizzes, average (2/3 + 1/2)/2 = 7/12 = 58.3 %, best 66.7 %, last 50 %
    Cy, Dee  1 quiz, 33.3 %
Retention (share not rated Again): Ana 3/4 = 75 % on 2 cards; Ben 0/2 = 0 % on
    1 card; Flo 2/2 = 100 % on 1 card.

Mastery on "causes" (quizapp/progress/mastery.py; answers all given today, so
each weighs 1; the ratings above are bare log rows with no card state behind
them, and the cards a wrong answer put into learning do not count yet):
    Ana  quiz 3/3 = 100 % (mastered)
    Ben  quiz (1+1+0 + 1+0 + 0)/6 = 3/6 = 50 %
    Cy, Dee  1/3 → 33.3 %;  Flo: no card state, no answer: no mastery.

Item analysis over the class's finished attempts. x = score on the question,
y = rest of the attempt = (attempt points − x) / (questions − 1):

    attempt  q1 x,y     q2 x,y     q3 x,y
    Ana      1, 1       1, 1       1, 1
    Ben      1, .5      1, .5      0, 1
    Cy       1, 0       0, .5      0, .5
    Dee      0, .5      0, .5      1, 0

Facility = mean x: q1 3/4 = 75 %, q2 2/4 = 50 %, q3 2/4 = 50 %.
Discrimination r = Σdxdy / √(Σdx² Σdy²), deviations from the means:
    q1: x̄ = .75, ȳ = .5; dx = (.25, .25, .25, −.75), dy = (.5, 0, −.5, 0)
        Σdxdy = .125 − .125 = 0 → r = 0
    q2: x̄ = .5, ȳ = .625; dx = (.5, .5, −.5, −.5), dy = (.375, −.125, −.125, −.125)
        Σdxdy = .25, Σdx² = 1, Σdy² = .1875 → r = .25/√.1875 = 1/√3 ≈ .577
    q3: x̄ = .5, ȳ = .625; dx = (.5, −.5, −.5, .5), dy = (.375, .375, −.125, −.625)
        Σdxdy = −.25, Σdx² = 1, Σdy² = .6875 → r = −.25/√.6875 = −1/√11 ≈ −.302
    q4 (Ben only, 1 point): one pair, no spread → undefined; facility 100 %
    q5 (Ben only, 0 points): undefined; facility 0 %

Discriminative efficiency = Σdxdy over the same sum with dx and dy each sorted:
    q1: (−.75, .25, .25, .25)·(−.5, 0, 0, .5) = .375 + .125 = .5 → 0/.5 = 0
    q2: (−.5, −.5, .5, .5)·(−.125, −.125, −.125, .375) = .25 → .25/.25 = 100 %
    q3: (−.5, −.5, .5, .5)·(−.625, −.125, .375, .375) = .75 → −.25/.75 = −33.3 %
None of them is flagged: 4 answers are far too few to judge (MIN_ANSWERS).

Across all learners Eve's attempt adds (x, y) = (0, 0) to q1:
    x = (1, 1, 1, 0, 0), y = (1, .5, 0, .5, 0); x̄ = .6, ȳ = .4
    dx = (.4, .4, .4, −.6, −.6), dy = (.6, .1, −.4, .1, −.4)
    Σdxdy = .24 + .04 − .16 − .06 + .24 = .30, Σdx² = 1.2, Σdy² = .70
    r = .30/√.84 ≈ .327; facility 3/5 = 60 %.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.classes.grid import all_topics, mastery_grid
from quizapp.classes.items import item_analysis
from quizapp.classes.roster import roster
from quizapp.classes.selection import Sorting, all_learners, class_learners
from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Item, User
from tests.classes.conftest import Classes

FLO_REVIEWED = datetime(2020, 1, 1, 9, 30, tzinfo=UTC)


@dataclass
class Known:
    classroom_id: int
    q: list[int]  # q1…q5 as q[0]…q[4]
    cards: list[int]
    ana: User
    ben: User
    cy: User
    dee: User
    flo: User
    eve: User
    dee_attempt: int


@pytest.fixture
def known(build: Classes, instructor: User) -> Known:
    classroom_id = build.classroom(instructor)
    q = build.quizzes.items(ItemType.SINGLE, 5, topic="causes")
    c1, c2 = build.cards(2, "causes")
    ana, ben, cy, dee, flo = (
        build.learner(n, classroom_id) for n in ("Ana", "Ben", "Cy", "Dee", "Flo")
    )
    eve = build.learner("Eve")

    build.quiz(ana, [(q[0], True), (q[1], True), (q[2], True)])
    build.quiz(ben, [(q[0], True), (q[1], True), (q[2], False)])
    build.quiz(ben, [(q[3], True), (q[4], False)])
    build.quiz(ben, [(q[0], False), (q[1], True)], finish=False)
    build.quiz(cy, [(q[0], True), (q[1], False), (q[2], False)])
    dee_attempt = build.quiz(dee, [(q[0], False), (q[1], False), (q[2], True)])
    build.quiz(eve, [(q[0], False), (q[1], False), (q[2], False)])

    build.reviews(ana, [(c1, 3), (c1, 1), (c2, 4), (c2, 3)])
    build.reviews(ben, [(c1, 1), (c1, 1)])
    build.reviews(flo, [(c1, 3), (c1, 3)], at=FLO_REVIEWED)
    return Known(classroom_id, q, [c1, c2], ana, ben, cy, dee, flo, eve, dee_attempt)


def test_roster_numbers(app: Flask, known: Known) -> None:
    with app.app_context():
        rows = {row.name: row for row in roster(known.classroom_id)}
    assert list(rows) == ["Ana", "Ben", "Cy", "Dee", "Flo"]  # Eve is not in the class
    ana, ben, cy, flo = rows["Ana"], rows["Ben"], rows["Cy"], rows["Flo"]
    assert (ana.attempts, ana.average, ana.best, ana.last) == (1, 1.0, 1.0, 1.0)
    assert ben.attempts == 2  # the unfinished attempt does not count
    assert ben.average == pytest.approx(7 / 12)
    assert ben.best == pytest.approx(2 / 3)
    assert ben.last == pytest.approx(1 / 2)
    assert (cy.average, cy.best, cy.last) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert (ana.reviews, ana.cards, ana.retention) == (4, 2, pytest.approx(0.75))
    assert (ben.reviews, ben.cards, ben.retention) == (2, 1, 0.0)
    assert (cy.reviews, cy.cards, cy.retention) == (0, 0, None)
    assert (flo.attempts, flo.average, flo.best, flo.last) == (0, None, None, None)
    assert (flo.retention, flo.last_active) == (1.0, FLO_REVIEWED)
    assert ana.last_active > FLO_REVIEWED


def test_mastery_grid_uses_the_shared_definition(app: Flask, known: Known) -> None:
    with app.app_context():
        topics = all_topics()
        causes = next(topic.id for topic in topics if topic.key == "causes")
        grid = mastery_grid(class_learners(known.classroom_id), datetime.now(UTC), topics)
    mastery = {
        learner.display_name: (cell.mastery if (cell := grid.cell(learner.id, causes)) else None)
        for learner in (known.ana, known.ben, known.cy, known.dee, known.flo, known.eve)
    }
    assert mastery == {
        "Ana": pytest.approx(1.0),
        "Ben": pytest.approx(0.5),
        "Cy": pytest.approx(1 / 3),
        "Dee": pytest.approx(1 / 3),
        "Flo": None,  # old ratings with no card state behind them
        "Eve": None,  # not in the class
    }
    assert [grid.mastered(learner.id) for learner in (known.ana, known.ben)] == [1, 0]
    assert len({cell.topic_id for cell in grid.cells.values()}) == 1


def test_item_analysis_of_the_class(app: Flask, known: Known) -> None:
    with app.app_context():
        items = {
            item.item_id: item
            for item in item_analysis(class_learners(known.classroom_id), Sorting("facility"))
        }
    q1, q2, q3, q4, q5 = (items[item_id] for item_id in known.q)
    assert len(items) == 5
    assert [(i.attempts, i.answered) for i in (q1, q2, q3, q4, q5)] == [
        (4, 4),  # Ben's unfinished attempt is left out
        (4, 4),
        (4, 4),
        (1, 1),
        (1, 1),
    ]
    assert [i.facility for i in (q1, q2, q3, q4, q5)] == [0.75, 0.5, 0.5, 1.0, 0.0]
    assert q1.discrimination == pytest.approx(0.0, abs=1e-9)
    assert q2.discrimination == pytest.approx(1 / math.sqrt(3))
    assert q3.discrimination == pytest.approx(-1 / math.sqrt(11))
    assert q4.discrimination is None and q5.discrimination is None
    assert q1.efficiency == pytest.approx(0.0, abs=1e-9)
    assert q2.efficiency == pytest.approx(1.0)
    assert q3.efficiency == pytest.approx(-1 / 3)
    assert q4.efficiency is None and q5.efficiency is None
    assert [i.guess for i in (q1, q2, q3)] == [pytest.approx(1 / len(q1.options))] * 3
    # a negative point estimate and a 0 % facility, but on 4 and 1 answers: quiet
    assert [i.flags for i in (q1, q2, q3, q4, q5)] == [[], [], [], [], []]
    assert not any(i.judged for i in (q1, q2, q3, q4, q5))


def test_item_analysis_across_all_learners_includes_everyone(app: Flask, known: Known) -> None:
    with app.app_context():
        items = {item.item_id: item for item in item_analysis(all_learners(), Sorting("facility"))}
    q1 = items[known.q[0]]
    assert (q1.attempts, q1.facility) == (5, pytest.approx(0.6))
    assert q1.discrimination == pytest.approx(0.30 / math.sqrt(0.84))


def test_option_picks_of_single_answer_questions(app: Flask, known: Known, build: Classes) -> None:
    """q1: Ana, Ben and Cy picked the key; Dee picked the first other option shown."""
    wrong = build.quizzes.asked(known.dee_attempt, 1).given(right=False)
    with app.app_context():
        q1 = db.session.get(Item, known.q[0])
        options, key = list(q1.options), q1.answer
        (stats,) = [
            item
            for item in item_analysis(class_learners(known.classroom_id), Sorting("facility"))
            if item.item_id == known.q[0]
        ]
    assert [option.text for option in stats.options] == options  # the item's own order
    picks = {option.text: option.picks for option in stats.options}
    assert picks == {text: 3 if text == key else 1 if text == wrong else 0 for text in options}
    assert [option.text for option in stats.options if option.correct] == [key]


def test_option_picks_of_multiple_answer_and_true_false(
    app: Flask, build: Classes, instructor: User
) -> None:
    """Ana ticks every right option and answers True; Ben ticks one right and one
    wrong option and answers False, so each right option is picked by Ana (and the
    first by Ben too), the wrong one once, True once and False once."""
    classroom_id = build.classroom(instructor)
    ana, ben = build.learner("Ana", classroom_id), build.learner("Ben", classroom_id)
    multiple = build.quizzes.items(ItemType.MULTIPLE)[0]
    truefalse = build.quizzes.items(ItemType.TRUEFALSE)[0]
    with app.app_context():
        question = db.session.get(Item, multiple)
        options, right = list(question.options), list(question.answer)
        other = next(text for text in options if text not in right)
        statement = db.session.get(Item, truefalse).answer
    for learner, given in ((ana, (right, statement)), (ben, ([right[0], other], not statement))):
        attempt_id = build.quizzes.start(learner, [multiple, truefalse])
        build.answer(attempt_id, 1, given[0])
        build.answer(attempt_id, 2, given[1])
    with app.app_context():
        stats = {
            item.item_id: item
            for item in item_analysis(class_learners(classroom_id), Sorting("facility"))
        }
    picks = {option.text: option.picks for option in stats[multiple].options}
    expected = dict.fromkeys(options, 0) | dict.fromkeys(right, 1) | {other: 1}
    expected[right[0]] = 2
    assert picks == expected
    true_false = {(o.text, o.correct): o.picks for o in stats[truefalse].options}
    assert true_false == {("True", statement is True): 1, ("False", statement is False): 1}


ROW_NAME = re.compile(r'<th scope="row"><a href="/classes/\d+/learners/\d+">([^<]+)</a>')


def roster_order(client: FlaskClient, classroom_id: int, query: str = "") -> list[str]:
    page = client.get(f"/classes/{classroom_id}{query}").get_data(as_text=True)
    roster = page.split('id="roster"', 1)[1].split('id="mastery"', 1)[0]
    return ROW_NAME.findall(roster)


def test_class_page_sorts_by_any_column_missing_values_last(
    instructor_client: FlaskClient, known: Known
) -> None:
    classroom_id = known.classroom_id
    assert roster_order(instructor_client, classroom_id) == ["Ana", "Ben", "Cy", "Dee", "Flo"]
    by_average = roster_order(instructor_client, classroom_id, "?sort=average&dir=desc")
    assert by_average == ["Ana", "Ben", "Cy", "Dee", "Flo"]
    by_average = roster_order(instructor_client, classroom_id, "?sort=average&dir=asc")
    assert by_average == ["Cy", "Dee", "Ben", "Ana", "Flo"]
    by_retention = roster_order(instructor_client, classroom_id, "?sort=retention&dir=asc")
    assert by_retention == ["Ben", "Ana", "Flo", "Cy", "Dee"]
    by_last = roster_order(instructor_client, classroom_id, "?sort=last&dir=desc")
    assert by_last == ["Ana", "Ben", "Cy", "Dee", "Flo"]
    by_active = roster_order(instructor_client, classroom_id, "?sort=active&dir=asc")
    assert by_active[0] == "Flo"
    assert roster_order(instructor_client, classroom_id, "?sort=bogus&dir=sideways") == [
        "Ana",
        "Ben",
        "Cy",
        "Dee",
        "Flo",
    ]


def test_class_page_sorts_by_a_topic_of_the_grid(
    app: Flask, instructor_client: FlaskClient, known: Known
) -> None:
    with app.app_context():
        causes = next(t.id for t in all_topics() if t.key == "causes")
    order = roster_order(instructor_client, known.classroom_id, f"?sort=topic-{causes}&dir=desc")
    assert order == ["Ana", "Ben", "Cy", "Dee", "Flo"]
    page = instructor_client.get(f"/classes/{known.classroom_id}?sort=topic-{causes}&dir=desc")
    html = page.get_data(as_text=True)
    header = re.search(
        r'<th scope="col" class="sortable num" aria-sort="descending">\s*<a[^>]*>'
        r"Causes",
        html,
    )
    assert header, "the sorted topic column says so with aria-sort"


def test_class_page_shows_the_numbers(instructor_client: FlaskClient, known: Known) -> None:
    html = instructor_client.get(f"/classes/{known.classroom_id}").get_data(as_text=True)
    assert "Roster (5)" in html
    assert 'aria-sort="ascending"' in html  # the default order, by name
    ben = html.split(">Ben</a>", 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r'<td class="num">([^<]*)</td>', ben)
    # quizzes, average, best, last, retention, reviews, cards
    assert cells == ["2", "58%", "67%", "50%", "0%", "2", "1"]
    grid = html.split('id="mastery"', 1)[1]
    ana = grid.split(">Ana</a>", 1)[1].split("</tr>", 1)[0]
    assert ">100%</td>" in ana and "1 of " in ana
    assert "Eve" not in html


def test_learner_page(instructor_client: FlaskClient, known: Known) -> None:
    url = f"/classes/{known.classroom_id}/learners/{known.ben.id}"
    html = instructor_client.get(url).get_data(as_text=True)
    assert "<h1>Ben</h1>" in html
    assert html.count("not finished") == 1
    assert "2 out of 3 (67%)" in html and "1 out of 2 (50%)" in html
    topics = html.split('id="topics-heading"', 1)[1].split("</table>", 1)[0]
    causes = topics.split(">Causes of leukopenia</th>", 1)[1].split("</tr>", 1)[0]
    # quiz accuracy, answers, (no card learned: a dash), ratings behind cards, mastery
    assert re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)</td>', causes) == [
        "50%",
        "6",
        "0",
        "50%",
    ]
    assert html.count(">Again</span>") == 2
    assert "2 in the last 7 days, 2 in the last 30 days" in html


def test_items_page_lists_the_class_questions_with_edit_links(
    instructor_client: FlaskClient, known: Known
) -> None:
    html = instructor_client.get(f"/classes/{known.classroom_id}/items").get_data(as_text=True)
    assert "5 questions, 0 flagged" in html
    for item_id in known.q:
        assert f'href="/bank/items/{item_id}/edit"' in html
    assert "Negative discrimination" not in html
    assert ">-30%<br>" in html and ">58%<br>" in html  # each with its interval below
    assert html.count("Too few answers to judge") == 5
    hardest = re.findall(r'href="/bank/items/(\d+)/edit"', html)
    assert int(hardest[0]) == known.q[4]  # facility 0 % comes first by default
    by_discrimination = instructor_client.get(
        f"/classes/{known.classroom_id}/items?sort=discrimination&dir=desc"
    ).get_data(as_text=True)
    order = [int(n) for n in re.findall(r'href="/bank/items/(\d+)/edit"', by_discrimination)]
    assert order[:3] == [known.q[1], known.q[0], known.q[2]]
    assert set(order[3:]) == {known.q[3], known.q[4]}  # undefined ones last


def test_items_across_all_learners(instructor_client: FlaskClient, known: Known) -> None:
    html = instructor_client.get("/classes/items/all").get_data(as_text=True)
    assert "Item analysis: all learners" in html
    assert ">60%<br>" in html  # q1 with Eve
