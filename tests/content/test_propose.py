"""Candidate facts proposed from small documents written for these tests."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from quizapp.bank import decks, sources
from quizapp.content import generate
from quizapp.content.documents import extract_text
from quizapp.content.folder import deck_files, load_deck_files
from quizapp.content.propose import MAX_PROPOSE_CHARS, Candidate, Proposal, ProposeError, propose
from quizapp.content.text import kebab
from quizapp.extensions import db
from quizapp.models import User

from .pdfs import FEVER_LINES, text_pdf

DOCUMENTS = Path(__file__).parent / "propose_docs"


def document(name: str) -> str:
    path = DOCUMENTS / name
    return extract_text(path.read_bytes(), path.name).text


def pdf_text() -> str:
    return extract_text(text_pdf(FEVER_LINES), "fever.pdf").text


def texts() -> dict[str, str]:
    found = {path.name: document(path.name) for path in sorted(DOCUMENTS.iterdir())}
    return {**found, "fever.pdf": pdf_text()}


def proposed(text: str, **topics: str) -> Proposal:
    return propose(text, deck="test", source="leaflet", topics=topics)


def only(proposal: Proposal, kind: str, id_: str) -> dict[str, Any]:
    (record,) = [c.record for c in proposal.candidates if c.kind == kind and c.record["id"] == id_]
    return record


def lists(proposal: Proposal) -> dict[str, list[str]]:
    return {
        c.record["id"]: c.record["list"]["members"] for c in proposal.candidates if c.kind == "list"
    }


@pytest.mark.parametrize("name", sorted(texts()))
def test_every_quote_is_the_text_itself(name: str) -> None:
    text = texts()[name]
    candidates = proposed(text).candidates

    assert candidates
    for candidate in candidates:
        assert text[candidate.start : candidate.start + len(candidate.quote)] == candidate.quote
        assert candidate.record["quote"] == candidate.quote


@pytest.mark.parametrize("name", sorted(texts()))
def test_every_record_passes_the_bank_schema_and_generates(name: str) -> None:
    """All candidates together, as a deck folder, load with the bank's own reader."""
    text = texts()[name]
    proposal = proposed(text)
    header = {"id": "test", "title": "Test", "topics": proposal.topics}
    if proposal.relations:
        header["relations"] = proposal.relations
    files = deck_files(
        header,
        [{"id": "leaflet", "title": "Leaflet", "document": "leaflet.txt"}],
        [candidate.record for candidate in proposal.candidates],
        documents={"leaflet.txt": text},
        pools={"pools": proposal.pools},
    )

    deck = load_deck_files(files)

    assert len(deck.facts) == len(proposal.candidates)
    assert generate(deck)
    ids = [candidate.record["id"] for candidate in proposal.candidates]
    assert len(set(ids)) == len(ids)


def test_a_definition_becomes_a_question_its_term_answers_and_a_cloze() -> None:
    leukopenia = only(proposed(document("low-white-count.md")), "definition", "leukopenia")

    assert leukopenia["quote"] == "Leukopenia is a low number of white cells in the blood."
    assert leukopenia["question"] == (
        "What is the name for a low number of white cells in the blood?"
    )
    assert leukopenia["answer"] == "Leukopenia"
    assert leukopenia["cloze"] == "{{Leukopenia}} is a low number of white cells in the blood."


def test_a_definition_by_when_asks_what_it_is_called() -> None:
    neutropenia = only(proposed(document("low-white-count.md")), "definition", "neutropenia")

    assert neutropenia["question"] == "What is it called when you have too few neutrophils?"


def numbers_of(text: str) -> list[tuple[float, str, str]]:
    return [
        (c.record["number"]["value"], c.record["number"]["unit"], c.quote)
        for c in proposed(text).candidates
        if c.kind == "number"
    ]


def test_numbers_keep_their_units() -> None:
    found = numbers_of(document("low-white-count.md"))

    assert [(value, unit) for value, unit, _ in found] == [
        (4.0, "× 10⁹/L"),
        (38, "°C"),
        (38.3, "°C"),
        (20, "seconds"),
    ]
    assert found[0][2] == "A normal count is 4.0 × 10⁹/L or more."


def test_numbers_in_grams_per_decilitre_per_microlitre_and_ranges() -> None:
    advice = [(value, unit) for value, unit, _ in numbers_of(document("infection-advice.txt"))]
    blood = [(value, unit) for value, unit, _ in numbers_of(document("blood-counts.html"))]

    assert advice == [(12.0, "g/dL"), (500, "per microlitre")]
    assert blood == [(150, "× 10⁹/L"), (400, "× 10⁹/L")]


def test_a_number_question_shows_the_sentence_with_a_gap() -> None:
    (record,) = [c.record for c in proposed(pdf_text()).candidates if c.kind == "number"]

    assert record["number"] == {
        "question": "What number fills the gap? Fever is a body temperature of … °C or higher.",
        "value": 38,
        "unit": "°C",
        "tolerance": 0,
    }


def test_inline_enumerations_keep_a_member_with_and_whole() -> None:
    found = lists(proposed(document("low-white-count.md")))

    assert found["symptoms"] == ["tiredness", "pale skin", "cold hands and feet"]
    assert found["infections"] == ["flu", "measles", "chickenpox"]
    assert found["medicines"] == ["steroids", "antibiotics", "pain killers"]
    assert lists(proposed(document("infection-advice.txt")))["protein"] == ["eggs", "beans", "fish"]


@pytest.mark.parametrize(
    ("sentence", "members"),
    [
        (
            "Symptoms include tiredness, pale skin and cold hands and feet.",
            ["tiredness", "pale skin", "cold hands and feet"],
        ),
        ("Germs live on things such as door handles or phones.", ["door handles", "phones"]),
        ("Germs spread on things such as towels, cups, and phones.", ["towels", "cups", "phones"]),
        (
            "Lower the risk with simple steps such as washing your hands often, "
            "cooking meat and eggs well, and keeping away from people who are ill.",
            [
                "washing your hands often",
                "cooking meat and eggs well",
                "keeping away from people who are ill",
            ],
        ),
        (
            "Pack things such as socks, hats or gloves, and a warm coat before you go.",
            ["socks", "hats or gloves", "a warm coat before you go"],
        ),
        (
            "Signs such as tiredness, sore hands and cold hands and feet can last weeks.",
            ["tiredness", "sore hands", "cold hands and feet"],
        ),
    ],
)
def test_how_an_enumeration_is_split(sentence: str, members: list[str]) -> None:
    assert list(lists(proposed(sentence)).values()) == [members]


def test_a_sentence_with_one_example_is_not_a_list() -> None:
    assert lists(proposed("Treatment may include rest.")) == {}


def test_an_inline_list_asks_which_of_these_and_its_card_hides_the_members() -> None:
    block = only(proposed(document("low-white-count.md")), "list", "infections")["list"]

    assert block["question"] == "Which of these infections can lower the white cell count?"
    assert block["card_question"] == "Infections such as … can lower the white cell count."


def test_bulleted_and_numbered_lists_under_an_intro() -> None:
    leaflet = proposed(document("low-white-count.md"))
    signs = only(leaflet, "list", "signs-of-an-infection")

    assert signs["list"]["members"] == ["a fever", "chills", "a sore throat", "a cough"]
    assert signs["quote"].startswith("Signs of an infection include:\n\n- a fever")
    assert signs["quote"].endswith("- a cough")
    assert signs["statement"] == (
        "Signs of an infection include: a fever, chills, a sore throat and a cough."
    )
    foods = lists(proposed(document("infection-advice.txt")))["foods-to-avoid"]
    assert foods == ["raw eggs", "soft cheese", "unwashed salad"]
    web = lists(proposed(document("blood-counts.html")))["common-causes"]
    assert web == ["cancer treatment", "some viral infections", "heavy drinking"]


def test_list_facts_name_declared_relations_and_pools_of_the_other_lists() -> None:
    proposal = proposed(document("infection-advice.txt"))
    relation = only(proposal, "list", "foods-to-avoid")["list"]["relation"]

    assert proposal.relations[relation] == {"label": "foods to avoid"}
    pool = proposal.pools[only(proposal, "list", "foods-to-avoid")["list"]["member_type"]]
    assert [entry["text"] for entry in pool] == ["eggs", "beans", "fish"]
    assert pool[0]["why"] == "The text lists “eggs” in another list, not in this one."


def test_advice_and_causes_hide_their_key_term() -> None:
    statements = {
        c.quote: c.record["cloze"]
        for text in (document("low-white-count.md"), document("blood-counts.html"))
        for c in proposed(text).candidates
        if c.kind == "statement"
    }

    assert statements["Avoid crowds while your count is low."] == (
        "Avoid {{crowds}} while your count is low."
    )
    assert statements["A lack of vitamin B12 can lead to a low count."] == (
        "A lack of vitamin B12 can lead to a {{low count}}."
    )
    assert statements["Tell your nurse about any bleeding gums."] == (
        "{{Tell your nurse}} about any bleeding gums."
    )


def test_a_cloze_is_not_made_where_the_sentence_gives_the_term_away() -> None:
    """ "brush" is both the advice and a word later in the sentence."""
    quotes = [c.quote for c in proposed(document("infection-advice.txt")).candidates]

    assert "You should brush your teeth with a soft brush." not in quotes


def test_statements_are_not_true_false_items_until_the_instructor_adds_false_ones() -> None:
    assert all(c.record["truefalse"] is False for c in proposed(pdf_text()).candidates)


def topics_of(proposal: Proposal) -> dict[str, tuple[str, str]]:
    return {c.record["id"]: (c.topic, c.topic_title) for c in proposal.candidates}


def test_topics_come_from_the_nearest_heading_of_each_kind_of_document() -> None:
    markdown = topics_of(proposed(document("low-white-count.md")))
    plain = topics_of(proposed(document("infection-advice.txt")))
    web = topics_of(proposed(document("blood-counts.html")))

    assert markdown["leukopenia"] == ("low-white-cell-count", "Low white cell count")
    assert markdown["infections"] == ("causes", "Causes")
    assert plain["anemia"] == ("keeping-safe-from-germs", "Keeping safe from germs")
    assert plain["foods-to-avoid"] == ("food-safety", "Food safety")
    assert web["common-causes"] == ("why-counts-drop", "Why counts drop")
    pdf = topics_of(proposed(pdf_text()))
    assert pdf["fever"] == ("fever", "Fever")
    assert pdf["wash-hands-soap-water-eat"] == ("keeping-clean", "Keeping clean")


def test_a_sentence_wrapped_over_lines_is_quoted_with_its_line_break() -> None:
    quotes = {c.record["id"]: c.quote for c in proposed(pdf_text()).candidates}

    assert quotes["call-doctor-fever-low-count"] == (
        "Call your doctor if you have a fever and\na low count."
    )


def test_a_heading_the_deck_has_keeps_the_decks_topic_key() -> None:
    proposal = proposed(document("low-white-count.md"), signs="Symptoms")

    assert topics_of(proposal)["symptoms"] == ("signs", "Symptoms")
    assert proposal.topics["signs"] == "Symptoms"


def test_text_without_headings_goes_to_one_general_topic() -> None:
    proposal = proposed("Anemia is a low number of red cells.")

    assert proposal.topics == {"general": "General"}


def candidates_by_kind(candidates: tuple[Candidate, ...]) -> dict[str, int]:
    counted: dict[str, int] = {}
    for candidate in candidates:
        counted[candidate.kind] = counted.get(candidate.kind, 0) + 1
    return counted


def test_the_kinds_proposed_from_the_leaflet() -> None:
    counted = candidates_by_kind(proposed(document("low-white-count.md")).candidates)

    assert counted == {"definition": 3, "number": 4, "list": 4, "statement": 2}


def test_code_blocks_and_table_rows_give_no_candidates() -> None:
    text = (
        "# Notes\n\n```\nAnemia is a low number of red cells.\n```\n\n"
        "| Anemia is a low number of red cells. |\n"
    )

    assert proposed(text).candidates == ()


@pytest.mark.parametrize(
    "sentence",
    ["It is a low number of red cells.", "This is the same as anemia.", "Every cell is a unit."],
)
def test_a_remark_about_something_named_before_is_not_a_definition(sentence: str) -> None:
    assert [c for c in proposed(sentence).candidates if c.kind == "definition"] == []


LEAFLET_LISTS = """\
When to call us

Call the helpline straight away if you have any of these:

- a temperature of 38 °C or higher
- a sore throat or a new cough

Lowering the risk of infection

You can lower the risk of infection with simple steps such as washing your hands often, \
cooking meat and eggs well, and keeping away from people who are ill.
"""


def test_a_wrong_answer_from_another_list_says_under_which_heading_the_text_lists_it() -> None:
    proposal = proposed(LEAFLET_LISTS)
    steps = only(proposal, "list", "steps")["list"]
    call = only(proposal, "list", "call-the-helpline-straight-away")["list"]

    why = {entry["text"]: entry["why"] for entry in proposal.pools[steps["member_type"]]}
    assert why["a sore throat or a new cough"] == (
        "The text lists “a sore throat or a new cough” under “When to call us”, "
        "not under “Lowering the risk of infection”."
    )
    assert proposal.relations[call["relation"]] == {
        "label": "things listed under “When to call us”"
    }


def test_lists_under_one_heading_are_told_apart_by_what_they_list() -> None:
    proposal = proposed(document("low-white-count.md"))
    symptoms = only(proposal, "list", "symptoms")["list"]

    why = {entry["text"]: entry["why"] for entry in proposal.pools[symptoms["member_type"]]}
    assert why["a fever"] == (
        "The text lists “a fever” among the signs of an infection, not among the symptoms."
    )


def test_list_questions_are_real_questions() -> None:
    proposal = proposed(LEAFLET_LISTS)
    steps = only(proposal, "list", "steps")["list"]
    call = only(proposal, "list", "call-the-helpline-straight-away")["list"]
    symptoms = only(proposed(document("low-white-count.md")), "list", "symptoms")["list"]

    assert steps["question"] == "Which of these is one of the steps?"
    assert call["question"] == "Which of these does the text list under “When to call us”?"
    assert symptoms["question"] == "Which of these is one of the symptoms?"


def test_a_list_asked_by_its_heading_takes_no_wrong_answers_from_under_that_heading() -> None:
    proposal = proposed(document("infection-advice.txt"))
    protein = only(proposal, "list", "protein")["list"]

    assert protein["question"] == "Which of these does the text list under “Food safety”?"
    assert proposal.pools[protein["member_type"]] == []  # "raw eggs" is listed there too


def test_a_text_too_long_is_refused_at_once_with_what_to_do() -> None:
    text = "Wash your hands often, because germs spread by touch.\n\n" * 4_000
    assert len(text) > 200_000

    started = time.perf_counter()
    with pytest.raises(ProposeError) as refused:
        proposed(text)

    assert time.perf_counter() - started < 0.1
    assert str(refused.value) == (
        f"This document is too long to propose facts from at once ({len(text):,} characters; "
        "at most 60,000). Split it into parts."
    )


@pytest.mark.parametrize("breaks", ["\n\n", " "], ids=["paragraphs", "one-paragraph"])
def test_a_long_text_is_proposed_in_reasonable_time(breaks: str) -> None:
    sentence = (
        "You can lower the risk with steps such as washing your hands, cooking meat well, "
        "and keeping away from people who are ill. A count below 0.5 × 10⁹/L is severe."
    )
    text = breaks.join(f"{sentence} Part {number} ends here." for number in range(330))
    assert 45_000 < len(text) <= MAX_PROPOSE_CHARS

    started = time.perf_counter()
    proposal = proposed(text)

    assert time.perf_counter() - started < 5  # about 0.4 s; the whole text at once took 4 s
    assert {c.kind for c in proposal.candidates} == {"list", "number"}


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Causes & risks", "causes-risks"),
        ("Sjögren’s syndrome", "sjogrens-syndrome"),
        ("日本語", "topic"),
        ("!!!", "topic"),
    ],
)
def test_a_key_is_made_from_any_title(title: str, key: str) -> None:
    assert kebab(title, "topic") == key


def test_headings_without_latin_letters_get_usable_topic_keys() -> None:
    text = (
        "# 日本語\n\nWash your hands often, because germs spread by touch.\n\n"
        "# !!!\n\nKeep cuts clean, because germs enter through them.\n"
    )
    assert [(c.topic, c.topic_title) for c in proposed(text).candidates] == [
        ("topic", "日本語"),
        ("topic-2", "!!!"),
    ]


def test_sources_titled_without_latin_letters_get_usable_keys(app: Flask, instructor: User) -> None:
    with app.app_context():
        editor = db.session.get_one(User, instructor.id)
        deck = decks.create_deck("nihongo", "日本語", None, editor)
        first = sources.add_source(deck, title="日本語", text="Wash your hands.", editor=editor)
        second = sources.add_source(deck, title="!!!", text="Keep cuts clean.", editor=editor)

        assert (first.key, second.key) == ("source", "source-2")
