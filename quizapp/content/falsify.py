"""False statements made by plausible substitution, and the checks that recognise them.

A true/false question teaches only if False is as likely as True and nothing
but knowledge tells them apart. The generator therefore makes False versions
of true sentences by swapping one thing for a near-miss of the same kind: a
list claim with a member of another list (or a pool distractor), a threshold
with another of the deck's thresholds. The validator uses the same functions
to prove that each such statement is really false by the fact base.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .schema import MEMBER_PLACEHOLDER

_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?!\w)")
_BELOW = re.compile(r"\b(below|under|less than|lower than|fewer than|up to)\s*$", re.I)
_ABOVE = re.compile(r"\b(above|over|more than|higher than|greater than|at least)\s*$", re.I)
_DANGLING = re.compile(
    r"^(such|these|those|this|that|it|its|they|their|both|the (list|link|latter|former))\b", re.I
)
_LOOKBEHIND = 25  # characters before a number searched for "below" or "above"


def dangling(statement: str) -> bool:
    """True when the sentence leans on a neighbour ("Such infections…", "The list…")."""
    return bool(_DANGLING.match(statement.strip()))


def claim_text(claim: str, member: str) -> str:
    return claim.replace(MEMBER_PLACEHOLDER, member)


def claim_member(claim: str, prompt: str) -> str | None:
    """The text put in place of ``{member}`` when ``prompt`` is an instance of ``claim``."""
    before, _, after = claim.partition(MEMBER_PLACEHOLDER)
    fits = prompt.startswith(before) and prompt.endswith(after)
    if fits and len(prompt) > len(before) + len(after):
        return prompt[len(before) : len(prompt) - len(after)]
    return None


@dataclass(frozen=True)
class Threshold:
    """A threshold written in a statement, and the statement with another value in its place."""

    right: str
    wrong: str
    text: str


def wrong_thresholds(statement: str, value: float, others: Iterable[float]) -> list[Threshold]:
    """The statement with ``value`` replaced by each other value that makes it false.

    The number must be written once in the statement. After "below" only a
    larger value is used, after "above" only a smaller one: "a count below
    2.0" would still be true of a count below 4.0, so that swap is not false.
    """
    matches = [match for match in _NUMBER.finditer(statement) if float(match[0]) == value]
    if len(matches) != 1:
        return []
    (match,) = matches
    decimals = len(match[0].partition(".")[2])
    preceding = statement[max(0, match.start() - _LOOKBEHIND) : match.start()]
    below, above = _BELOW.search(preceding), _ABOVE.search(preceding)
    variants = []
    for other in sorted(set(others) - {value}):
        if (below and other < value) or (above and other > value):
            continue
        wrong = f"{other:.{decimals}f}"
        text = statement[: match.start()] + wrong + statement[match.end() :]
        variants.append(Threshold(match[0], wrong, text))
    return variants


def number_swapped(statement: str, prompt: str) -> bool:
    """True when ``prompt`` is ``statement`` with exactly one number changed to a
    value that makes it false (the rule of :func:`wrong_thresholds`)."""
    said, asked = _NUMBER.split(statement), _NUMBER.split(prompt)
    if said != asked:
        return False
    pairs = zip(_NUMBER.findall(statement), _NUMBER.findall(prompt), strict=True)
    changed = [
        (float(right), float(wrong)) for right, wrong in pairs if float(right) != float(wrong)
    ]
    if len(changed) != 1:
        return False
    ((value, other),) = changed
    return bool(wrong_thresholds(statement, value, [other]))
