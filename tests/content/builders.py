"""Test data builders: a copy of the test topic that a test may break in one place."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from quizapp.content import Bank, BankError, Deck, load_deck, read_bank

HERE = Path(__file__).resolve().parent
TOPICS = HERE / "topics"
SEEDS = HERE / "seeds"
DECK = "hand-hygiene"


@dataclass(frozen=True)
class BankCopy:
    """The hand-hygiene test topic copied under tmp_path, with helpers to break and read it."""

    root: Path

    @property
    def deck(self) -> Path:
        return self.root / DECK

    def edit(self, name: str, old: str, new: str) -> None:
        """Replace ``old``, which must occur exactly once, in one file of the deck."""
        path = self.deck / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def write(self, name: str, text: str) -> None:
        path = self.deck / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def add_item(self, entry: str) -> None:
        """Append one hand-written item (a YAML mapping, without the leading "- ") to items.yaml."""
        lines = textwrap.dedent(entry).strip().splitlines()
        path = self.deck / "items.yaml"
        text = path.read_text(encoding="utf-8") + "\n  - " + "\n    ".join(lines) + "\n"
        path.write_text(text, encoding="utf-8")

    def where(self, name: str, marker: str) -> str:
        """``hand-hygiene/<name>:<line>`` for the one line of the file that contains ``marker``."""
        lines = (self.deck / name).read_text(encoding="utf-8").splitlines()
        found = [number for number, line in enumerate(lines, start=1) if marker in line]
        assert len(found) == 1, f"{marker!r} is on lines {found} of {name}"
        return f"{DECK}/{name}:{found[0]}"

    def problems(self) -> list[str]:
        """Every problem ``read_bank`` reports, as printed; [] when the bank is accepted."""
        try:
            read_bank(self.root)
        except BankError as error:
            return [str(problem) for problem in error.problems]
        return []

    def read(self) -> Bank:
        return read_bank(self.root)

    def load(self) -> Deck:
        return load_deck(self.deck)
