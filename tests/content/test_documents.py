"""Reading an instructor's document: the text kept as the document gives it, and plain refusals."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from quizapp.content.documents import (
    MAX_DOCUMENT_BYTES,
    MAX_PDF_PAGES,
    NO_TEXT,
    DocumentError,
    extract_text,
)

from .pdfs import compressed_pdf, text_pdf


def blank_pdf(pages: int) -> bytes:
    """A PDF of empty pages: what a scan looks like to a text reader."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def refusal(data: bytes, filename: str) -> str:
    with pytest.raises(DocumentError) as caught:
        extract_text(data, filename)
    return caught.value.message


def test_plain_text_keeps_its_words_and_loses_only_the_bom_and_carriage_returns() -> None:
    data = "\ufeffLeukopenia is a low count.\r\nA normal count is 4.0 × 10⁹/L.\r\n".encode()

    document = extract_text(data, "leaflet.TXT")

    assert document.text == "Leukopenia is a low count.\nA normal count is 4.0 × 10⁹/L.\n"
    assert document.title is None
    assert document.pages is None


def test_markdown_gives_its_first_title() -> None:
    document = extract_text(b"# Low white cell count\n\nText here.\n", "leaflet.md")

    assert document.title == "Low white cell count"
    assert document.text.startswith("# Low white cell count\n")


def test_a_web_page_keeps_headings_on_their_lines_and_list_items_as_bullets() -> None:
    page = (
        "<html><head><title>Blood counts explained</title></head><body>"
        "<h1>Blood counts</h1><p>Signs include:</p>"
        "<ul><li>a fever</li><li>cold hands and feet</li></ul></body></html>"
    )

    document = extract_text(page.encode(), "page.html")

    lines = [line.strip() for line in document.text.splitlines() if line.strip()]
    assert lines == ["Blood counts", "Signs include:", "* a fever", "* cold hands and feet"]
    assert document.title == "Blood counts explained"


def test_a_web_page_without_a_title_is_named_by_its_first_heading() -> None:
    page = b"<body><h1>Fever</h1><p>Fever is a high temperature.</p></body>"

    assert extract_text(page, "page.htm").title == "Fever"


def test_a_pdf_gives_its_text_title_and_pages() -> None:
    lines = ["Fever", "Fever is a body temperature of 38 °C or higher."]

    document = extract_text(text_pdf(lines, title="Fever facts"), "fever.pdf")

    assert document.text == "Fever\nFever is a body temperature of 38 °C or higher."
    assert document.title == "Fever facts"
    assert document.pages == 1


def test_a_scanned_pdf_is_said_to_hold_no_text() -> None:
    assert refusal(blank_pdf(1), "scan.pdf") == NO_TEXT


def test_a_long_pdf_is_refused_with_the_page_limit() -> None:
    message = refusal(blank_pdf(MAX_PDF_PAGES + 1), "book.pdf")

    assert message == (
        f"This PDF has {MAX_PDF_PAGES + 1} pages; we read at most {MAX_PDF_PAGES}. "
        "Upload the pages you need."
    )


def test_a_file_that_is_not_a_pdf_inside_is_refused() -> None:
    assert refusal(b"not a pdf at all", "leaflet.pdf") == "We could not read this file as a PDF."


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (
            b"x",
            "leaflet.docx",
            "We cannot read .docx files. Use one of: .txt, .md, .html, .htm, .pdf.",
        ),
        (
            b"x",
            "leaflet",
            "We cannot read a file whose name has no ending such as .txt. "
            "Use one of: .txt, .md, .html, .htm, .pdf.",
        ),
        (
            b"x" * (MAX_DOCUMENT_BYTES + 1),
            "big.txt",
            "This file is larger than 5 MB. Use a shorter document.",
        ),
        (
            "café".encode("latin-1"),
            "old.txt",
            "This file is not saved as UTF-8 text. Save it as UTF-8 and upload it again.",
        ),
        (b"  \n\n", "empty.md", "This file holds no text."),
    ],
)
def test_refusals_say_what_to_do(data: bytes, filename: str, message: str) -> None:
    assert refusal(data, filename) == message


def test_a_pdf_that_unpacks_to_megabytes_is_refused_before_its_text_is_read() -> None:
    """20 KB that draws 8 MB of text would keep a worker busy for minutes."""
    body = b"BT /F1 12 Tf 72 760 Td " + b"(Wash your hands with soap.) Tj " * 250_000 + b"ET"
    data = compressed_pdf(body)
    assert len(data) < 100_000
    assert "too heavy to read" in refusal(data, "leaflet.pdf")


def test_a_pdf_stream_over_pypdfs_own_limit_is_refused_as_unreadable() -> None:
    data = compressed_pdf(b" " * 100_000_000)
    assert refusal(data, "leaflet.pdf") == "We could not read this file as a PDF."


def test_a_text_file_with_nul_characters_is_refused() -> None:
    assert "NUL" in refusal(b"Wash your hands.\x00", "notes.txt")


def test_a_document_with_more_text_than_is_kept_is_refused() -> None:
    message = refusal(b"Wash your hands. " * 40_000, "notes.txt")
    assert "at most 500,000" in message
