"""Seeded choice of options, so the same facts always give the same questions."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable


def seeded(item_id: str) -> random.Random:
    """A random generator seeded by the item id.

    Python's ``hash()`` changes between runs, so the seed comes from a stable
    digest; seeding per item keeps one item's choice independent of the others.
    """
    return random.Random(int.from_bytes(hashlib.sha256(item_id.encode()).digest()[:8], "big"))


def pick(
    tiers: Iterable[Iterable[str]],
    count: int,
    rng: random.Random,
    key: Callable[[str], str],
    taken: Iterable[str],
) -> list[str]:
    """Up to ``count`` texts, earlier tiers first, none whose ``key`` is taken or already picked.

    Within a tier the texts are sampled with ``rng``; a later tier is only
    used when the earlier ones run out.
    """
    chosen: list[str] = []
    seen = set(taken)
    for tier in tiers:
        fresh: list[str] = []
        for text in tier:
            if key(text) not in seen:
                seen.add(key(text))
                fresh.append(text)
        chosen += rng.sample(fresh, min(len(fresh), count - len(chosen)))
        if len(chosen) == count:
            break
    return chosen
