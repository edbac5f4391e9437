"""The files of one deck folder, on disk or in memory, as the loader reads them.

The loader asks only for a file's text, whether it exists, and the files of a
subfolder, so a deck written by the app (a mapping of relative paths to text)
is read by exactly the same code and checks as a folder in the repository.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Protocol

from .yamlfile import AppWrittenLoader, YamlLoader, default_loader


class DeckFiles(Protocol):
    """A deck folder's files, named by relative POSIX paths such as ``facts/causes.yaml``."""

    @property
    def name(self) -> str:
        """The folder's name: the deck id when deck.yaml cannot be read."""

    def shown(self, relative: str) -> str:
        """How problems name a file (or subfolder) of the deck."""

    def exists(self, relative: str) -> bool: ...

    def read(self, relative: str) -> str:
        """A file's text; raises UnicodeDecodeError when it is not UTF-8."""

    def listed(self, folder: str, suffix: str) -> list[str]:
        """The files directly in ``folder`` whose names end with ``suffix``, sorted."""

    @property
    def yaml_loader(self) -> YamlLoader:
        """How its YAML files are parsed (with line numbers either way)."""


class FolderFiles:
    """A deck folder on disk; problems name its files relative to ``root``."""

    yaml_loader = default_loader

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = folder
        self.root = root

    @property
    def name(self) -> str:
        return self.folder.name

    def shown(self, relative: str) -> str:
        path = self.folder / relative
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def exists(self, relative: str) -> bool:
        return (self.folder / relative).is_file()

    def read(self, relative: str) -> str:
        return (self.folder / relative).read_text(encoding="utf-8")

    def listed(self, folder: str, suffix: str) -> list[str]:
        paths = sorted((self.folder / folder).glob(f"*{suffix}"))
        return [f"{folder}/{path.name}" for path in paths if path.is_file()]


class MemoryFiles:
    """A deck folder held as texts (relative path -> text); problems name the relative paths.

    The texts are the app's own writing (a stored deck or a proposal rendered by
    :mod:`quizapp.content.folder`), so they are parsed with libyaml: reading the
    bundled deck back this way on each fact save takes a fifth of the time.
    """

    yaml_loader: YamlLoader = AppWrittenLoader

    def __init__(self, files: Mapping[str, str], name: str) -> None:
        self.files = files
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    def shown(self, relative: str) -> str:
        return relative

    def exists(self, relative: str) -> bool:
        return relative in self.files

    def read(self, relative: str) -> str:
        return self.files[relative]

    def listed(self, folder: str, suffix: str) -> list[str]:
        return sorted(
            path
            for path in self.files
            if str(PurePosixPath(path).parent) == folder and path.endswith(suffix)
        )
