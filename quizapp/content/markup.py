"""Item text as learners see it: plain text escaped, HTML and Markdown made safe.

Imported questions come as Moodle writes them, ``[html]`` throughout and
sometimes ``[markdown]``. Markdown is rendered by markdown-it-py (CommonMark,
with raw HTML turned off) and every HTML result is cleaned by nh3 (the Rust
``ammonia`` sanitiser) down to the tags below, so no script, event handler
or ``javascript:`` link from a file ever reaches a page. Both libraries are
well kept and fast; a hand-written sanitiser would not be.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from .model import TextFormat

ALLOWED_TAGS = frozenset(
    {
        *("p", "br", "strong", "em", "b", "i", "u", "sub", "sup", "code", "pre", "blockquote"),
        *("ul", "ol", "li", "a"),
        *("table", "thead", "tbody", "tr", "th", "td", "caption"),
    }
)
# What may stand inside a <p>, a <legend> or a link: paragraphs become line breaks.
INLINE_TAGS = frozenset({"br", "strong", "em", "b", "i", "u", "sub", "sup", "code"})
_SPANS = frozenset({"colspan", "rowspan"})
ALLOWED_ATTRIBUTES = {"a": frozenset({"href", "title"}), "th": _SPANS, "td": _SPANS}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|pre|tr|caption)>|<br\s*/?>", re.IGNORECASE)
_BREAKS_AT_END = re.compile(r"(?:\s*<br>)+\s*$")
_TAG = re.compile(r"<[^>]*>")

# CommonMark without raw HTML (it is escaped, then cleaned like everything else).
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def _clean(markup: str, tags: frozenset[str] = ALLOWED_TAGS) -> str:
    return nh3.clean(
        markup,
        tags=set(tags),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items() if tag in tags},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
    )


def _fmt(text_format: str | None) -> TextFormat:
    """A stored format; anything unknown (an old version, a missing key) is plain."""
    try:
        return TextFormat(text_format or TextFormat.PLAIN)
    except ValueError:
        return TextFormat.PLAIN


def _html(text: str, text_format: str | None) -> str:
    """The text as clean HTML of ``ALLOWED_TAGS``; plain text keeps its line breaks."""
    match _fmt(text_format):
        case TextFormat.HTML:
            return _clean(text)
        case TextFormat.MARKDOWN:
            return _clean(_markdown.render(text))
        case _:
            return str(escape(text)).replace("\n", "<br>\n")


def render(text: str, text_format: str | None = None) -> Markup:
    """``text`` as safe HTML for a block (a ``<div>``): paragraphs, lists, tables."""
    return Markup(_html(text, text_format).strip())


def render_inline(text: str, text_format: str | None = None) -> Markup:
    """``text`` as safe HTML that may stand inside a ``<p>``, ``<legend>`` or link:
    emphasis is kept, paragraphs and list items become line breaks."""
    if _fmt(text_format) is TextFormat.PLAIN:
        return render(text)
    flat = _clean(_BLOCK_END.sub("<br>", _html(text, text_format)), INLINE_TAGS)
    return Markup(_BREAKS_AT_END.sub("", flat).strip())


def plain_text(text: str, text_format: str | None = None) -> str:
    """The words a reader sees, without markup: for lint, readability, Anki and search."""
    if _fmt(text_format) is TextFormat.PLAIN:
        return text
    lines = _TAG.sub("", _BLOCK_END.sub("\n", _html(text, text_format)))
    words = (" ".join(line.split()) for line in html.unescape(lines).splitlines())
    return "\n".join(line for line in words if line)
