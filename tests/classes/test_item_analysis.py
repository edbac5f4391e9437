"""Item analysis an instructor can trust: intervals, a minimum of answers before
any flag, Moodle's discriminative efficiency and random-guess score, distractors
nobody picks, and the page's filter, sort and links.

The class "Big ward" (24 learners; the first 12 "strong", the other 12 "weak")
each finish one quiz of six single-answer questions, answered as follows:

=======  ==============================  ======================================
item     strong learners                 weak learners
=======  ==============================  ======================================
good1-3  right                           wrong (their first other option)
bad      wrong (its first other option)  right
hard     wrong: all pick one distractor  wrong: the same distractor
skipped  left unanswered (the quiz is finished without it)
=======  ==============================  ======================================

Rest-of-quiz scores y = (points − x)/5: a strong learner scores 3 in all, a weak
one 1. good1: x = 1, y = 2/5 (strong); x = 0, y = 1/5 (weak) → r = +1, and the
sorted pairing is the pairing itself → discriminative efficiency 100 %.
bad: x = 0, y = 3/5 (strong); x = 1, y = 0 (weak) → r = −1: the whole interval
is below 0 → "Negative discrimination". hard: facility 0 over 24 answers; Wilson's
upper bound is z²/n / (1 + z²/n) = 0.1601/1.1601 = 13.8 %, under both 30 % and
the random-guess score (one over the options) → flagged; the two or more other
distractors were picked by nobody (0 < 5 % of 24) → "not working".
skipped: 24 attempts, 0 answers → no figure, no flag.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.classes.items import MIN_ANSWERS, ItemStats, item_analysis
from quizapp.classes.selection import Sorting, class_learners
from quizapp.classes.statistics import (
    discriminative_efficiency,
    fisher_interval,
    random_guess_score,
    wilson,
)
from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Attempt, Item, User
from quizapp.quiz import services as quiz
from tests.classes.conftest import Classes

LEARNERS = 24


def test_wilson_interval_against_hand_computed_values() -> None:
    low, high = wilson(0.7, 10)  # 7 of 10: the textbook example
    assert (low, high) == (pytest.approx(0.3968, abs=1e-4), pytest.approx(0.8922, abs=1e-4))
    low, high = wilson(0.0, 24)  # none right: the interval still has a width
    assert low == pytest.approx(0.0, abs=1e-12)
    assert high == pytest.approx((1.96**2 / 24) / (1 + 1.96**2 / 24), abs=1e-4)
    assert wilson(0.5, 0) is None


def test_fisher_interval_against_hand_computed_values() -> None:
    # r = .5 over 28 pairs: atanh .5 = .5493 ± 1.96/√25 = ±.392 → tanh(.1573), tanh(.9413)
    low, high = fisher_interval(0.5, 28)
    assert (low, high) == (pytest.approx(0.1560, abs=1e-4), pytest.approx(0.7358, abs=1e-4))
    assert fisher_interval(-1.0, 24) == (-1.0, -1.0)
    assert fisher_interval(0.5, 3) is None  # n − 3 must be positive


def test_discriminative_efficiency() -> None:
    assert discriminative_efficiency(0.25, 0.75) == pytest.approx(1 / 3)
    assert discriminative_efficiency(0.0, 0.0) is None  # nobody differs
    assert discriminative_efficiency(None, None) is None


def test_random_guess_score_follows_moodle() -> None:
    options = ["A", "B", "C", "D"]
    assert random_guess_score(ItemType.SINGLE, options, "A", [], {}) == 0.25
    weighted = {"A": 1.0, "B": 0.5}
    assert random_guess_score(ItemType.SINGLE, options, "A", [], weighted) == 0.375
    assert random_guess_score(ItemType.TRUEFALSE, None, True, [], {}) == 0.5
    assert random_guess_score(ItemType.MULTIPLE, options, ["A", "B"], [], {}) is None
    assert random_guess_score(ItemType.FILLIN, None, "sepsis", [], {}) == 0.0
    assert random_guess_score(ItemType.FILLIN, None, "sepsis", ["*"], {"*": 0.2}) == 0.2


@dataclass
class Big:
    classroom_id: int
    good: list[int]
    bad: int
    hard: int
    skipped: int
    hard_pick: str


def _wrong(app: Flask, item_id: int) -> str:
    with app.app_context():
        item = db.session.get(Item, item_id)
        return next(text for text in item.options if text != item.answer)


def _key(app: Flask, item_id: int) -> str:
    with app.app_context():
        return str(db.session.get(Item, item_id).answer)


@pytest.fixture
def big(app: Flask, build: Classes, instructor: User) -> Big:
    classroom_id = build.classroom(instructor, "Big ward")
    *good, bad, hard, skipped = build.quizzes.items(ItemType.SINGLE, 6)
    key = {item: _key(app, item) for item in (*good, bad, hard)}
    wrong = {item: _wrong(app, item) for item in (*good, bad, hard)}
    for number in range(LEARNERS):
        strong = number < LEARNERS // 2
        learner = build.learner(f"Learner {number:02d}", classroom_id)
        attempt_id = build.quizzes.start(learner, [*good, bad, hard, skipped])
        for position, item in enumerate((*good, bad, hard), start=1):
            right = strong if item in good else (not strong if item == bad else False)
            build.answer(attempt_id, position, key[item] if right else wrong[item])
        with app.app_context():
            quiz.finish(db.session.get(Attempt, attempt_id))
            db.session.commit()
    return Big(classroom_id, good, bad, hard, skipped, wrong[hard])


def _stats(app: Flask, classroom_id: int) -> dict[int, ItemStats]:
    with app.app_context():
        items = item_analysis(class_learners(classroom_id), Sorting("facility"))
    return {item.item_id: item for item in items}


def test_a_clearly_bad_item_with_enough_answers_is_flagged(app: Flask, big: Big) -> None:
    """Also, in the same class (built once, it takes a while): a good item stays
    quiet, unanswered questions are no answers, a distractor nobody picks."""
    stats = _stats(app, big.classroom_id)
    bad, hard = stats[big.bad], stats[big.hard]
    assert (bad.attempts, bad.answered, bad.judged) == (LEARNERS, LEARNERS, True)
    assert bad.facility == 0.5
    assert bad.discrimination == pytest.approx(-1.0)
    assert bad.discrimination_interval == (pytest.approx(-1.0), pytest.approx(-1.0))
    assert bad.flags == [
        "Negative discrimination: stronger learners miss it more than weaker ones."
    ]
    assert hard.facility == 0.0
    low, high = hard.facility_interval or (None, None)
    assert high == pytest.approx(0.138, abs=1e-3)
    assert hard.guess == pytest.approx(1 / len(hard.options))
    assert len(hard.flags) == 1 and hard.flags[0].startswith("No better than guessing")

    good = stats[big.good[0]]
    assert good.discrimination == pytest.approx(1.0)
    assert good.efficiency == pytest.approx(1.0)
    assert good.facility_interval == (
        pytest.approx(0.3143, abs=1e-4),
        pytest.approx(0.6857, abs=1e-4),
    )
    assert good.flags == []

    skipped = stats[big.skipped]
    assert (skipped.attempts, skipped.answered) == (LEARNERS, 0)
    assert skipped.facility is None and skipped.discrimination is None
    assert skipped.flags == [] and not skipped.judged

    working = {option.text: option.working for option in hard.options}
    key = next(option for option in hard.options if option.correct)
    assert working.pop(key.text) is True  # the key is no distractor, even picked by none
    assert working.pop(big.hard_pick) is True  # every learner's pick
    assert working and not any(working.values())  # the distractors nobody picked


def test_too_few_answers_stay_quiet(app: Flask, build: Classes, instructor: User) -> None:
    """The bad pattern, but on MIN_ANSWERS − 1 quizzes: the figures, no flag."""
    classroom_id = build.classroom(instructor, "Small ward")
    good, bad, hard = build.quizzes.items(ItemType.SINGLE, 3)
    for number in range(MIN_ANSWERS - 1):
        strong = number % 2 == 0
        learner = build.learner(f"Learner {number:02d}", classroom_id)
        build.quiz(learner, [(good, strong), (bad, not strong), (hard, False)])
    stats = _stats(app, classroom_id)
    assert stats[bad].discrimination == pytest.approx(-1.0)
    assert stats[hard].facility == 0.0
    assert [stats[item].flags for item in (good, bad, hard)] == [[], [], []]
    assert not any(option.working is False for option in stats[hard].options)


def item_ids(html: str) -> list[int]:
    return [
        int(n)
        for n in re.findall(r'<th scope="row"[^>]*>\s*<a href="/bank/items/(\d+)/edit"', html)
    ]


def test_filter_shows_only_flagged_questions_with_links(
    instructor_client: FlaskClient, big: Big
) -> None:
    url = f"/classes/{big.classroom_id}/items"
    html = instructor_client.get(url).get_data(as_text=True)
    assert "6 questions, 2 flagged" in html
    assert len(item_ids(html)) == 6
    flagged = instructor_client.get(f"{url}?show=flagged").get_data(as_text=True)
    assert sorted(item_ids(flagged)) == sorted([big.bad, big.hard])
    assert re.search(
        r'<a href="[^"]*show=flagged[^"]*" aria-current="page">Flagged only \(2\)', flagged
    )
    # sorting keeps the filter, and the filter keeps the sort
    assert re.search(
        r'href="[^"]*sort=discrimination[^"]*show=flagged|href="[^"]*show=flagged[^"]*sort=discrimination',
        flagged,
    )
    # each flag links to the question's editor and to its item-writing check
    for item_id in (big.bad, big.hard):
        assert f'href="/bank/items/{item_id}/edit">Edit the question' in flagged
        assert f'href="/bank/items/{item_id}#item-findings">Item-writing check' in flagged
    assert "not working" in flagged
    assert "Too few answers to judge" not in flagged  # flagged rows are always judged
    assert 'id="item-findings"' in instructor_client.get(f"/bank/items/{big.bad}").get_data(
        as_text=True
    )
    bogus = instructor_client.get(f"{url}?show=nonsense")
    assert bogus.status_code == 200 and len(item_ids(bogus.get_data(as_text=True))) == 6


def test_sort_by_any_column(instructor_client: FlaskClient, big: Big) -> None:
    url = f"/classes/{big.classroom_id}/items"
    by_discrimination = instructor_client.get(f"{url}?sort=discrimination&dir=desc")
    html = by_discrimination.get_data(as_text=True)
    order = item_ids(html)
    assert set(order[:3]) == set(big.good)  # r = 1 first
    assert order[3] == big.bad  # r = −1
    assert set(order[4:]) == {big.hard, big.skipped}  # undefined last
    assert re.search(
        r'<th scope="col" class="sortable num" aria-sort="descending">\s*<a[^>]*>Discrimination<',
        html,
    )
    for key in ("question", "topic", "type", "answers", "facility", "efficiency", "guess"):
        for direction in ("asc", "desc"):
            page = instructor_client.get(f"{url}?sort={key}&dir={direction}")
            assert page.status_code == 200
            assert sorted(item_ids(page.get_data(as_text=True))) == sorted(
                [*big.good, big.bad, big.hard, big.skipped]
            )
    by_answers = item_ids(
        instructor_client.get(f"{url}?sort=answers&dir=asc").get_data(as_text=True)
    )
    assert by_answers[0] == big.skipped


def test_items_csv_has_the_same_rules(instructor_client: FlaskClient, big: Big) -> None:
    body = instructor_client.get(f"/classes/{big.classroom_id}/items.csv").get_data()
    header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    by_id = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows}
    bad, hard, skipped = by_id[big.bad], by_id[big.hard], by_id[big.skipped]
    assert bad["Judged"] == "yes" and bad["Flags"].startswith("Negative discrimination")
    assert (bad["Discrimination %"], bad["Discrimination high %"]) == ("-100.0", "-100.0")
    assert (hard["Facility %"], hard["Facility high %"]) == ("0.0", "13.8")
    assert float(hard["Random-guess score %"]) == pytest.approx(
        100 / (hard["Options picked"].count(";") + 1), abs=0.1
    )
    assert "(not working): 0" in hard["Options picked"]
    assert (skipped["Answers"], skipped["Facility %"], skipped["Flags"]) == ("0", "", "")
    assert skipped["Judged"] == "too few answers to judge"
    good = by_id[big.good[0]]
    assert good["Discriminative efficiency %"] == "100.0"
    assert math.isclose(float(good["Facility low %"]), 31.4)
