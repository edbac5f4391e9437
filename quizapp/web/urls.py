"""Where a form may send the browser back to: only a path on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_local_path(target: str) -> bool:
    """A path on this site. Browsers drop tabs and line breaks from a URL and read
    a backslash as a slash, so ``/\\evil`` or ``/<TAB>/evil`` would lead to
    another host; and a line break cannot go into a header at all."""
    if any(char == "\\" or ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
    )
