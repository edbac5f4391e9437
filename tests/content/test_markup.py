"""Item text in its format: plain escaped, HTML cleaned by nh3, Markdown rendered then cleaned."""

from __future__ import annotations

import re

import pytest

from quizapp.content.markup import plain_text, render, render_inline

# An event handler inside a tag (as escaped text, "&lt;img onerror=…" is harmless).
HANDLER_IN_TAG = re.compile(r"<[a-z][^>]*\son\w+\s*=")
ATTACKS = [
    '<script>alert("x")</script>',
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JaVaScRiPt:alert(1)">link</a>',
    '<p onclick="alert(1)">text</p>',
    "<iframe src=https://evil.example></iframe>",
    '<svg onload="alert(1)"></svg>',
    "<style>body{display:none}</style>",
    "[link](javascript:alert(1)) and ![img](x onerror=alert(1))",
]


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("text_format", ["html", "markdown"])
def test_no_script_handler_or_javascript_link_survives(attack: str, text_format: str) -> None:
    for shown in (render(attack, text_format), render_inline(attack, text_format)):
        lowered = shown.lower()
        assert "<script" not in lowered and "<iframe" not in lowered and "<svg" not in lowered
        assert not HANDLER_IN_TAG.search(lowered) and "<style" not in lowered
        assert not re.search(r"<a[^>]*href=\"?javascript:", lowered)


def test_markdown_bold_is_bold_and_raw_html_in_it_is_text() -> None:
    assert render("Who's buried in **Grant's tomb**?", "markdown") == (
        "<p>Who's buried in <strong>Grant's tomb</strong>?</p>"
    )
    assert "&lt;b&gt;" in render("<b>not html</b>", "markdown")


def test_html_keeps_the_allowed_subset_and_links_open_safely() -> None:
    shown = render(
        '<p>Is <b>bold</b> &amp; <i>italic</i> <span style="color:red">x</span>?</p>'
        '<ul><li>one</li></ul><a href="https://example.org" target="_blank">see</a>',
        "html",
    )
    assert "<p>Is <b>bold</b> &amp; <i>italic</i> x?</p><ul><li>one</li></ul>" in shown
    assert 'href="https://example.org"' in shown and "noopener" in shown
    assert "style=" not in shown and "target=" not in shown


def test_plain_text_is_escaped_with_its_line_breaks() -> None:
    assert render("3 < 4 & <b>\nnext", "plain") == "3 &lt; 4 &amp; &lt;b&gt;<br>\nnext"
    assert render("3 < 4", None) == "3 &lt; 4"  # versions from before formats


def test_inline_rendering_fits_in_a_paragraph() -> None:
    shown = render_inline("<p>First <em>one</em></p><p>Second</p><ul><li>x</li></ul>", "html")
    assert shown == "First <em>one</em><br>Second<br>x"


def test_plain_text_is_what_a_reader_sees() -> None:
    assert plain_text("<p>Is <b>bold</b> &amp; <i>italic</i>?</p><p>Next</p>", "html") == (
        "Is bold & italic?\nNext"
    )
    assert plain_text("Who's in **Grant's tomb**?", "markdown") == "Who's in Grant's tomb?"
    assert plain_text("3 < 4 **as typed**", "plain") == "3 < 4 **as typed**"
