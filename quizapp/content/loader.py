"""Read a deck folder, or a whole bank of them, into complete :class:`Deck` objects.

Reading is all or nothing: every problem in every file is collected and
raised as one :class:`BankError`, so a broken bank is never half-loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from .files import DeckFiles, FolderFiles
from .handwritten import read_items
from .model import Decision, Deck, Distractor, Fact, Item, Relation, Source, Status
from .problems import BankError, Location, Problem, Report, duplicate_ids
from .quotes import unquoted
from .records import (
    DECISIONS_FILE,
    DECK_FILE,
    FACTS_FILE,
    POOLS_FILE,
    SOURCES_FILE,
    read_decision,
    read_distractors,
    read_fact,
    read_relation,
    read_source,
)
from .references import Names, reference_problems
from .schema import Spec, check_record
from .text import normalise
from .yamlfile import LineDict, LineList, parse_yaml

DECK_YAML = "deck.yaml"
DOCUMENTS = "documents"
_Record = TypeVar("_Record")
_Identified = TypeVar("_Identified", Source, Fact)
Synonyms = tuple[tuple[str, ...], ...]


def load_bank(root: Path) -> tuple[Deck, ...]:
    """Every deck under ``root`` (each subfolder with a deck.yaml), or ``root`` if it is a deck."""
    root = Path(root)
    if (root / DECK_YAML).is_file():
        return (load_deck(root),)
    folders = sorted(path.parent for path in root.glob(f"*/{DECK_YAML}"))
    problems: list[Problem] = []
    if not folders:
        message = f"no deck found: neither it nor a subfolder has a {DECK_YAML}"
        problems.append(Problem(str(root), None, message))
    decks = [_DeckReader(FolderFiles(folder, root), problems).read() for folder in folders]
    problems += duplicate_ids("deck", ((deck.id, deck.origin) for deck in decks))
    if problems:
        raise BankError(problems)
    return tuple(decks)


def load_deck(folder: Path, root: Path | None = None) -> Deck:
    """One deck; problem paths are shown relative to ``root`` (default: the folder's parent)."""
    folder = Path(folder)
    return read_deck(FolderFiles(folder, root or folder.parent))


def read_deck(files: DeckFiles) -> Deck:
    """One deck from its files, wherever they are kept (a folder, or texts in memory)."""
    problems: list[Problem] = []
    deck = _DeckReader(files, problems).read()
    if problems:
        raise BankError(problems)
    return deck


def _mark_critical(facts: Mapping[str, Fact], topics: Iterable[str]) -> dict[str, Fact]:
    """Every fact of a critical topic is critical, whatever its own field says."""
    critical = set(topics)
    return {
        key: replace(fact, critical=True) if fact.topic in critical else fact
        for key, fact in facts.items()
    }


class _DeckReader:
    """Reads the files of one deck folder, collecting problems instead of stopping at the first.

    Records that are well-formed are kept even when others are not, so that
    references between them (topics, sources, see_also …) are checked in the
    same pass; the caller refuses the deck if anything was reported.
    """

    def __init__(self, files: DeckFiles, problems: list[Problem]) -> None:
        self.files = files
        self.problems = problems
        self.declared: dict[str, set[str] | None] = {}

    def read(self) -> Deck:
        header = self._file(DECK_YAML, DECK_FILE)
        fields: Mapping[str, Any] = header or {}
        pools, synonyms = self._pools()
        sources = self._keyed(self._sources(), "source")
        documents = self._documents(sources.values())
        deck = Deck(
            id=fields.get("id", self.files.name),
            title=fields.get("title", ""),
            description=fields.get("description"),
            topics=fields.get("topics", {}),
            relations=self._relations(fields),
            sources=sources,
            facts=self._keyed(self._facts(), "fact"),
            pools=pools,
            synonyms=synonyms,
            decisions=self._decisions(),
            items=(),
            origin=Location(self.files.shown(DECK_YAML), header.line_of("id") if header else 1),
            importance=dict(fields.get("importance", {})),
            core_topics=tuple(fields.get("core_topics", ())),
            glossary=dict(fields.get("glossary", {})),
            critical_topics=tuple(fields.get("critical_topics", ())),
            documents={key: text for key, (_, text) in documents.items()},
            new_items=Status(fields.get("new_items", Status.PUBLISHED)),
        )
        self.problems.extend(unquoted(deck, documents))
        if header is None:  # without topics and relations every reference would look unknown
            return deck
        names = self._names(deck)
        self.problems.extend(reference_problems(deck, names))
        self._check_topic_names(header, set(deck.topics))
        deck = replace(deck, facts=_mark_critical(deck.facts, deck.critical_topics))
        return replace(deck, items=self._items(deck, names))

    def _relations(self, fields: Mapping[str, Any]) -> dict[str, Relation]:
        relations: LineDict = fields.get("relations") or LineDict(1)
        self._declare("relations", relations)
        report = self._report(DECK_YAML)
        read = [
            read_relation(key, node, report, relations.line_of(key))
            for key, node in relations.items()
        ]
        return {relation.id: relation for relation in read if relation}

    def _check_topic_names(self, header: LineDict, topics: set[str]) -> None:
        """``importance``, ``core_topics`` and ``critical_topics`` may only name
        topics the deck has."""
        report = self._report(DECK_YAML)
        for field in ("importance", "core_topics", "critical_topics"):
            for name in header.get(field, ()):
                if name not in topics:
                    report.add(
                        header.line_of(field), f"field '{field}' names unknown topic '{name}'"
                    )

    def _sources(self) -> list[Source]:
        return self._entries("sources.yaml", SOURCES_FILE, "sources", read_source)

    def _documents(self, sources: Iterable[Source]) -> dict[str, tuple[str, str]]:
        """The sources kept in documents/: source id -> (file, text); a missing one is reported."""
        documents: dict[str, tuple[str, str]] = {}
        for source in sources:
            if source.document is None:
                continue
            path = f"{DOCUMENTS}/{source.document}"
            if not self.files.exists(path):
                message = f"document '{source.document}' not found in {self.files.shown(DOCUMENTS)}"
                self.problems.append(Problem.at(source.origin, message))
            elif (text := self._text(path, self._report(path))) is not None:
                documents[source.id] = (path, text)
        return documents

    def _facts(self) -> list[Fact]:
        paths = self.files.listed("facts", ".yaml")
        if not paths:
            self._report("facts").add(None, "no facts: add a facts/*.yaml file")
        return [
            fact for path in paths for fact in self._entries(path, FACTS_FILE, "facts", read_fact)
        ]

    def _decisions(self) -> tuple[Decision, ...]:
        """decisions.yaml is optional: a deck whose sources are clear needs none."""
        path = "decisions.yaml"
        if not self.files.exists(path):
            return ()
        return tuple(self._entries(path, DECISIONS_FILE, "decisions", read_decision))

    def _pools(self) -> tuple[dict[str, tuple[Distractor, ...]], Synonyms]:
        """pools.yaml is optional: a deck without list facts needs no pools."""
        path = "pools.yaml"
        if not self.files.exists(path):
            return {}, ()
        data = self._file(path, POOLS_FILE)
        self._declare("pools", None if data is None else data.get("pools", {}))
        if data is None:
            return {}, ()
        groups = data.get("synonyms", LineList(1))
        self._check_synonym_groups(groups, self._report(path))
        pools = {name: read_distractors(entries) for name, entries in data.get("pools", {}).items()}
        return pools, tuple(tuple(group) for group in groups)

    @staticmethod
    def _check_synonym_groups(groups: LineList, report: Report) -> None:
        """A name in two groups would make two different answers the same."""
        first: dict[str, int] = {}
        for index, group in enumerate(groups):
            line = groups.line_at(index)
            for name in group:
                other = first.setdefault(normalise(name), line)
                if other != line:
                    report.add(line, f"'{name}' is in two synonym groups (also at line {other})")

    def _items(self, deck: Deck, names: Names) -> tuple[Item, ...]:
        """Hand-written items, checked against the deck's facts, topics and relations."""
        path = "items.yaml"
        if not self.files.exists(path):
            return ()
        report = self._report(path)
        return read_items(self._yaml(path, report), report, deck, names)

    def _entries(
        self, path: str, spec: Spec, key: str, read: Callable[[Any, Report, int], _Record | None]
    ) -> list[_Record]:
        """The well-formed records listed under ``key`` in one file."""
        data = self._file(path, spec)
        self._declare(key, None if data is None else _ids(data[key]))
        if data is None:
            return []
        entries: LineList = data[key]
        report = self._report(path)
        records = [
            read(entry, report, entries.line_at(index)) for index, entry in enumerate(entries)
        ]
        return [record for record in records if record is not None]

    def _declare(self, kind: str, names: Iterable[str] | None) -> None:
        """Remember the names a file declares; an unreadable file (None) makes them unknowable."""
        known = self.declared.get(kind, set())
        self.declared[kind] = None if names is None or known is None else known | set(names)

    def _names(self, deck: Deck) -> Names:
        return Names(
            topics=set(deck.topics),
            sources=self.declared.get("sources", set()),
            facts=self.declared.get("facts", set()),
            relations=self.declared.get("relations", set()),
            pools=self.declared.get("pools", set()),
        )

    def _keyed(self, records: list[_Identified], what: str) -> dict[str, _Identified]:
        """Records by id; a repeated id is a problem, as item ids and citations derive from it."""
        self.problems.extend(
            duplicate_ids(what, ((record.id, record.origin) for record in records))
        )
        keyed: dict[str, _Identified] = {}
        for record in records:
            keyed.setdefault(record.id, record)
        return keyed

    def _file(self, path: str, spec: Spec) -> LineDict | None:
        """A file's top-level mapping, or None when it is missing, unreadable or malformed."""
        report = self._report(path)
        if not self.files.exists(path):
            report.add(None, "file not found")
            return None
        data = self._yaml(path, report)
        name = PurePosixPath(path).name
        well_formed = data is not None and check_record(data, spec, name, report, 1)
        return data if well_formed and isinstance(data, LineDict) else None

    def _yaml(self, path: str, report: Report) -> Any:
        """A file's YAML data, or None (the reason reported) when there is nothing to use."""
        text = self._text(path, report)
        return None if text is None else parse_yaml(text, report, self.files.yaml_loader)

    def _text(self, path: str, report: Report) -> str | None:
        try:
            return self.files.read(path)
        except UnicodeDecodeError:
            report.add(None, "is not UTF-8 text")
            return None

    def _report(self, path: str) -> Report:
        return Report(self.files.shown(path), self.problems)


def _ids(entries: LineList) -> set[str]:
    """The ids written in a list of records, whether or not the records are well-formed."""
    return {entry["id"] for entry in entries if isinstance(entry.get("id"), str)}
