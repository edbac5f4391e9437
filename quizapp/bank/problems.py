"""What a service or form refused, said field by field.

One exception for every "these fields are wrong" answer (a deck, a source, a
fact, a candidate's form), so the views show them all the same way: each
message at the field it names, the rest above the form.
"""

from __future__ import annotations


class Problems(Exception):
    """Why something was refused: form field name -> messages."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(m for messages in problems.values() for m in messages))
