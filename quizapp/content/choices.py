"""Seeded choice of options, so the same facts always give the same questions."""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from .text import normalise

_Option = TypeVar("_Option")
_NUMBER = re.compile(r"^\s*[-+]?(\d+(?:[.,]\d+)?)")


def seeded(item_id: str) -> random.Random:
    """A random generator seeded by the item id.

    Python's ``hash()`` changes between runs, so the seed comes from a stable
    digest; seeding per item keeps one item's choice independent of the others.
    """
    return random.Random(int.from_bytes(hashlib.sha256(item_id.encode()).digest()[:8], "big"))


def pick(
    tiers: Iterable[Iterable[_Option]],
    count: int,
    rng: random.Random,
    key: Callable[[_Option], str],
    taken: Iterable[str],
) -> list[_Option]:
    """Up to ``count`` options, earlier tiers first, none whose ``key`` is taken or already picked.

    Within a tier the options are sampled with ``rng``; a later tier is only
    used when the earlier ones run out.
    """
    chosen: list[_Option] = []
    seen = set(taken)
    for tier in tiers:
        fresh: list[_Option] = []
        for option in tier:
            if key(option) not in seen:
                seen.add(key(option))
                fresh.append(option)
        chosen += rng.sample(fresh, min(len(fresh), count - len(chosen)))
        if len(chosen) == count:
            break
    return chosen


def leading_number(text: str) -> float | None:
    """The number an option starts with ("2.0 × 10⁹/L" gives 2.0), or None."""
    match = _NUMBER.match(text)
    return float(match.group(1).replace(",", ".")) if match else None


def option_order(options: Iterable[str]) -> tuple[str, ...]:
    """Options in an order that reveals nothing: by value when all are numbers, else by text.

    Item-writing guides ask for numeric options in numeric order; text order
    would put "10.0" before "2.0".
    """
    listed = list(options)
    values = [leading_number(option) for option in listed]
    if all(value is not None for value in values):
        pairs = sorted(zip(values, listed, strict=True), key=lambda pair: (pair[0], pair[1]))
        return tuple(option for _, option in pairs)
    return tuple(sorted(listed, key=lambda option: (normalise(option), option)))
