"""Item analysis: how each question fared in the learners' finished attempts.

The numbers are counted in SQL over all the learners at once (window functions
and GROUP BY, one statement whatever the class size); Python finishes them with
square roots (SQLite has no ``sqrt`` without its optional math functions) and
the intervals of :mod:`quizapp.classes.statistics`.

Only **answers** count: a question left unanswered in a finished quiz says
nothing about the question, so it is shown as "unanswered" and left out of every
figure (it still counts 0 in that quiz's score, the rest-of-test score below).
Unfinished quizzes are left out altogether.

* **facility** — mean score over the answers, 0 to 1, with its Wilson interval.
* **discrimination** — as Moodle's quiz statistics: Pearson's correlation, over
  the answers in quizzes of two questions or more, between the score on the
  question (x) and the score on the rest of that quiz (y, the points for the
  other questions over their number, so quizzes of any length compare). With
  every pair's deviation from the question's means (a window ``AVG … OVER``)::

      r = Σ dx·dy / √(Σ dx² · Σ dy²)

  with its Fisher-z interval; undefined when everyone scored the same on the
  question or on the rest.
* **discriminative efficiency** — Σ dx·dy over the same sum with the x and the
  y each sorted and paired in order (ranks by ``ROW_NUMBER``, then a self-join).
* **random-guess score** — what picking an answer at random would score.

A question is judged (flagged) only from ``MIN_ANSWERS`` answers on, and only
when the whole 95 % interval is on the wrong side of a threshold.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Select, and_, case, cast, func, select, true
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CTE

from quizapp.classes.selection import Sorting, missing_last
from quizapp.classes.statistics import (
    discriminative_efficiency,
    fisher_interval,
    random_guess_score,
    wilson,
)
from quizapp.content import ItemType
from quizapp.content.markup import plain_text
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Item, Response, Topic
from quizapp.progress.mastery import Learners, among

MIN_ANSWERS = 20  # answers (not attempts) before a question is judged at all
LOW_FACILITY = 0.3  # Moodle calls under 35 % "difficult"; under 30 % is worth a look
WEAK_DISCRIMINATION = 0.2  # Moodle: under 20 % "weak", negative "bad"
IDLE_DISTRACTOR = 0.05  # a wrong option picked by fewer answers than this is not working
CHOICE_TYPES = (ItemType.SINGLE, ItemType.MULTIPLE, ItemType.TRUEFALSE)


@dataclass(frozen=True)
class OptionPicks:
    text: str
    picks: int
    correct: bool
    current: bool = True  # False for an option only an earlier version had
    working: bool = True  # False for a distractor almost nobody picks (with enough answers)


@dataclass(frozen=True)
class ItemStats:
    item_id: int
    uid: str
    prompt: str
    type: ItemType
    topic: str
    attempts: int  # finished attempts that asked it
    answered: int  # of which answered: the sample size of every figure
    facility: float | None  # mean score over the answers, 0–1
    discrimination: float | None  # −1 to +1
    pairs: int = 0  # answers in quizzes of two questions or more
    efficiency: float | None = None  # discriminative efficiency
    guess: float | None = None  # random-guess score, 0–1
    options: tuple[OptionPicks, ...] = ()

    @property
    def judged(self) -> bool:
        """Enough answers to judge the question by (``MIN_ANSWERS``)."""
        return self.answered >= MIN_ANSWERS

    @property
    def facility_interval(self) -> tuple[float, float] | None:
        return None if self.facility is None else wilson(self.facility, self.answered)

    @property
    def discrimination_interval(self) -> tuple[float, float] | None:
        r = self.discrimination
        return None if r is None else fisher_interval(r, self.pairs)

    @property
    def idle_distractors(self) -> list[OptionPicks]:
        return [option for option in self.options if not option.working]

    @property
    def flags(self) -> list[str]:
        """Why an instructor should look at this question: only with enough answers,
        and only when the whole interval says so, not the figure alone."""
        if not self.judged:
            return []
        found = []
        facility = self.facility_interval
        if facility and self.guess and facility[1] < self.guess:
            found.append(
                "No better than guessing: even the top of its interval is under the "
                f"{round(100 * self.guess)}% a random guess scores. Is the key wrong?"
            )
        elif facility and facility[1] < LOW_FACILITY:
            found.append(
                f"Hard: under {round(100 * LOW_FACILITY)}% right, even at the top of its "
                "interval. Is the key or the wording wrong?"
            )
        discrimination = self.discrimination_interval
        if self.pairs >= MIN_ANSWERS and discrimination:
            if discrimination[1] < 0:
                found.append(
                    "Negative discrimination: stronger learners miss it more than weaker ones."
                )
            elif discrimination[1] < WEAK_DISCRIMINATION:
                found.append("Weak discrimination: it barely separates strong from weak learners.")
        return found


ITEM_COLUMNS = {
    "question": "Question",
    "topic": "Topic",
    "type": "Type",
    "answers": "Answers",
    "facility": "Facility",
    "discrimination": "Discrimination",
    "efficiency": "Discriminative efficiency",
    "guess": "Random-guess score",
}
ITEM_FILTERS = {"all": "All questions", "flagged": "Flagged only"}
ITEM_THRESHOLDS = {  # for the page's explanation
    "min_answers": MIN_ANSWERS,
    "low_facility": LOW_FACILITY,
    "weak_discrimination": WEAK_DISCRIMINATION,
    "idle_distractor": IDLE_DISTRACTOR,
}


def _scored_questions(learners: Learners) -> CTE:
    """Every question of the learners' finished attempts with its score (x, 0 when
    unanswered), whether it was answered, and the attempt's total and length as
    window sums over the attempt's questions."""
    x = func.coalesce(Response.score, 0.0)
    return (
        select(
            AttemptQuestion.item_id.label("item_id"),
            x.label("x"),
            case((Response.id.is_not(None), 1), else_=0).label("answered"),
            func.sum(x).over(partition_by=AttemptQuestion.attempt_id).label("total"),
            func.count().over(partition_by=AttemptQuestion.attempt_id).label("asked"),
        )
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .outerjoin(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(among(Attempt.learner_id, learners), Attempt.finished_at.is_not(None))
        .cte("scored")
    )


def _centred(learners: Learners) -> CTE:
    """Per attempt question: the answer's score (xa), and for the answers that
    have a rest of the quiz (``paired``) the deviations from the question's means
    and the ranks of x and of y among them, for the sorted pairing."""
    scored = _scored_questions(learners)
    answered = scored.c.answered == 1
    usable = and_(answered, scored.c.asked > 1)
    paired = case((usable, 1), else_=0)
    x = case((usable, scored.c.x))
    y = case((usable, (scored.c.total - scored.c.x) / (scored.c.asked - 1)))
    by_item = (scored.c.item_id, paired)
    return select(
        scored.c.item_id,
        case((answered, scored.c.x)).label("xa"),
        paired.label("paired"),
        (x - func.avg(x).over(partition_by=scored.c.item_id)).label("dx"),
        (y - func.avg(y).over(partition_by=scored.c.item_id)).label("dy"),
        func.row_number().over(partition_by=by_item, order_by=x).label("rank_x"),
        func.row_number().over(partition_by=by_item, order_by=y).label("rank_y"),
    ).cte("centred")


def item_analysis_query(learners: Learners) -> Select[Any]:
    """Per question: attempts, answers, facility, the centred sums of the
    correlation and the sorted sum of the discriminative efficiency."""
    centred = _centred(learners)
    stats = (
        select(
            centred.c.item_id,
            func.count().label("attempts"),
            func.count(centred.c.xa).label("answered"),
            cast(func.avg(centred.c.xa), Float).label("facility"),
            func.count(centred.c.dx).label("pairs"),
            func.sum(centred.c.dx * centred.c.dy).label("sxy"),
            func.sum(centred.c.dx * centred.c.dx).label("sxx"),
            func.sum(centred.c.dy * centred.c.dy).label("syy"),
        )
        .group_by(centred.c.item_id)
        .subquery("stats")
    )
    by_x, by_y = centred.alias("by_x"), centred.alias("by_y")
    most = (
        select(by_x.c.item_id, func.sum(by_x.c.dx * by_y.c.dy).label("sxy_max"))
        .join(
            by_y,
            and_(
                by_y.c.item_id == by_x.c.item_id,
                by_y.c.paired == 1,
                by_y.c.rank_y == by_x.c.rank_x,
            ),
        )
        .where(by_x.c.paired == 1)
        .group_by(by_x.c.item_id)
        .subquery("sorted_pairs")
    )
    return (
        select(
            Item.id,
            Item.uid,
            Item.prompt,
            Item.type,
            Topic.title,
            stats.c.attempts,
            stats.c.answered,
            stats.c.facility,
            stats.c.pairs,
            stats.c.sxy,
            stats.c.sxx,
            stats.c.syy,
            most.c.sxy_max,
            Item.options,
            Item.answer,
            Item.accept,
            Item.option_weights,
            Item.text_format,
        )
        .join(stats, stats.c.item_id == Item.id)
        .join(Topic, Topic.id == Item.topic_id)
        .outerjoin(most, most.c.item_id == Item.id)
    )


def correlation(sxy: float | None, sxx: float | None, syy: float | None) -> float | None:
    """Pearson's r from centred sums; None when either spread is (numerically) zero."""
    if sxy is None or sxx is None or syy is None or sxx < 1e-12 or syy < 1e-12:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def picks_query(learners: Learners) -> Select[Any]:
    """Per choice question and option text: how many answers picked it.

    ``Response.answer`` stores the chosen options' texts (see ``quiz.grading``), so
    no mapping through ``option_order`` is needed: a JSON string for one choice, an
    array for several, a boolean for true/false. The JSON is unnested in SQL.
    """
    if db.engine.dialect.name == "postgresql":
        as_array = case(
            (func.jsonb_typeof(Response.answer) == "array", Response.answer),
            else_=func.jsonb_build_array(Response.answer),
        )
        each = func.jsonb_array_elements_text(as_array).table_valued("value").lateral("pick")
        picked: ColumnElement[Any] = each.c.value
    else:
        each = func.json_each(Response.answer).table_valued("value", "type").alias("pick")
        picked = case((each.c.type.in_(("true", "false")), each.c.type), else_=each.c.value)
    picked = picked.label("picked")
    return (
        select(AttemptQuestion.item_id, picked, func.count())
        .select_from(Response)
        .join(AttemptQuestion, AttemptQuestion.id == Response.attempt_question_id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Item, Item.id == AttemptQuestion.item_id)
        .join(each, true())
        .where(
            among(Attempt.learner_id, learners),
            Attempt.finished_at.is_not(None),
            Item.type.in_(CHOICE_TYPES),
        )
        .group_by(AttemptQuestion.item_id, picked)
    )


def _options(
    type_: ItemType, options: list[str] | None, answer: Any, picks: dict[str, int], answered: int
) -> tuple[OptionPicks, ...]:
    """The current version's options in their own order, with their picks; texts
    picked under an earlier version follow. With ``MIN_ANSWERS`` answers or more,
    a current wrong option picked by under ``IDLE_DISTRACTOR`` of them is not working."""

    def option(text: str, count: int, correct: bool) -> OptionPicks:
        idle = answered >= MIN_ANSWERS and not correct and count < IDLE_DISTRACTOR * answered
        return OptionPicks(text, count, correct, working=not idle)

    if type_ is ItemType.TRUEFALSE:
        return tuple(
            option(label, picks.get(key, 0), answer is value)
            for label, key, value in (("True", "true", True), ("False", "false", False))
        )
    right = set(answer) if isinstance(answer, list) else {answer}
    current = list(options or [])
    listed = [option(text, picks.get(text, 0), text in right) for text in current]
    earlier = [
        OptionPicks(text, count, False, current=False)
        for text, count in sorted(picks.items())
        if text not in current
    ]
    return tuple(listed + earlier)


def item_analysis(learners: Learners, sorting: Sorting) -> list[ItemStats]:
    """Every question the learners met in finished attempts, in ``sorting``'s order."""
    picks: dict[int, dict[str, int]] = {}
    for item_id, text, count in db.session.execute(picks_query(learners)):
        picks.setdefault(item_id, {})[str(text)] = int(count)
    items = []
    for row in db.session.execute(item_analysis_query(learners)):
        item_id, uid, prompt, type_, topic, attempts, answered, facility, pairs = row[:9]
        sxy, sxx, syy, sxy_max, options, answer, accept, weights, text_format = row[9:]
        items.append(
            ItemStats(
                item_id,
                uid,
                plain_text(prompt, text_format),  # imported HTML or Markdown as words
                type_,
                topic,
                int(attempts),
                int(answered),
                None if facility is None else float(facility),
                correlation(sxy, sxx, syy),
                int(pairs),
                discriminative_efficiency(sxy, sxy_max),
                random_guess_score(type_, options, answer, accept, weights),
                _options(type_, options, answer, picks.get(item_id, {}), int(answered))
                if type_ in CHOICE_TYPES
                else (),
            )
        )
    return sort_items(items, sorting)


def sort_items(items: list[ItemStats], sorting: Sorting) -> list[ItemStats]:
    """Order the (already aggregated) questions; missing values last, ties by text."""
    value: Callable[[ItemStats], Any] = {
        "question": lambda item: item.prompt.casefold(),
        "topic": lambda item: item.topic.casefold(),
        "type": lambda item: item.type.value,
        "answers": lambda item: item.answered,
        "facility": lambda item: item.facility,
        "discrimination": lambda item: item.discrimination,
        "efficiency": lambda item: item.efficiency,
        "guess": lambda item: item.guess,
    }[sorting.key]
    by_text = sorted(items, key=lambda item: (item.prompt.casefold(), item.item_id))
    if sorting.key in ("question", "topic", "type"):
        return sorted(by_text, key=value, reverse=sorting.descending)
    return sorted(by_text, key=lambda item: missing_last(value(item), sorting.descending))
