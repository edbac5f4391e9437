"""YAML reading that remembers line numbers, so every problem can say ``file:line``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from .problems import Report

_MERGE_TAG = "tag:yaml.org,2002:merge"


class LineDict(dict[Any, Any]):
    """A YAML mapping that knows the line it starts on and the line of each key."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A YAML sequence that knows the line of each of its entries."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: list[int] = []

    def line_at(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader that also records repeated keys, which PyYAML would silently overwrite."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeated: list[tuple[int, str]] = []

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        """Refuse ``*alias`` references: a bank never needs them, and nested ones
        let a few kilobytes expand into gigabytes."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]  # unannotated in the stubs
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed", event.start_mark
            )
        # PyYAML passes the index in a sequence or the key node in a mapping; the stubs say int.
        return super().compose_node(parent, index)  # type: ignore[arg-type]


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Iterator[LineDict]:
    data = LineDict(_line(node))
    yield data
    keys = [key for key, _ in node.value if key.tag != _MERGE_TAG]
    seen: set[str] = set()
    for key in keys:
        if isinstance(key, yaml.ScalarNode):
            if key.value in seen:
                loader.repeated.append((_line(key), key.value))
            seen.add(key.value)
    data.update(loader.construct_mapping(node))
    data.key_lines = {loader.construct_object(key): _line(key) for key in keys}


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Iterator[LineList]:
    data = LineList(_line(node))
    yield data
    data.extend(loader.construct_sequence(node))
    data.lines = [_line(entry) for entry in node.value]


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def read_yaml(path: Path, report: Report) -> Any:
    """Parse one YAML file, reporting bad YAML at the parser's line.

    Returns None, with the reason reported, when there is nothing to use:
    the file is not UTF-8, not YAML, or empty.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        report.add(None, "is not UTF-8 text")
        return None
    return parse_yaml(text, report)


def parse_yaml(text: str, report: Report) -> Any:
    """Parse YAML text (a file's, or an upload's) with line numbers; None when unusable."""
    loader = _LineLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        report.add(
            mark.line + 1 if mark else None, f"invalid YAML: {error.problem or error.context}"
        )
        return None
    except yaml.YAMLError as error:
        report.add(None, f"invalid YAML: {error}")
        return None
    finally:
        loader.dispose()
    if data is None:
        report.add(None, "is empty")
    for line, key in loader.repeated:
        report.add(line, f"repeated key '{key}'")
    return data
