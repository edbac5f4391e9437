"""Small helpers for the sentences pages say."""

from __future__ import annotations


def counted(number: int, one: str, many: str | None = None) -> str:
    """``number`` with its noun: "1 draft item", "3 draft items" (``many`` when
    the plural is not ``one`` + "s")."""
    return f"{number} {one}" if number == 1 else f"{number} {many or one + 's'}"
