"""Our GIFT export rewritten the way Moodle writes it back, for the round-trip tests.

Moodle's GIFT export (``question/format/gift/format.php``, ``writequestion``)
keeps the question name, writes a ``// question: N  name: X`` comment before
each question, writes categories under ``$course$/top/``, writes short and
numeric answers as ``=%100%answer#`` with an (empty) feedback marker, and
drops every other comment; Moodle 3.6 and later keep ``[id:]`` and ``[tag:]``
comments, older versions drop them too.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"::((?:\\.|[^:\\])*)::")
_SHORT_ANSWER = re.compile(r"^\t=(?!%)(.*?)$", re.MULTILINE)


def moodle_rewrite(gift: str, keep_tags: bool) -> str:
    """``gift`` (our export) as Moodle exports it after importing it."""
    blocks = []
    for number, block in enumerate(gift.split("\n\n"), start=100):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("$CATEGORY:"):
            path = lines[0].removeprefix("$CATEGORY:").strip()
            path = path if path.startswith("$") else f"$course$/top/{path}"
            blocks.append(f"// question: 0  name: Switch category to {path}\n$CATEGORY: {path}\n")
            continue
        kept = [
            line
            for line in lines
            if not line.startswith("//") or (keep_tags and line.startswith("// ["))
        ]
        body = "\n".join(kept)
        title = _NAME.search(body)
        assert title, body
        name = title.group(1).replace("\\", "")
        if "{#" in body or not re.search(r"^\t~", body, re.MULTILINE):
            body = _SHORT_ANSWER.sub(lambda match: f"\t=%100%{match.group(1)}#", body)
        blocks.append(f"// question: {number}  name: {name}\n{body}\n")
    return "\n\n".join(blocks) + "\n"
