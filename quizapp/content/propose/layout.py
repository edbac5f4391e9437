"""A document's layout as proposals need it: headings, sentences and bulleted lists,
each with its place in the text so that every quote is cut from the text itself.
Markdown code blocks and table rows hold no sentences and are passed over.

Lines are read one by one: a Markdown ``#`` line or a short line without end
punctuation that opens a block of text is a heading (inscriptis renders HTML
headings that way); a line starting with ``-``, ``*``, ``•`` or ``1.`` is a
bullet; other lines form paragraphs, which pysbd splits into sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pysbd  # type: ignore[import-untyped]  # ships no type information

_MARKDOWN_HEADING = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+(?P<title>.+?)[ \t#]*")
_MARK = re.compile(r"[-*•‣◦–]|\d{1,2}[.)]")
_BULLET = re.compile(rf"[ \t]*(?:{_MARK.pattern})[ \t]+(?P<item>\S.*?)[ \t]*")
_FENCE = re.compile(r"[ \t]*(?:```|~~~)")
_TABLE_ROW = re.compile(r"[ \t]*\|")  # a Markdown table: cells, not sentences
_RULE = re.compile(r"[ \t]*[-=_*]{3,}[ \t]*")  # a Markdown underline or horizontal rule
HEADING_WORDS = 8  # a longer line is a wrapped sentence, not a heading
HEADING_CHARACTERS = 60
_END_PUNCTUATION = ".!?:;,"
_BLOCK_END = ".!?:"  # a line ending so ends its sentence; the next line may be a heading
# pysbd's time grows faster than its input, so a long paragraph is given to it in
# pieces of about this size, cut after a sentence's end (or a line break, or a space).
SEGMENT_CHARACTERS = 2_000
_CUTS = (re.compile(r"[.!?][\"”’)]*\s"), re.compile(r"\n"), re.compile(r"\s"))


@dataclass(frozen=True)
class Span:
    """A stretch of the document: ``text`` is exactly ``document[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Sentence:
    span: Span
    heading: str | None  # the title of the nearest heading above it


@dataclass(frozen=True)
class BulletList:
    intro: Span  # the sentence ending in ':' that opens the list
    members: tuple[Span, ...]
    heading: str | None

    @property
    def start(self) -> int:
        return self.intro.start

    @property
    def end(self) -> int:
        return self.members[-1].end


@dataclass(frozen=True)
class Layout:
    sentences: tuple[Sentence, ...]
    lists: tuple[BulletList, ...]


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip() or bool(_RULE.fullmatch(self.text))


def read_layout(text: str) -> Layout:
    """The headings, sentences and bulleted lists of ``text``, in reading order."""
    lines = list(_lines(text))
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    sentences: list[Sentence] = []
    lists: list[BulletList] = []
    heading: str | None = None
    paragraph: list[_Line] = []
    bullets: list[Span] = []
    fenced = False  # inside a Markdown code block: code, not sentences

    def close_paragraph() -> None:
        if paragraph:
            start, end = paragraph[0].start, paragraph[-1].end
            for span in _sentences(segmenter, text, start, end):
                sentences.append(Sentence(span, heading))
            paragraph.clear()

    def close_bullets() -> None:
        intro = sentences[-1].span if sentences else None
        if len(bullets) >= 2 and intro and _opens(text, intro, bullets[0]):
            lists.append(BulletList(intro, tuple(bullets), heading))
        for bullet in bullets:  # a bullet that is a whole sentence may state a fact too
            if bullet.text.endswith("."):
                sentences.append(Sentence(bullet, heading))
        bullets.clear()

    for index, line in enumerate(lines):
        if _FENCE.match(line.text):
            fenced = not fenced
        if fenced or _FENCE.match(line.text) or _TABLE_ROW.match(line.text):
            close_paragraph()
            close_bullets()
            continue
        bullet = _BULLET.fullmatch(line.text)
        title = _heading(lines, index)
        if title is not None or bullet or line.blank:
            close_paragraph()
        if not bullet and not line.blank:
            close_bullets()
        if title is not None:
            heading = title
        elif bullet:
            start = line.start + bullet.start("item")
            bullets.append(Span(start, line.start + bullet.end("item"), bullet.group("item")))
        elif not line.blank:
            paragraph.append(line)
    close_paragraph()
    close_bullets()
    return Layout(tuple(sentences), tuple(lists))


def _opens(text: str, intro: Span, first: Span) -> bool:
    """True when ``intro`` ends in ':' and only a bullet mark stands between it and ``first``."""
    between = text[intro.end : first.start].strip()
    return intro.text.endswith(":") and bool(_MARK.fullmatch(between))


def _lines(text: str) -> Iterator[_Line]:
    start = 0
    for raw in text.split("\n"):
        yield _Line(start, start + len(raw), raw)
        start += len(raw) + 1


def _heading(lines: list[_Line], index: int) -> str | None:
    """The title when line ``index`` is a heading: a Markdown ``#`` line, or a short line
    without end punctuation that starts a block (after a blank line or a line that ends
    a sentence, as in a PDF's text) and is followed by a line that starts one (a
    capital, a digit or a bullet, not the lower-case rest of a wrapped sentence)."""
    line = lines[index]
    if match := _MARKDOWN_HEADING.fullmatch(line.text):
        return match.group("title")
    title = line.text.strip()
    if not title or _BULLET.fullmatch(line.text) or title[-1] in _END_PUNCTUATION:
        return None
    short = len(title.split()) <= HEADING_WORDS and len(title) <= HEADING_CHARACTERS
    previous = lines[index - 1].text.strip() if index else ""
    starts_block = not previous or _RULE.fullmatch(previous) or previous[-1] in _BLOCK_END
    later = (lines[other] for other in range(index + 1, len(lines)))  # no copy of the rest
    following = next((other.text.strip() for other in later if not other.blank), "")
    opens = bool(following) and not following[0].islower() and not following.startswith("#")
    return title if short and starts_block and opens and title[0].isupper() else None


def _sentences(segmenter: pysbd.Segmenter, text: str, start: int, end: int) -> Iterator[Span]:
    """pysbd's sentences of the paragraph ``text[start:end]``, without their
    surrounding white space.

    pysbd ends a sentence at every line break; a paragraph's lines are one text
    (a PDF breaks its lines wherever the page is full), so pysbd reads them
    joined by spaces, which keeps every offset.
    """
    for first, last in _pieces(text, start, end):
        yield from _segmented(segmenter, text, first, last)


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``text[start:end]`` cut into pieces of at most :data:`SEGMENT_CHARACTERS`, each
    ending after a sentence end where one is found (see :data:`_CUTS`)."""
    while end - start > SEGMENT_CHARACTERS:
        limit = start + SEGMENT_CHARACTERS
        cut = limit
        for pattern in _CUTS:
            found = [match.end() for match in pattern.finditer(text, start + 1, limit)]
            if found:
                cut = found[-1]
                break
        yield start, cut
        start = cut
    yield start, end


def _segmented(segmenter: pysbd.Segmenter, text: str, start: int, end: int) -> Iterator[Span]:
    for piece in segmenter.segment(text[start:end].replace("\n", " ")):
        left = start + piece.start
        right = start + piece.end
        while left < right and text[left].isspace():
            left += 1
        while right > left and text[right - 1].isspace():
            right -= 1
        if left < right:
            yield Span(left, right, text[left:right])
