"""Where bank content was written and what is wrong with it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """The file and line a fact or item was written at, so problems can point there."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Problem:
    """One reason a bank is refused, printed as ``path:line: message``."""

    path: str
    line: int | None
    message: str

    @classmethod
    def at(cls, where: Location, message: str) -> Problem:
        return cls(where.path, where.line, message)

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class BankError(Exception):
    """Every problem of a bank at once, so an author can fix them all in one pass."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: (p.path, p.line or 0)))
        super().__init__("\n".join(map(str, self.problems)))


@dataclass(frozen=True)
class Report:
    """Collects the problems of one file under the name the author knows it by."""

    path: str
    problems: list[Problem]

    def add(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def at(self, line: int) -> Location:
        return Location(self.path, line)


def duplicate_ids(what: str, entries: Iterable[tuple[str, Location]]) -> Iterator[Problem]:
    """A problem at every repeat of an id, pointing back at its first definition."""
    first: dict[str, Location] = {}
    for identifier, where in entries:
        if identifier in first:
            yield Problem.at(
                where, f"duplicate {what} id '{identifier}' (first defined at {first[identifier]})"
            )
        first.setdefault(identifier, where)
