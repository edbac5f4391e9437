"""A deck made through the pages, with one topic and a pasted leaflet: what an
instructor has after the first minutes, and what the source and fact tests start from."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject
from sqlalchemy import select
from werkzeug.test import TestResponse

from quizapp.extensions import db
from quizapp.models import Fact, Source
from tests.conftest import csrf_token, post_form

LEAFLET = """Low white count: a leaflet for patients

Wash your hands with soap and water before you eat.
A white count below 4.0 × 10⁹/L is called leukopenia.
Common causes include chemotherapy drugs, viral infections and lupus.
Call your care team at once if you have a fever of 38 °C or more.
"""
QUOTE = "Wash your hands with soap and water before you eat."


@dataclass
class Built:
    deck: str
    source_id: int


def build_deck(client: FlaskClient, title: str = "Hand care") -> str:
    response = post_form(client, "/bank/decks/new", {"title": title, "description": "Clean hands."})
    assert response.status_code == 302, response.get_data(as_text=True)
    slug = str(response.headers["Location"]).rsplit("/", 1)[1]
    added = post_form(client, f"/bank/decks/{slug}/topics", {"title": "Basics"})
    assert added.status_code == 303
    return slug


def add_source(client: FlaskClient, deck: str, text: str = LEAFLET, **fields: str) -> int:
    data = {"title": "Low white count leaflet", "publisher": "Ward 7", "text": text, **fields}
    response = post_form(client, f"/bank/decks/{deck}/sources/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def fact_form(**fields: str) -> dict[str, str]:
    """A fact of the leaflet with a question and its answer; ``fields`` override."""
    data = {
        "quote": QUOTE,
        "statement": "Washing your hands with soap and water before eating keeps germs away.",
        "topic": "basics",
        "truefalse": "y",
        "question": "What should you wash your hands with before you eat?",
        "answer": "Soap and water",
    }
    return {**data, **fields}


def add_fact(client: FlaskClient, source_id: int, **fields: str) -> int:
    response = post_form(client, f"/bank/sources/{source_id}/facts/new", fact_form(**fields))
    assert response.status_code == 302, errors(response.get_data(as_text=True))
    return int(response.headers["Location"].rsplit("/", 1)[1])


def errors(page: str) -> list[str]:
    """The error messages a page shows at its fields and above its form."""
    found = re.findall(r'<p class="error"[^>]*>(.*?)</p>', page, re.S)
    found += re.findall(r'<div class="alert" role="alert">(.*?)</div>', page, re.S)
    return [html.unescape(" ".join(text.split())) for text in found]


def pdf(*pages: str, title: str | None = None) -> bytes:
    """A PDF whose pages hold these lines of text (an empty one: a page with no text,
    as a scan has)."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for text in pages:
        page = writer.add_blank_page(612, 792)
        if text:
            stream = DecodedStreamObject()
            stream.set_data(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1"))
            page[NameObject("/Contents")] = writer._add_object(stream)
            page[NameObject("/Resources")] = DictionaryObject(
                {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
            )
    if title:
        writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(client: FlaskClient, url: str, name: str, data: bytes, **fields: str) -> TestResponse:
    """Send a file through the source form, as a browser does."""
    form = {"csrf_token": csrf_token(client), "file": (io.BytesIO(data), name), **fields}
    return client.post(url, data=form, content_type="multipart/form-data")


def post_file(client: FlaskClient, url: str, name: str, data: bytes) -> TestResponse:
    """Upload a big file as a browser does, the body written out whole (the test
    client would spool it to a temporary file it never closes)."""
    body = b"".join(
        [
            b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n',
            csrf_token(client).encode(),
            b'\r\n--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nBig\r\n',
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="',
            name.encode(),
            b'"\r\n\r\n',
            data,
            b"\r\n--b--\r\n",
        ]
    )
    return client.post(url, data=body, content_type="multipart/form-data; boundary=b")


@pytest.fixture
def built(instructor_client: FlaskClient) -> Built:
    deck = build_deck(instructor_client)
    return Built(deck, add_source(instructor_client, deck))


def stored_fact(app: Flask, fact_id: int) -> Fact:
    with app.app_context():
        fact = db.session.get_one(Fact, fact_id)
        db.session.expunge(fact)
        return fact


def stored_source(app: Flask, source_id: int) -> Source:
    with app.app_context():
        source = db.session.scalars(select(Source).where(Source.id == source_id)).one()
        db.session.expunge(source)
        return source
