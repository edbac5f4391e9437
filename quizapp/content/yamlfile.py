"""YAML reading that remembers line numbers, so every problem can say ``file:line``.

The bank's own files are read with PyYAML's safe loader (YAML 1.1, as they
were written). Files uploaded for import are read with :class:`ImportLoader`:
the YAML 1.2 core schema, so ``1e-05`` is a number and ``yes``/``on`` stay
text, JSON-style surrogate pairs make one character, and nesting is capped
before the composer recurses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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


class AppWrittenLoader(yaml.CSafeLoader):
    """For YAML the app itself wrote (a stored deck read back as files): libyaml's
    parser, several times faster than PyYAML's, with the same line numbers and
    repeated-key report. The app's writer never emits an alias, so the alias guard
    of :class:`_LineLoader` (which needs the pure-Python composer) is not needed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeated: list[tuple[int, str]] = []


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _construct_mapping(
    loader: _LineLoader | AppWrittenLoader, node: yaml.MappingNode
) -> Iterator[LineDict]:
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


def _construct_sequence(
    loader: _LineLoader | AppWrittenLoader, node: yaml.SequenceNode
) -> Iterator[LineList]:
    data = LineList(_line(node))
    yield data
    data.extend(loader.construct_sequence(node))
    data.lines = [_line(entry) for entry in node.value]


for _loader in (_LineLoader, AppWrittenLoader):
    _loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


class ImportLoader(_LineLoader):
    """YAML 1.2 core-schema data with line numbers, for uploaded files.

    Only the core schema's plain scalars are typed (null, true/false, decimal,
    0o octal and 0x hexadecimal integers, decimal and exponent floats, .inf,
    .nan); everything else, dates included, is text. Mappings and sequences
    nested deeper than :attr:`max_depth` are refused as the events arrive.
    """

    max_depth = 32
    yaml_implicit_resolvers: dict[Any, Any] = {}

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.CollectionStartEvent) and self.depth >= self.max_depth:
            event = self.peek_event()  # type: ignore[no-untyped-call]  # unannotated in the stubs
            raise yaml.composer.ComposerError(
                None, None, f"nested deeper than {self.max_depth} levels", event.start_mark
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_CORE_RESOLVERS = [
    ("tag:yaml.org,2002:null", r"null|Null|NULL|~|", ["n", "N", "~", ""]),
    ("tag:yaml.org,2002:bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
    ("tag:yaml.org,2002:int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        list("-+.0123456789"),
    ),
]
for _tag, _pattern, _first in _CORE_RESOLVERS:
    ImportLoader.add_implicit_resolver(_tag, re.compile(rf"\A(?:{_pattern})\Z"), _first)

_SURROGATE = re.compile("[\ud800-\udfff]")


def _construct_text(loader: ImportLoader, node: yaml.ScalarNode) -> str:
    """Text; ``"\\ud83e\\udd12"`` (a JSON-style surrogate pair) becomes the character it names."""
    value = loader.construct_scalar(node)
    if _SURROGATE.search(value):
        try:
            return value.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "a \\u escape names half of a surrogate pair, not a character",
                node.start_mark,
            ) from None
    return value


def _construct_int(loader: ImportLoader, node: yaml.ScalarNode) -> int:
    value = loader.construct_scalar(node)
    base = {"0o": 8, "0x": 16}.get(value[:2], 10)
    try:
        return int(value[2:] if base != 10 else value, base)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise yaml.constructor.ConstructorError(
            None, None, "a number with too many digits", node.start_mark
        ) from None


def _construct_float(loader: ImportLoader, node: yaml.ScalarNode) -> float:
    value = loader.construct_scalar(node).lower()
    return float(value.replace(".inf", "inf").replace(".nan", "nan"))


ImportLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)
ImportLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
ImportLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


YamlLoader = type[_LineLoader] | type[AppWrittenLoader]
default_loader: YamlLoader = _LineLoader  # the bank's own files, on disk


def parse_yaml(text: str, report: Report, loader_class: YamlLoader = _LineLoader) -> Any:
    """Parse YAML text (a bank file's, or with :class:`ImportLoader` an upload's)
    with line numbers; None when unusable."""
    loader = loader_class(text)
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
