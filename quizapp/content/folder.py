"""Deck folders written by the app: render plain records as the files of questions/,
write them to disk, and read such files from memory with the loader's own checks.

A deck built in the browser or proposed from a document leaves the app in the
bank's own format, so it can be kept in version control, checked with
``quizapp bank check`` and loaded elsewhere; and whatever the app is about to
store is first read back through the same pipeline as the repository's decks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from . import Bank, bank_of
from .files import MemoryFiles
from .loader import DECK_YAML, read_deck
from .model import Deck
from .schema import slug

HEADER = (
    "# Written by quizapp from the content stored in the app; the format is described\n"
    "# in questions/README.md. Edit it like any deck folder and check it with\n"
    "# `quizapp bank check`.\n"
)
WIDTH = 100
# The files of a deck folder that the app writes; a stale one is removed on rewrite.
_WRITTEN = ("pools.yaml", "decisions.yaml", "items.yaml", "facts/*.yaml", "documents/*")
_UNSORTED = "_unsorted"


class FolderError(Exception):
    """A deck folder cannot be written there; the message says why in plain words."""


def deck_files(
    header: Mapping[str, Any],
    sources: Sequence[Mapping[str, Any]],
    facts: Sequence[Mapping[str, Any]],
    *,
    documents: Mapping[str, str] | None = None,
    pools: Mapping[str, Any] | None = None,
    decisions: Sequence[Mapping[str, Any]] | None = None,
    items: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, str]:
    """The files of a deck folder (relative path -> text) from records in the bank file shapes.

    ``header`` is deck.yaml's mapping; ``sources``, ``facts``, ``decisions`` and
    ``items`` are the entries of sources.yaml, facts/*.yaml, decisions.yaml and
    items.yaml; ``pools`` is pools.yaml's mapping (``pools`` and ``synonyms``);
    ``documents`` maps a file name in documents/ to its text (a source names it
    in its ``document`` field); a source's ``date`` is a ``datetime.date``.
    Facts go to facts/<topic>.yaml, grouped by topic in the order given.
    """
    files = {DECK_YAML: _yaml(dict(header)), "sources.yaml": _yaml({"sources": list(sources)})}
    by_topic: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for fact in facts:
        by_topic[_file_name(fact.get("topic"))].append(fact)
    for topic, entries in by_topic.items():
        files[f"facts/{topic}.yaml"] = _yaml({"facts": entries})
    for name, text in (documents or {}).items():
        files[f"documents/{name}"] = text
    if pools is not None:
        files["pools.yaml"] = _yaml(dict(pools))
    if decisions is not None:
        files["decisions.yaml"] = _yaml({"decisions": list(decisions)})
    if items is not None:
        files["items.yaml"] = _yaml({"items": list(items)})
    return files


def write_folder(files: Mapping[str, str], folder: Path) -> None:
    """Write a deck folder's files (from :func:`deck_files`) into ``folder``.

    A new or empty folder is filled; a deck folder (one with a deck.yaml) is
    rewritten, and its facts, documents and optional files that ``files`` no
    longer has are removed, so a topic dropped in the app does not come back
    from an old file. Any other non-empty folder is refused, so nothing else
    is ever overwritten.

    Raises:
        FolderError: the folder is not empty and not a deck folder, or a
            file name would land outside it.
    """
    folder = Path(folder)
    targets = {relative: folder / _inside(relative) for relative in files}
    if folder.exists():
        if not folder.is_dir():
            raise FolderError(f"{folder} is a file, not a folder")
        if any(folder.iterdir()) and not (folder / DECK_YAML).is_file():
            raise FolderError(
                f"{folder} is not empty and is not a deck folder (it has no {DECK_YAML}); "
                "choose a new or empty folder"
            )
        _remove_stale(folder, set(targets.values()))
    for relative, path in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[relative], encoding="utf-8")


def load_deck_files(files: Mapping[str, str], name: str = "deck") -> Deck:
    """A deck read from its files in memory, with every check a folder on disk gets.

    Problems name the files by their relative paths (``facts/causes.yaml:3: reason``).

    Raises:
        BankError: with every problem found.
    """
    return read_deck(MemoryFiles(files, name))


def read_deck_files(files: Mapping[str, str], name: str = "deck") -> Bank:
    """Load, generate and validate a deck held in memory, as :func:`read_bank` does a folder.

    Raises:
        BankError: with every problem found, as ``file:line: reason``.
    """
    return bank_of((load_deck_files(files, name),))


def _yaml(data: dict[str, Any]) -> str:
    return HEADER + yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=WIDTH,
    )


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line texts as ``|`` blocks, and never an ``&anchor``:
    the loader refuses aliases, and records may share a list."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Indent a list under its key, as the bank's hand-written files do."""
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def _file_name(topic: Any) -> str:
    """A topic key names its facts file; facts with no valid topic still get a file,
    so that the loader reports their topic instead of never seeing them."""
    return topic if isinstance(topic, str) and slug(topic) is None else _UNSORTED


def _inside(relative: str) -> PurePosixPath:
    """A relative path that stays inside the folder (no absolute path, no ``..``)."""
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or "\\" in relative or not path.parts:
        raise FolderError(f"'{relative}' is not a file name inside a deck folder")
    return path


def _remove_stale(folder: Path, kept: set[Path]) -> None:
    """The deck files an earlier write left that the new files do not have."""
    for pattern in _WRITTEN:
        for path in folder.glob(pattern):
            if path.is_file() and path not in kept:
                path.unlink()
