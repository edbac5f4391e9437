"""The text of a document an instructor brings: plain text, Markdown, a saved web page or a PDF.

Facts quote their document word for word, so the text kept here is the text
every quote is checked against: line endings become ``\\n`` and nothing else
is rewritten. Limits keep one upload from tying up a worker, and every
refusal is a sentence the instructor can act on.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import PurePath
from typing import TYPE_CHECKING

from .text import unix_lines

if TYPE_CHECKING:
    from pypdf import PageObject

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_PDF_PAGES = 40
# A PDF's pages may unpack to far more than the file's size (one small compressed
# stream can draw megabytes of text): the drawing instructions are measured before
# any text is read from them.
MAX_PDF_CONTENT_BYTES = 4 * 1024 * 1024
MAX_TEXT_CHARS = 500_000
TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
PDF_SUFFIX = ".pdf"
SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, PDF_SUFFIX)
_MARKDOWN_TITLE = re.compile(r"^# +(\S.*)$", re.MULTILINE)  # a Markdown document's "# Title"
NO_TEXT = "This PDF holds no text we can read; it may be a scan. Paste the text instead."


class DocumentError(Exception):
    """A document that cannot be used; the message says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Document:
    text: str
    title: str | None
    pages: int | None  # a PDF's page count; None for other kinds


def extract_text(data: bytes, filename: str) -> Document:
    """The text of an uploaded file, by its file name's ending, and its title when it
    gives one (a web page's ``<title>`` or ``<h1>``, a Markdown ``# Title``, a PDF's
    metadata).

    Raises:
        DocumentError: an unsupported kind, too big, too many pages, not
            UTF-8, or no text at all.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUFFIXES:
        kinds = ", ".join(SUFFIXES)
        what = f"{suffix} files" if suffix else "a file whose name has no ending such as .txt"
        raise DocumentError(f"We cannot read {what}. Use one of: {kinds}.")
    if len(data) > MAX_DOCUMENT_BYTES:
        limit = MAX_DOCUMENT_BYTES // (1024 * 1024)
        raise DocumentError(f"This file is larger than {limit} MB. Use a shorter document.")
    if suffix == PDF_SUFFIX:
        document = _pdf(data)
    elif suffix in HTML_SUFFIXES:
        document = _html(_decoded(data))
    else:
        text = unix_lines(_decoded(data))
        title = _MARKDOWN_TITLE.search(text) if suffix == ".md" else None
        document = Document(text, title.group(1).strip() if title else None, None)
    if not document.text.strip():
        raise DocumentError(NO_TEXT if suffix == PDF_SUFFIX else "This file holds no text.")
    if "\x00" in document.text:
        raise DocumentError("This file holds NUL characters, so it is not a text document.")
    if len(document.text) > MAX_TEXT_CHARS:
        raise DocumentError(
            f"This document holds {len(document.text):,} characters of text; we keep at most "
            f"{MAX_TEXT_CHARS:,}. Upload the part your facts need."
        )
    return document


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError(
            "This file is not saved as UTF-8 text. Save it as UTF-8 and upload it again."
        ) from None


def _html(markup: str) -> Document:
    """A web page as inscriptis lays it out: headings on their own lines, list items as
    ``*`` bullets; the title from ``<title>``, else the first ``<h1>``."""
    titles = _Titles()
    titles.feed(markup)
    titles.close()
    found = titles.found.get("title") or titles.found.get("h1")
    # Imported here, as pypdf is below: only the rare upload needs these readers, and
    # every web worker and CLI command would otherwise load them (about 14 MB each).
    from inscriptis import get_text  # type: ignore[import-untyped]  # ships no type information

    return Document(unix_lines(get_text(markup)), found, None)


class _Titles(HTMLParser):
    """The text of a page's first ``<title>`` and first ``<h1>``."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}
        self.open: str | None = None
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("title", "h1") and tag not in self.found and self.open is None:
            self.open, self.parts = tag, []

    def handle_data(self, data: str) -> None:
        if self.open:
            self.parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == self.open:
            if title := " ".join("".join(self.parts).split()):
                self.found[tag] = title
            self.open = None


def _content_size(page: PageObject) -> int:
    """The bytes of a page's drawing instructions, unpacked."""
    contents = page.get_contents()
    return 0 if contents is None else len(contents.get_data())


def _pdf(data: bytes) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError("This PDF is locked with a password. Unlock it and try again.")
        pages = len(reader.pages)
        if pages > MAX_PDF_PAGES:
            raise DocumentError(
                f"This PDF has {pages} pages; we read at most {MAX_PDF_PAGES}. "
                "Upload the pages you need."
            )
        drawn = sum(_content_size(page) for page in reader.pages)
        if drawn > MAX_PDF_CONTENT_BYTES:
            raise DocumentError(
                "This PDF's pages are too heavy to read (they unpack to more than "
                f"{MAX_PDF_CONTENT_BYTES // (1024 * 1024)} MB). Paste the text instead."
            )
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        title = reader.metadata.title if reader.metadata else None
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError) as error:
        raise DocumentError("We could not read this file as a PDF.") from error
    return Document(unix_lines(text), title or None, pages)
