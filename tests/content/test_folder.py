"""Deck folders written by the app: rendered from records, read from memory with the
loader's own checks, documents kept beside the deck with their quotes checked."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from quizapp.content import BankError, Status, deck_items, load_deck, read_bank
from quizapp.content.folder import (
    FolderError,
    deck_files,
    load_deck_files,
    read_deck_files,
    write_folder,
)

from .builders import DECK, SEEDS, TOPICS

LEUKOPENIA = Path(__file__).resolve().parents[2] / "questions" / "leukopenia"


def records(folder: Path) -> dict[str, Any]:
    """A deck folder's YAML files as the plain records deck_files takes."""

    def read(name: str) -> Any:
        return yaml.safe_load((folder / name).read_text(encoding="utf-8"))

    optional = {name: (folder / f"{name}.yaml").is_file() for name in ("pools", "decisions")}
    return {
        "header": read("deck.yaml"),
        "sources": read("sources.yaml")["sources"],
        "facts": [
            fact
            for path in sorted((folder / "facts").glob("*.yaml"))
            for fact in read(f"facts/{path.name}")["facts"]
        ],
        "pools": read("pools.yaml") if optional["pools"] else None,
        "decisions": read("decisions.yaml")["decisions"] if optional["decisions"] else None,
        "items": read("items.yaml")["items"],
    }


def with_documents(folder: Path = TOPICS / DECK) -> dict[str, Any]:
    """The test topic's records with each seed kept as a document beside the deck."""
    found = records(folder)
    documents = {}
    for source in found["sources"]:
        name = source.pop("seed")
        source["document"] = name
        documents[name] = (SEEDS / name).read_text(encoding="utf-8")
    return found | {"documents": documents}


def render(found: dict[str, Any]) -> dict[str, str]:
    return deck_files(
        found["header"],
        found["sources"],
        found["facts"],
        documents=found.get("documents"),
        pools=found["pools"],
        decisions=found["decisions"],
        items=found["items"],
    )


def problems(files: dict[str, str]) -> list[str]:
    with pytest.raises(BankError) as refused:
        read_deck_files(files, DECK)
    return [str(problem) for problem in refused.value.problems]


def line_of(files: dict[str, str], name: str, marker: str) -> str:
    """``<name>:<line>`` for the one line of a file in memory that contains ``marker``."""
    lines = files[name].splitlines()
    found = [number for number, line in enumerate(lines, start=1) if marker in line]
    assert len(found) == 1, f"{marker!r} is on lines {found} of {name}"
    return f"{name}:{found[0]}"


def edit(files: dict[str, str], name: str, old: str, new: str) -> None:
    assert files[name].count(old) == 1, f"{old!r} occurs {files[name].count(old)} times"
    files[name] = files[name].replace(old, new)


def test_the_leukopenia_deck_survives_a_round_trip_through_records() -> None:
    on_disk = load_deck(LEUKOPENIA)
    files = render(records(LEUKOPENIA))
    in_memory = load_deck_files(files, "leukopenia")
    assert in_memory == on_disk
    assert list(in_memory.facts) == list(on_disk.facts)
    assert [item.to_dict() for item in deck_items(in_memory)] == [
        item.to_dict() for item in deck_items(on_disk)
    ]
    assert sorted(files) == sorted(
        path.relative_to(LEUKOPENIA).as_posix() for path in LEUKOPENIA.rglob("*.yaml")
    )


def test_written_files_are_readable_yaml_that_says_what_wrote_it() -> None:
    files = render(records(LEUKOPENIA))
    causes = files["facts/causes.yaml"]
    assert causes.startswith("# Written by quizapp")
    assert "  - id: anemia-found-together\n    topic: causes\n" in causes
    assert "× 10⁹/L" in files["deck.yaml"]  # written as itself, not as an escape
    assert "&id" not in "".join(files.values())  # no anchors: the loader refuses aliases


def test_a_deck_written_to_a_folder_reads_back_as_the_same_deck(tmp_path: Path) -> None:
    found = with_documents()
    folder = tmp_path / "bank" / DECK
    write_folder(render(found), folder)
    assert (folder / "documents" / "hand-hygiene-faq.txt").is_file()
    from_disk = read_bank(folder)
    from_memory = read_deck_files(render(found), DECK)
    assert from_disk.decks == from_memory.decks
    assert from_disk.items == from_memory.items


def test_documents_are_read_and_kept_by_source() -> None:
    deck = load_deck_files(render(with_documents()), DECK)
    faq = (SEEDS / "hand-hygiene-faq.txt").read_text(encoding="utf-8")
    assert deck.documents["faq"] == faq
    assert deck.sources["faq"].document == "hand-hygiene-faq.txt"
    assert deck.sources["faq"].seed is None


def test_a_quote_not_in_its_document_is_refused_at_its_fact() -> None:
    files = render(with_documents())
    edit(files, "facts/technique.yaml", "Wash for 40 to 60 seconds", "Wash for 40-60 seconds")
    where = line_of(files, "facts/technique.yaml", "id: wash-duration")
    assert problems(files) == [
        f"{where}: quote not found verbatim in documents/hand-hygiene-faq.txt: "
        "'Wash for 40-60 seconds'"
    ]


def test_a_decision_quote_is_checked_against_the_document_too() -> None:
    files = render(with_documents())
    edit(files, "decisions.yaml", "quote: ABHR", "quote: AHBR")
    where = line_of(files, "decisions.yaml", "source: faq")
    assert problems(files) == [
        f"{where}: quote not found verbatim in documents/hand-hygiene-faq.txt: 'AHBR'"
    ]


def test_a_missing_document_is_refused_at_its_source() -> None:
    files = render(with_documents())
    del files["documents/hand-hygiene-leaflet.txt"]
    where = line_of(files, "sources.yaml", "id: leaflet")
    assert problems(files) == [
        f"{where}: document 'hand-hygiene-leaflet.txt' not found in documents"
    ]


def test_a_missing_document_in_a_folder_names_the_folder(tmp_path: Path) -> None:
    write_folder(render(with_documents()), tmp_path / DECK)
    (tmp_path / DECK / "documents" / "hand-hygiene-leaflet.txt").unlink()
    with pytest.raises(BankError) as refused:
        load_deck(tmp_path / DECK)
    (problem,) = refused.value.problems
    assert problem.path == f"{DECK}/sources.yaml"
    assert problem.message == (f"document 'hand-hygiene-leaflet.txt' not found in {DECK}/documents")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../leaflet.txt", "must be a file name such as 'leaflet.txt', without a folder"),
        ("", "must be non-empty text"),
    ],
)
def test_a_document_must_be_a_plain_file_name(name: str, reason: str) -> None:
    found = with_documents()
    found["sources"][0]["document"] = name
    files = render(found)
    where = line_of(files, "sources.yaml", f"document: {yaml.safe_dump(name).splitlines()[0]}")
    (problem,) = problems(files)
    assert problem.startswith(f"{where}: field 'document' {reason}")


def test_a_source_has_a_document_or_a_seed() -> None:
    found = with_documents()
    del found["sources"][0]["document"]
    files = render(found)
    where = line_of(files, "sources.yaml", "id: leaflet")
    assert problems(files) == [
        f"{where}: source needs field 'document' (its text in documents/) or 'seed'"
    ]


def test_a_source_keeps_its_address_and_date() -> None:
    found = with_documents()
    found["sources"][0] |= {
        "address": "https://example.org/clean-hands",
        "date": datetime.date(2024, 9, 2),
    }
    files = render(found)
    assert "date: 2024-09-02\n" in files["sources.yaml"]
    source = load_deck_files(files, DECK).sources["leaflet"]
    assert (source.address, source.date) == (
        "https://example.org/clean-hands",
        found["sources"][0]["date"],
    )


def test_a_date_written_as_text_is_refused() -> None:
    files = render(with_documents())
    edit(files, "sources.yaml", "  - id: faq\n", "  - id: faq\n    date: 'September 2024'\n")
    where = line_of(files, "sources.yaml", "date:")
    assert problems(files) == [
        f"{where}: field 'date' must be a date written as YYYY-MM-DD, without quotes"
    ]


def test_new_items_draft_makes_generated_items_drafts_only() -> None:
    found = with_documents()
    found["header"]["new_items"] = "draft"
    bank = read_deck_files(render(found), DECK)
    hand_written = {item.id for item in bank.decks[0].items}
    generated = [item for item in bank.items if item.id not in hand_written]
    assert generated
    assert {item.status for item in generated} == {Status.DRAFT}
    # items.yaml entries keep their own status (published unless they say otherwise)
    assert {item.status for item in bank.decks[0].items} == {Status.PUBLISHED}


def test_generated_items_are_published_by_default() -> None:
    bank = read_deck_files(render(with_documents()), DECK)
    assert bank.decks[0].new_items is Status.PUBLISHED
    assert {item.status for item in bank.items} == {Status.PUBLISHED}


def test_new_items_cannot_be_retired() -> None:
    found = with_documents()
    found["header"]["new_items"] = "retired"
    files = render(found)
    where = line_of(files, "deck.yaml", "new_items:")
    assert problems(files) == [f"{where}: field 'new_items' must be one of draft, published"]


def test_problems_in_memory_files_name_the_file_and_line() -> None:
    files = render(with_documents())
    edit(files, "facts/when.yaml", "      card_question:", "      card_questoin:")
    where = line_of(files, "facts/when.yaml", "card_questoin")
    assert problems(files) == [
        f"{where}: unknown field 'card_questoin' in list block (did you mean 'card_question'?)"
    ]


def test_bad_yaml_and_missing_files_in_memory_are_reported() -> None:
    files = render(with_documents())
    del files["sources.yaml"]
    edit(files, "deck.yaml", "title: Hand hygiene", "title: Hand hygiene: basics")
    where = line_of(files, "deck.yaml", "title:")
    found = problems(files)
    # libyaml words it "... not allowed in this context", PyYAML "... not allowed here".
    assert any(
        p.startswith(f"{where}: invalid YAML: mapping values are not allowed") for p in found
    )
    assert "sources.yaml: file not found" in found


def test_a_deck_without_facts_files_says_so() -> None:
    files = {name: text for name, text in render(with_documents()).items()}
    for name in [name for name in files if name.startswith("facts/")]:
        del files[name]
    assert "facts: no facts: add a facts/*.yaml file" in problems(files)


def test_write_folder_refuses_a_folder_that_is_not_a_deck(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FolderError, match="not empty and is not a deck folder"):
        write_folder(render(with_documents()), tmp_path)
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_write_folder_refuses_a_path_outside_the_folder(tmp_path: Path) -> None:
    with pytest.raises(FolderError, match="not a file name inside a deck folder"):
        write_folder({"deck.yaml": "id: x\n", "../escape.txt": "x"}, tmp_path / "deck")
    assert not (tmp_path / "escape.txt").exists()


def test_rewriting_a_deck_folder_drops_its_stale_files_only(tmp_path: Path) -> None:
    folder = tmp_path / DECK
    found = with_documents()
    write_folder(render(found), folder)
    (folder / "README.md").write_text("kept", encoding="utf-8")
    found["facts"] = [fact for fact in found["facts"] if fact["topic"] != "basics"]
    found["items"] = [item for item in found["items"] if not _links_basics(item, found)]
    found["decisions"] = None
    write_folder(render(found), folder)
    assert not (folder / "facts" / "basics.yaml").exists()
    assert not (folder / "decisions.yaml").exists()
    assert (folder / "README.md").read_text(encoding="utf-8") == "kept"
    assert "basics" not in {fact.topic for fact in load_deck(folder).facts.values()}


def _links_basics(item: dict[str, Any], found: dict[str, Any]) -> bool:
    kept = {fact["id"] for fact in found["facts"]}
    return not set(item["facts"]) <= kept


@pytest.mark.parametrize(
    "note",
    ["two lines\nof text\n", "  indented\nand trailing  ", "yes", "1.0", "2024-09-02", "a: b #c"],
)
def test_texts_yaml_would_misread_are_written_so_they_read_back_the_same(note: str) -> None:
    found = with_documents()
    found["sources"][1]["note"] = note
    assert load_deck_files(render(found), DECK).sources["faq"].note == note


def test_a_fact_with_a_topic_that_is_no_file_name_is_still_read_and_reported() -> None:
    found = with_documents()
    found["facts"][0]["topic"] = "../basics"
    files = render(found)
    where = line_of(files, "facts/_unsorted.yaml", "- id:")
    assert problems(files) == [
        f"{where}: unknown topic '../basics' (deck.yaml topics: basics, technique, when)"
    ]


def test_a_document_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    write_folder(render(with_documents()), tmp_path / DECK)
    (tmp_path / DECK / "documents" / "hand-hygiene-faq.txt").write_bytes(b"caf\xe9")
    with pytest.raises(BankError) as refused:
        load_deck(tmp_path / DECK)
    assert [str(problem) for problem in refused.value.problems] == [
        f"{DECK}/documents/hand-hygiene-faq.txt: is not UTF-8 text"
    ]
