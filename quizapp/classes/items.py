"""Item analysis: how each question fared in the learners' finished attempts.

The numbers are counted in SQL over all the learners at once (window functions);
Python finishes the correlation with a square root (SQLite has no ``sqrt``
without its optional math functions) and arranges the rows.

* **facility index** — mean score on the question, 0 to 1 (shown as a percent).
* **discrimination index** — as Moodle's quiz statistics: Pearson's correlation,
  over the finished attempts that asked the question, between the score on the
  question (x) and the score on the rest of that attempt (y, the points for the
  other questions over their number, so attempts of any length compare). With
  every pair's deviation from the question's means (a window ``AVG … OVER``)::

      r = Σ dx·dy / √(Σ dx² · Σ dy²)

  It runs from −1 to +1; it is undefined when everyone scored the same on the
  question or on the rest (a zero spread), and for one-question attempts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Select, case, cast, func, select, true
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from quizapp.classes.selection import Sorting, missing_last
from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Item, Response, Topic
from quizapp.progress.mastery import Learners, among

LOW_FACILITY = 0.3  # Moodle calls under 35 % "difficult"; under 30 % is worth a look
WEAK_DISCRIMINATION = 0.2  # Moodle: under 20 % "weak", negative "bad"
CHOICE_TYPES = (ItemType.SINGLE, ItemType.MULTIPLE, ItemType.TRUEFALSE)


@dataclass(frozen=True)
class OptionPicks:
    text: str
    picks: int
    correct: bool
    current: bool = True  # False for an option only an earlier version had


@dataclass(frozen=True)
class ItemStats:
    item_id: int
    uid: str
    prompt: str
    type: ItemType
    topic: str
    attempts: int  # finished attempts that asked it
    answered: int
    facility: float  # mean score, 0–1
    discrimination: float | None  # −1 to +1
    options: tuple[OptionPicks, ...] = ()

    @property
    def flags(self) -> list[str]:
        """Why an instructor should look at this question, if at all."""
        found = []
        if self.facility < LOW_FACILITY:
            found.append("Hard: few learners get it right. Is the key or the wording wrong?")
        if self.discrimination is not None and self.discrimination < 0:
            found.append(
                "Negative discrimination: stronger learners miss it more than weaker ones."
            )
        elif self.discrimination is not None and self.discrimination < WEAK_DISCRIMINATION:
            found.append("Weak discrimination: it barely separates strong from weak learners.")
        return found


ITEM_COLUMNS = {
    "question": "Question",
    "topic": "Topic",
    "type": "Type",
    "attempts": "Attempts",
    "facility": "Facility",
    "discrimination": "Discrimination",
}


def _scored_questions(learners: Learners) -> Subquery:
    """Every question of the learners' finished attempts with its score (x), and the
    attempt's total and length as window sums over the attempt's questions."""
    x = func.coalesce(Response.score, 0.0)
    return (
        select(
            AttemptQuestion.item_id.label("item_id"),
            x.label("x"),
            Response.id.label("response_id"),
            func.sum(x).over(partition_by=AttemptQuestion.attempt_id).label("total"),
            func.count().over(partition_by=AttemptQuestion.attempt_id).label("asked"),
        )
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .outerjoin(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(among(Attempt.learner_id, learners), Attempt.finished_at.is_not(None))
        .subquery("scored")
    )


def item_analysis_query(learners: Learners) -> Select[Any]:
    """Per question: attempts, answers, facility and the centred sums of the
    correlation, in one pass: a window over each attempt (its total and length),
    then a window over each question (the means the deviations are taken from)."""
    scored = _scored_questions(learners)
    paired = scored.c.asked > 1  # a one-question attempt has no rest of the test
    x = case((paired, scored.c.x))
    y = case((paired, (scored.c.total - scored.c.x) / (scored.c.asked - 1)))
    centred = select(
        scored.c.item_id,
        scored.c.x,
        scored.c.response_id,
        (x - func.avg(x).over(partition_by=scored.c.item_id)).label("dx"),
        (y - func.avg(y).over(partition_by=scored.c.item_id)).label("dy"),
    ).subquery("centred")
    stats = (
        select(
            centred.c.item_id,
            func.count().label("attempts"),
            func.count(centred.c.response_id).label("answered"),
            cast(func.avg(centred.c.x), Float).label("facility"),
            func.sum(centred.c.dx * centred.c.dy).label("sxy"),
            func.sum(centred.c.dx * centred.c.dx).label("sxx"),
            func.sum(centred.c.dy * centred.c.dy).label("syy"),
        )
        .group_by(centred.c.item_id)
        .subquery("stats")
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
            stats.c.sxy,
            stats.c.sxx,
            stats.c.syy,
            Item.options,
            Item.answer,
        )
        .join(stats, stats.c.item_id == Item.id)
        .join(Topic, Topic.id == Item.topic_id)
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
    type_: ItemType, options: list[str] | None, answer: Any, picks: dict[str, int]
) -> tuple[OptionPicks, ...]:
    """The current version's options in their own order, with their picks; texts
    picked under an earlier version follow."""
    if type_ is ItemType.TRUEFALSE:
        return tuple(
            OptionPicks(label, picks.get(key, 0), answer is value)
            for label, key, value in (("True", "true", True), ("False", "false", False))
        )
    right = set(answer) if isinstance(answer, list) else {answer}
    current = list(options or [])
    listed = [OptionPicks(text, picks.get(text, 0), text in right) for text in current]
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
        item_id, uid, prompt, type_, topic, attempts, answered, facility = row[:8]
        sxy, sxx, syy, options, answer = row[8:]
        items.append(
            ItemStats(
                item_id,
                uid,
                prompt,
                type_,
                topic,
                int(attempts),
                int(answered),
                float(facility or 0.0),
                correlation(sxy, sxx, syy),
                _options(type_, options, answer, picks.get(item_id, {}))
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
        "attempts": lambda item: item.attempts,
        "facility": lambda item: item.facility,
        "discrimination": lambda item: item.discrimination,
    }[sorting.key]
    by_text = sorted(items, key=lambda item: (item.prompt.casefold(), item.item_id))
    if sorting.key in ("question", "topic", "type"):
        return sorted(by_text, key=value, reverse=sorting.descending)
    return sorted(by_text, key=lambda item: missing_last(value(item), sorting.descending))
