"""Tiny PDFs written byte by byte, so tests need no PDF-making library: text set in
Helvetica, one line under the other, as a word processor's export holds it."""

from __future__ import annotations

import zlib

# As a PDF's text comes: no blank lines, sentences wrapped at the end of a line.
FEVER_LINES = [
    "Fever",
    "Fever is a body temperature of 38 °C or higher.",
    "Call your doctor if you have a fever and",
    "a low count.",
    "Keeping clean",
    "Wash your hands with soap and",
    "water before you eat.",
]


def text_pdf(lines: list[str], *, title: str | None = None) -> bytes:
    """A one-page PDF whose page shows ``lines`` (Latin-1 text, e.g. "38 °C")."""
    shown = " ".join(f"({_escaped(line)}) '" for line in lines)
    stream = f"BT /F1 12 Tf 14 TL 72 760 Td {shown} ET".encode("latin-1")
    info = f"<< /Title ({_escaped(title)}) >>".encode("latin-1") if title else b"<< >>"
    return _assembled(b"<< /Length %d >>" % len(stream), stream, info)


def compressed_pdf(stream: bytes) -> bytes:
    """A one-page PDF whose drawing instructions ``stream`` are stored deflated: a small
    file that unpacks to as much as the stream holds."""
    packed = zlib.compress(stream, 9)
    return _assembled(b"<< /Length %d /Filter /FlateDecode >>" % len(packed), packed, b"<< >>")


def _assembled(head: bytes, stream: bytes, info: bytes) -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"%s\nstream\n%s\nendstream" % (head, stream),
        info,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (len(objects) + 1, len(objects))
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
