"""The statistics behind item analysis, as pure functions (no Flask, no database).

* :func:`wilson` — Wilson's score interval for a proportion (the facility). Unlike
  the textbook ``p ± 1.96·√(p(1−p)/n)`` it stays inside 0–1 and does not shrink
  to nothing when everyone (or no one) got the question right.
* :func:`fisher_interval` — the interval of a correlation (the discrimination)
  through Fisher's z = atanh r, whose error is about 1/√(n − 3).
* :func:`discriminative_efficiency` — Moodle's: the covariance of question and
  rest-of-test scores over the largest covariance those same scores could have
  (each list sorted, then paired in order).
* :func:`random_guess_score` — Moodle's: the mean score of a learner who picks
  an answer at random.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from quizapp.content import ItemType
from quizapp.quiz import grading

Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile: 95 % two-sided
NO_SPREAD = 1e-12  # a centred sum smaller than this is a zero spread


def wilson(mean: float, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """The 95 % Wilson score interval of a proportion ``mean`` seen over ``n`` answers.

    A question with partial credit has a mean score rather than a count of right
    answers; it is read as a proportion, which is close enough to judge by.
    """
    if n <= 0:
        return None
    z2 = z * z
    scale = 1 + z2 / n
    centre = (mean + z2 / (2 * n)) / scale
    half = z / scale * math.sqrt(max(mean * (1 - mean), 0.0) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def fisher_interval(r: float, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """The 95 % interval of a correlation ``r`` over ``n`` pairs (none under 4 pairs)."""
    if n < 4:
        return None
    if abs(r) >= 1:
        return r, r
    centre, half = math.atanh(r), z / math.sqrt(n - 3)
    return math.tanh(centre - half), math.tanh(centre + half)


def discriminative_efficiency(sxy: float | None, sxy_max: float | None) -> float | None:
    """Σdx·dy over the same sum with both lists sorted (Moodle's "discriminative
    efficiency"): how near the discrimination comes to the best these scores allow.
    None when the sorted sum is zero (no spread in the question or the rest)."""
    if sxy is None or sxy_max is None or sxy_max < NO_SPREAD:
        return None
    return sxy / sxy_max


def random_guess_score(
    type_: ItemType,
    options: Sequence[str] | None,
    answer: Any,
    accept: Sequence[str] | None,
    weights: Mapping[str, float] | None,
) -> float | None:
    """The mean score of a random guess, as Moodle's question types define it:
    a single answer, the mean score of its options (1/n with one key); true/false,
    one half; a typed answer, the credit of a ``*`` accepted answer (any text),
    else 0. None for a multiple answer, which Moodle does not try to estimate."""
    if type_ is ItemType.TRUEFALSE:
        return 0.5
    if type_ is ItemType.MULTIPLE:
        return None
    if type_ is ItemType.SINGLE:
        if not options:
            return None
        question = _question(type_, options, answer, accept, weights)
        return sum(grading.grade(question, option).score for option in options) / len(options)
    if type_ is ItemType.FILLIN:
        question = _question(type_, options, answer, accept, weights)
        stars = [text for text in question.alternatives if text.strip() == "*"]
        return float(grading.Grade.of(question.weight(stars[0])).score) if stars else 0.0
    return 0.0


def _question(
    type_: ItemType,
    options: Sequence[str] | None,
    answer: Any,
    accept: Sequence[str] | None,
    weights: Mapping[str, float] | None,
) -> grading.Question:
    return grading.Question.from_content(
        {
            "type": type_.value,
            "options": list(options or ()),
            "answer": answer,
            "accept": list(accept or ()),
            "weights": dict(weights or {}),
        }
    )
