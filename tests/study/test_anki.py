"""The .apkg opened by the official ``anki`` library, as Anki itself imports it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.models import MODEL_CLOZE, MODEL_STD
from anki.notes import Note
from flask.testing import FlaskClient

from quizapp import content
from quizapp.content import ItemType, Kind, Status
from quizapp.study import anki as apkg
from quizapp.study.cards import back

EXPORTED_AT = 1_764_547_200.0  # 1 December 2025: the first export; later ones are newer


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Collection]:
    """An empty Anki profile's collection."""
    col = Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()


def import_package(col: Collection, package: Path) -> None:
    request = ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions()
    )
    col.import_anki_package(request)


def write(path: Path, notes: list[apkg.Note], timestamp: float = EXPORTED_AT) -> Path:
    with path.open("wb") as file:
        apkg.write(
            file,
            slug="leukopenia",
            title="Leukopenia",
            description="",
            notes=notes,
            timestamp=timestamp,
        )
    return path


def note(uid: str, prompt: str, answer: str, explanation: str = "Why.", **extra: Any) -> apkg.Note:
    return apkg.Note(uid, prompt, back(prompt, answer), explanation, "Patient page", **extra)


def by_uid(col: Collection, notes: list[apkg.Note]) -> dict[str, Note]:
    """The collection's notes keyed by the uid whose guid they carry."""
    guids = {apkg.note_guid(n): n.uid for n in notes}
    return {guids[col.get_note(nid).guid]: col.get_note(nid) for nid in col.find_notes("")}


def visible(html: str) -> str:
    """The text a card shows (Anki also keeps each answer in a data-cloze attribute)."""
    return re.sub(r"<[^>]*>", "", html)


NOTES = [
    note("leukopenia:qa", "What is leukopenia?", "A low white-cell count"),
    note(
        "leukopenia:cloze:1",
        "Leukopenia is a white-cell count below […].",
        "4.0 × 10⁹/L",
        "Below **4.0**.",
        cloze=True,
        text_format="markdown",
    ),
    note("leukopenia:web:1", "Both […] and […] can lower it.", "HIV; cancer", cloze=True),
]


def test_cloze_cards_are_anki_cloze_notes_and_basic_cards_stay_basic(
    collection: Collection, tmp_path: Path
) -> None:
    import_package(collection, write(tmp_path / "deck.apkg", NOTES))
    notes = by_uid(collection, NOTES)
    assert len(notes) == 3
    basic, cloze, two = (notes[n.uid] for n in NOTES)

    assert basic.note_type()["type"] == MODEL_STD
    assert dict(basic.items())["Front"] == "What is leukopenia?"
    assert "A low white-cell count" in dict(basic.items())["Back"]

    assert cloze.note_type()["type"] == MODEL_CLOZE
    assert [f["name"] for f in cloze.note_type()["flds"]] == ["Text", "Back Extra", "Source"]
    fields = dict(cloze.items())
    assert "{{c1::4.0 × 10⁹/L}}" in fields["Text"]
    assert fields["Back Extra"] == "<p>Below <strong>4.0</strong>.</p>"
    assert fields["Source"] == "Patient page"
    card = cloze.cards()[0]
    assert "[...]" in card.question() and "4.0 × 10⁹/L" not in card.question()
    assert "4.0 × 10⁹/L" in card.answer() and "Patient page" in card.answer()

    # One item is one card hiding every gap, as in the app: Anki hides all c1 together.
    assert dict(two.items())["Text"] == "Both {{c1::HIV}} and {{c1::cancer}} can lower it."
    (both,) = two.cards()
    shown = visible(both.question())
    assert shown.count("[...]") == 2 and "HIV" not in shown and "cancer" not in shown
    assert "Both HIV and cancer can lower it." in visible(both.answer())


def test_reimporting_an_updated_deck_updates_the_notes_instead_of_duplicating(
    collection: Collection, tmp_path: Path
) -> None:
    import_package(collection, write(tmp_path / "first.apkg", NOTES))
    changed = [
        NOTES[0],
        note(
            "leukopenia:cloze:1",
            "Leukopenia is a white-cell count under […].",
            "4.0 × 10⁹/L",
            cloze=True,
        ),
        NOTES[2],
    ]
    import_package(collection, write(tmp_path / "second.apkg", changed, EXPORTED_AT + 86_400))
    notes = by_uid(collection, changed)
    assert collection.note_count() == 3
    assert "under {{c1::4.0 × 10⁹/L}}" in dict(notes["leukopenia:cloze:1"].items())["Text"]


def test_markup_and_hostile_text_reach_anki_cleaned(collection: Collection, tmp_path: Path) -> None:
    hostile = note(
        "leukopenia:html",
        '<p>Is <b>this</b> safe?<script>alert(1)</script><img src=x onerror="alert(1)"></p>',
        "Yes",
        '<a href="javascript:alert(1)">why</a>',
        text_format="html",
    )
    plain = note("leukopenia:plain", "Is 3 < 4 & 5?", "<b>yes</b>")
    import_package(collection, write(tmp_path / "deck.apkg", [hostile, plain]))
    notes = by_uid(collection, [hostile, plain])
    html = " ".join(dict(notes["leukopenia:html"].items()).values())
    assert "<b>this</b>" in html
    for bad in ("<script", "onerror", "javascript:"):
        assert bad not in html
    fields = dict(notes["leukopenia:plain"].items())
    assert fields["Front"] == "Is 3 &lt; 4 &amp; 5?" and "&lt;b&gt;yes&lt;/b&gt;" in fields["Back"]


def test_the_learners_download_holds_every_cloze_card_as_a_cloze_note(
    learner_client: FlaskClient, bank: content.Bank, collection: Collection, tmp_path: Path
) -> None:
    package = tmp_path / "leukopenia.apkg"
    package.write_bytes(learner_client.get("/study/decks/leukopenia/export.apkg").data)
    import_package(collection, package)
    cards = [
        item
        for item in bank.items
        if item.deck == "leukopenia" and item.kind is Kind.CARD and item.status is Status.PUBLISHED
    ]
    types = [collection.get_note(nid).note_type()["type"] for nid in collection.find_notes("")]
    clozes = sum(item.type is ItemType.CLOZE for item in cards)
    assert clozes and types.count(MODEL_CLOZE) == clozes
    assert types.count(MODEL_STD) == len(cards) - clozes
    assert collection.card_count() == len(cards)  # one Anki card per card of the app


def test_a_deck_imported_before_cloze_notes_gains_them_and_later_updates_them(
    collection: Collection, tmp_path: Path
) -> None:
    # What earlier exports wrote for a cloze card: a basic note with the gap on its front.
    old = note("leukopenia:cloze:1", NOTES[1].front, "4.0 × 10⁹/L")
    import_package(collection, write(tmp_path / "old.apkg", [old]))
    import_package(collection, write(tmp_path / "new.apkg", NOTES[1:2], EXPORTED_AT + 1))
    types = sorted(collection.get_note(n).note_type()["type"] for n in collection.find_notes(""))
    assert types == [MODEL_STD, MODEL_CLOZE]  # the cloze note is not skipped as a conflict
    import_package(collection, write(tmp_path / "newer.apkg", NOTES[1:2], EXPORTED_AT + 2))
    assert collection.note_count() == 2
