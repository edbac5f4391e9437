"""Loader rules: each break of the test topic is refused with the exact ``file:line: reason``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quizapp.content import BankError, load_bank

from .builders import DECK, BankCopy

# (file, text to replace, replacement, text on the line the problem points at, reason)
# The explicit distractors of wash-duration in facts/technique.yaml, as written there.
TECHNIQUE_DISTRACTORS = "".join(
    [
        "    distractors:\n",
        '      - {text: 2-3 seconds, why: "A rinse of a few seconds does not reach every part'
        ' of the hands."}\n',
        '      - {text: 5 seconds, why: "Five seconds is far too short to clean every part'
        ' of the hands."}\n',
        "      - 10 seconds\n",
        '      - {text: 5 minutes, why: "Five minutes is longer than needed and dries the'
        ' skin."}\n',
    ]
)
BREAKS = [
    pytest.param(
        "deck.yaml",
        "title: Hand hygiene",
        "title: Hand hygiene: basics",
        "title:",
        "invalid YAML: mapping values are not allowed here",
        id="bad-yaml",
    ),
    pytest.param(
        "facts/moments.yaml",
        "      card_question:",
        "      card_questoin:",
        "card_questoin",
        "unknown field 'card_questoin' in list block (did you mean 'card_question'?)",
        id="unknown-field",
    ),
    pytest.param(
        "facts/basics.yaml",
        '    quote: "Wearing gloves does not replace hand hygiene."\n',
        "",
        "id: gloves-do-not-replace",
        "fact is missing required field 'quote'",
        id="missing-field",
    ),
    pytest.param(
        "facts/technique.yaml",
        '    source: leaflet\n    quote: "Rub',
        '    quote: "Rub',
        "id: rub-duration",
        "fact is missing required field 'source'",
        id="fact-without-source",
    ),
    pytest.param(
        "facts/technique.yaml",
        "value: 25",
        "value: twenty-five",
        "value:",
        "field 'value' must be a number",
        id="wrong-type",
    ),
    pytest.param(
        "facts/basics.yaml",
        "truefalse: false",
        "truefalse: no thanks",
        "truefalse:",
        "field 'truefalse' must be true or false",
        id="wrong-type-boolean",
    ),
    pytest.param(
        "facts/technique.yaml",
        "    answer: 40-60 seconds",
        "    answer: 40",
        "answer:",
        "field 'answer' must be non-empty text "
        "(quote it if YAML reads it as a number, date or yes/no)",
        id="number-for-text",
    ),
    pytest.param(
        "facts/moments.yaml",
        '    topic: when\n    source: leaflet\n    quote: "Moments 1',
        '    topic: timing\n    source: leaflet\n    quote: "Moments 1',
        "id: patient-moments",
        "unknown topic 'timing' (deck.yaml topics: basics, technique, when)",
        id="unknown-topic",
    ),
    pytest.param(
        "facts/technique.yaml",
        "    source: leaflet",
        "    source: poster",
        "id: rub-duration",
        "unknown source 'poster'",
        id="unknown-source",
    ),
    pytest.param(
        "facts/moments.yaml",
        "relation: protects-worker",
        "relation: protects-nurse",
        "id: worker-moments",
        "unknown relation 'protects-nurse'",
        id="unknown-relation",
    ),
    pytest.param(
        "facts/technique.yaml",
        "member_type: situation",
        "member_type: place",
        "id: soap-situations",
        "unknown member_type 'place': pools.yaml has no such pool",
        id="unknown-pool",
    ),
    pytest.param(
        "facts/technique.yaml",
        "see_also: [rub-duration]",
        "see_also: [rub-time]",
        "id: wash-duration",
        "see_also names unknown fact 'rub-time'",
        id="unknown-see-also",
    ),
    pytest.param(
        "facts/basics.yaml",
        "{{soap and water}} or with {{an alcohol-based hand rub}}",
        "soap and water or with an alcohol-based hand rub",
        "cloze:",
        "field 'cloze' has no {{…}} deletion",
        id="cloze-without-deletion",
    ),
    pytest.param(
        "facts/basics.yaml",
        "{{soap and water}}",
        "{{soap and water}",
        "cloze:",
        "field 'cloze' has an unmatched {{ or }}",
        id="cloze-unmatched",
    ),
    pytest.param(
        "facts/technique.yaml",
        "tolerance: 5",
        "tolerance: -5",
        "tolerance:",
        "field 'tolerance' must not be negative",
        id="negative-tolerance",
    ),
    pytest.param(
        "facts/technique.yaml",
        TECHNIQUE_DISTRACTORS,
        "    distractors: [5 minutes]\n",
        "distractors:",
        "field 'distractors' needs at least 2 entries",
        id="too-few-distractors",
    ),
    pytest.param(
        "facts/technique.yaml",
        "    question: How long",
        "    qu: x\n    question: How long",
        "qu: x",
        "unknown field 'qu' in fact",
        id="unknown-field-no-hint",
    ),
    pytest.param(
        "facts/technique.yaml",
        '    topic: technique\n    source: faq\n    quote: "Wash for',
        '    topic: technique\n    topic: basics\n    source: faq\n    quote: "Wash for',
        "topic: basics",
        "repeated key 'topic'",
        id="repeated-key",
    ),
    pytest.param(
        "facts/technique.yaml",
        "    question: How long should washing the hands with soap and water take?\n",
        "",
        "answer:",
        "field 'answer' needs field 'question'",
        id="answer-without-question",
    ),
    pytest.param(
        "facts/moments.yaml",
        '"{member} is a moment',
        '"It is a moment',
        "claim:",
        "field 'claim' must contain {member}",
        id="claim-without-member",
    ),
    pytest.param(
        "facts/moments.yaml",
        "members: [Before touching a patient, Before a clean",
        "members: [Before touching a patient, before touching a patient, Before a clean",
        "members: [Before",
        "field 'members' lists 'before touching a patient' twice",
        id="repeated-member",
    ),
    pytest.param(
        "deck.yaml",
        "needs-soap: {}",
        "needs-soap: {broader: [wash]}",
        "needs-soap:",
        "relation 'needs-soap' names unknown broader relation 'wash'",
        id="unknown-broader",
    ),
    pytest.param(
        "deck.yaml",
        "needs-soap: {}",
        "needs-soap: {narrower: [moment]}",
        "needs-soap:",
        "unknown field 'narrower' in relation 'needs-soap'",
        id="unknown-relation-field",
    ),
    pytest.param(
        "pools.yaml",
        "[Alcohol-based hand rub, Hand sanitiser, Alcohol rub]",
        "[Alcohol-based hand rub, Hand sanitiser, after touching a patient]",
        "Hand sanitiser",
        "'after touching a patient' is in two synonym groups (also at line 12)",
        id="name-in-two-synonym-groups",
    ),
    pytest.param(
        "decisions.yaml",
        "source: faq",
        "source: leaflets",
        "source: leaflets",
        "unknown source 'leaflets'",
        id="decision-unknown-source",
    ),
    pytest.param(
        "sources.yaml",
        "    seed: hand-hygiene-faq.txt\n",
        "",
        "id: faq",
        "source needs field 'document' (its text in documents/) or 'seed'",
        id="source-without-seed-or-document",
    ),
    pytest.param(
        "items.yaml",
        "facts: [worker-moments]",
        "facts: [nurse-moments]",
        "facts: [nurse-moments]",
        "unknown fact 'nurse-moments'",
        id="item-unknown-fact",
    ),
    pytest.param(
        "items.yaml",
        "id: hand-hygiene:gloves-card",
        "id: gloves-card",
        "id: gloves-card",
        "item id 'gloves-card' must start with 'hand-hygiene:'",
        id="item-id-without-deck",
    ),
    pytest.param(
        "items.yaml",
        "    type: qa\n",
        "    type: qa\n    options: [Maybe, Never]\n",
        "options: [Maybe",
        "field 'options' is only for single and multiple items",
        id="item-options-on-card",
    ),
    pytest.param(
        "items.yaml",
        "relation: moment",
        "relation: moments",
        "relation: moments",
        "unknown relation 'moments'",
        id="item-unknown-relation",
    ),
    pytest.param(
        "items.yaml",
        "    type: qa\n",
        "    type: flashcard\n",
        "type: flashcard",
        "field 'type' must be one of qa, cloze, single, multiple, truefalse, fillin, numeric",
        id="item-unknown-type",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "marker", "reason"), BREAKS)
def test_a_broken_file_is_refused_with_file_line_and_reason(
    bank: BankCopy, name: str, old: str, new: str, marker: str, reason: str
) -> None:
    bank.edit(name, old, new)
    assert bank.problems() == [f"{bank.where(name, marker)}: {reason}"]


def test_the_unbroken_topic_loads(bank: BankCopy) -> None:
    assert bank.problems() == []


def test_a_hand_written_numeric_answer_is_checked_field_by_field(bank: BankCopy) -> None:
    bank.add_item(
        """
        id: hand-hygiene:rub-seconds
        type: numeric
        prompt: About how many seconds does a hand rub take?
        answer: {value: 25, unit: seconds, tolerance: -5}
        facts: [rub-duration]
        """
    )
    where = bank.where("items.yaml", "tolerance: -5")
    assert bank.problems() == [f"{where}: field 'tolerance' must not be negative"]


def test_shape_and_reference_problems_are_reported_in_one_pass(bank: BankCopy) -> None:
    bank.edit("facts/technique.yaml", "value: 25", "value: twenty-five")
    bank.edit("facts/moments.yaml", "relation: protects-worker", "relation: protects-nurse")
    assert bank.problems() == [
        f"{bank.where('facts/moments.yaml', 'id: worker-moments')}: "
        "unknown relation 'protects-nurse'",
        f"{bank.where('facts/technique.yaml', 'value:')}: field 'value' must be a number",
    ]


def test_duplicate_fact_id_points_at_the_repeat_and_the_first(bank: BankCopy) -> None:
    bank.edit("facts/technique.yaml", "id: rub-duration", "id: gloves-do-not-replace")
    bank.edit(
        "facts/technique.yaml", "see_also: [rub-duration]", "see_also: [gloves-do-not-replace]"
    )
    first = bank.where("facts/basics.yaml", "id: gloves-do-not-replace")
    repeat = bank.where("facts/technique.yaml", "id: gloves-do-not-replace")
    assert bank.problems() == [
        f"{repeat}: duplicate fact id 'gloves-do-not-replace' (first defined at {first})"
    ]


def test_duplicate_deck_id_across_folders(bank: BankCopy) -> None:
    shutil.copytree(bank.deck, bank.root / "hand-hygiene-copy")
    assert bank.problems() == [
        "hand-hygiene-copy/deck.yaml:1: duplicate deck id 'hand-hygiene' "
        "(first defined at hand-hygiene/deck.yaml:1)"
    ]


def test_a_cycle_of_broader_relations_is_refused_at_each_of_its_relations(bank: BankCopy) -> None:
    bank.edit(
        "deck.yaml",
        "moment: {label: moments for hand hygiene}",
        "moment: {broader: [protects-worker]}",
    )
    cycle = "is broader than itself (a cycle through 'broader')"
    assert bank.problems() == [
        f"{bank.where('deck.yaml', 'moment: {')}: relation 'moment' {cycle}",
        f"{bank.where('deck.yaml', 'protects-worker:')}: relation 'protects-worker' {cycle}",
    ]


def test_a_missing_file_is_named_without_a_problem_per_reference(bank: BankCopy) -> None:
    (bank.deck / "sources.yaml").unlink()
    assert bank.problems() == [f"{DECK}/sources.yaml: file not found"]


def test_an_empty_facts_file_is_refused(bank: BankCopy) -> None:
    bank.write("facts/draft.yaml", "")
    assert bank.problems() == [f"{DECK}/facts/draft.yaml: is empty"]


def test_every_problem_is_reported_at_once_and_nothing_is_loaded(bank: BankCopy) -> None:
    bank.edit("facts/technique.yaml", "tolerance: 5", "tolerance: -5")
    bank.edit("deck.yaml", "title: Hand hygiene", "title: Hand hygiene: basics")
    with pytest.raises(BankError) as raised:
        bank.read()
    assert str(raised.value).splitlines() == [
        f"{bank.where('deck.yaml', 'title:')}: invalid YAML: mapping values are not allowed here",
        f"{bank.where('facts/technique.yaml', 'tolerance:')}: "
        "field 'tolerance' must not be negative",
    ]
    with pytest.raises(BankError):
        bank.load()


def test_optional_files_may_be_absent(bank: BankCopy) -> None:
    for name in ("decisions.yaml", "items.yaml"):
        (bank.deck / name).unlink()
    deck = bank.load()
    assert deck.decisions == () and deck.items == ()


def test_a_folder_without_decks_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BankError, match="no deck found"):
        load_bank(tmp_path)


def test_a_deck_folder_can_be_read_on_its_own(bank: BankCopy) -> None:
    """`quizapp bank check questions/leukopenia` works as well as on the whole bank."""
    (deck,) = load_bank(bank.deck)
    assert deck.id == DECK
    assert list(deck.topics) == ["basics", "technique", "when"]
    assert deck.relations["protects-worker"].broader == ("moment",)
    assert deck.facts["wash-duration"].origin.path == f"{DECK}/facts/technique.yaml"
