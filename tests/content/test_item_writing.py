"""The bank format additions (importance, core topics, glossary, labels, feedback) and the
item-writing rules the generator follows (questions/README.md, "Generated items")."""

from __future__ import annotations

import textwrap

import pytest

from quizapp.content import Item, ItemType, generate
from quizapp.content.choices import option_order
from quizapp.content.falsify import claim_member, dangling, number_swapped, wrong_thresholds
from quizapp.content.generator import MAX_ITEMS_PER_FACT
from quizapp.content.text import cloze_leaks

from .builders import DECK, BankCopy

PATIENT_CLAIM = "{member} is a moment for hand hygiene that protects the patient."


def by_id(bank: BankCopy) -> dict[str, Item]:
    return {item.id: item for item in bank.read().items}


def add_fact(bank: BankCopy, name: str, fact: str) -> None:
    bank.write(f"facts/{name}.yaml", "facts:\n  - " + textwrap.indent(fact, "    ").lstrip())


# deck.yaml: importance, core topics, glossary, relation labels ----------------------------------


def test_the_deck_reads_importance_core_topics_glossary_and_labels(bank: BankCopy) -> None:
    deck = bank.load()
    assert (deck.weight("when"), deck.weight("technique"), deck.weight("basics")) == (5, 3, 1)
    assert deck.core_topics == ("when",)
    assert deck.glossary["aseptic"] == "free of germs"
    assert deck.relations["protects-worker"].label == "moments that protect the health worker"


def test_a_deck_without_the_additions_still_loads(bank: BankCopy) -> None:
    text = (bank.deck / "deck.yaml").read_text(encoding="utf-8")
    bank.write("deck.yaml", text[: text.index("importance:")] + text[text.index("relations:") :])
    deck = bank.load()
    assert (deck.importance, deck.core_topics, deck.glossary) == ({}, (), {})
    assert deck.weight("when") == 1


@pytest.mark.parametrize(
    ("old", "new", "marker", "reason"),
    [
        ("  when: 5", "  when: 7", "importance:", "field 'importance' must map topic keys"),
        (
            "core_topics: [when]",
            "core_topics: [hygiene]",
            "core_topics:",
            "unknown topic 'hygiene'",
        ),
        ("  aseptic: free of germs", "  aseptic: ''", "glossary:", "field 'glossary' must map"),
    ],
)
def test_bad_deck_additions_are_refused(
    bank: BankCopy, old: str, new: str, marker: str, reason: str
) -> None:
    bank.edit("deck.yaml", old, new)
    (problem,) = bank.problems()
    assert problem.startswith(bank.where("deck.yaml", marker)) and reason in problem


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        ("{text: 10 seconds}", "is missing 'why'"),
        ("{text: 10 seconds, why: Too short., note: x}", "has unknown field 'note'"),
        ("{text: 10 seconds, why: ''}", "has an empty 'why'"),
    ],
)
def test_a_malformed_distractor_is_refused(bank: BankCopy, new: str, reason: str) -> None:
    bank.edit("facts/technique.yaml", "      - 10 seconds\n", f"      - {new}\n")
    (problem,) = bank.problems()
    assert "field 'distractors' entry" in problem and reason in problem


# Feedback on wrong options ----------------------------------------------------------------------


def test_each_explained_distractor_brings_its_feedback(bank: BankCopy) -> None:
    item = by_id(bank)[f"{DECK}:wash-duration:single"]
    wrong = [option for option in item.options or () if option != item.answer]
    explained = {"2-3 seconds", "5 seconds", "5 minutes"}
    assert set(item.feedback) == set(wrong) & explained  # "10 seconds" is a plain string
    if "5 minutes" in item.feedback:
        assert (
            item.feedback["5 minutes"] == "Five minutes is longer than needed and dries the skin."
        )
    assert item.explanation == bank.load().facts["wash-duration"].statement + " " + (
        bank.load().facts["rub-duration"].statement
    )  # feedback is kept apart from the explanation


def test_a_sibling_member_is_explained_from_the_relation_labels(bank: BankCopy) -> None:
    worker = {"After body fluid exposure risk", "After touching patient surroundings"}
    tail = (
        " is one of the moments that protect the health worker,"
        " not one of the moments that protect the patient."
    )
    explained = {
        option: why
        for item in by_id(bank).values()
        if item.relation == "protects-patient"
        for option, why in item.feedback.items()
        if option in worker
    }
    assert explained and all(why == option + tail for option, why in explained.items())


def test_without_labels_a_sibling_member_has_no_feedback(bank: BankCopy) -> None:
    bank.edit(
        "deck.yaml",
        "protects-patient: {broader: [moment], label: moments that protect the patient}",
        "protects-patient: {broader: [moment]}",
    )
    for item in by_id(bank).values():
        if item.relation == "protects-patient":
            assert "After touching a patient" not in item.feedback


def test_a_pool_entry_with_why_explains_itself(bank: BankCopy) -> None:
    why = "A newspaper is not a patient or their surroundings; it is not one of the five moments."
    generated = [item for item in by_id(bank).values() if item.id != f"{DECK}:any-moment"]
    offering = [i for i in generated if "After reading a newspaper" in (i.options or ())]
    assert offering and all(i.feedback["After reading a newspaper"] == why for i in offering)


def test_hand_written_feedback_is_read(bank: BankCopy) -> None:
    item = by_id(bank)[f"{DECK}:any-moment"]
    assert item.feedback["After reading a newspaper"] == (
        "A newspaper is not a patient or their surroundings."
    )
    assert item.to_dict()["feedback"] == dict(item.feedback)


@pytest.mark.parametrize(
    ("feedback", "reason"),
    [
        ("Before a tea break: Not a moment.", "feedback names 'Before a tea break', which is not"),
        (
            "After touching a patient: Wrong.",
            "feedback names 'After touching a patient', a correct",
        ),
    ],
)
def test_hand_written_feedback_must_explain_a_wrong_option(
    bank: BankCopy, feedback: str, reason: str
) -> None:
    bank.add_item(
        f"""
        id: hand-hygiene:one-moment
        type: single
        prompt: When do hands need cleaning?
        options: [After touching a patient, After reading a newspaper, Before entering the hospital]
        answer: After touching a patient
        feedback: {{{feedback}}}
        facts: [worker-moments]
        """
    )
    (problem,) = bank.problems()
    assert reason in problem


def test_feedback_is_only_for_choice_items(bank: BankCopy) -> None:
    bank.add_item(
        """
        id: hand-hygiene:gloves-again
        type: qa
        prompt: Do gloves replace hand hygiene?
        answer: "No"
        feedback: {"Yes": Gloves can have holes.}
        facts: [gloves-do-not-replace]
        """
    )
    (problem,) = bank.problems()
    assert "field 'feedback' is only for single and multiple items" in problem


# True/false by plausible substitution ------------------------------------------------------------


def test_false_claims_balance_true_claims_and_name_no_true_answer(bank: BankCopy) -> None:
    items = by_id(bank)
    claims = [
        i for i in items.values() if ":patient-moments:" in i.id and i.type.value == "truefalse"
    ]
    true = [i for i in claims if i.answer is True]
    false = [i for i in claims if i.answer is False]
    assert len(true) == len(false) == 2
    members = {"Before touching a patient", "Before a clean or aseptic procedure"}
    for item in false:
        named = claim_member(PATIENT_CLAIM, item.prompt)
        assert named and named not in members
        assert item.relation == "protects-patient"


def test_a_false_claim_is_explained_by_the_distractor_feedback(bank: BankCopy) -> None:
    false = [i for i in by_id(bank).values() if ":false-claim:" in i.id and "newspaper" in i.prompt]
    assert false
    assert false[0].explanation.startswith("A newspaper is not a patient")


def test_a_false_claim_that_names_a_true_answer_is_refused(bank: BankCopy) -> None:
    bank.add_item(
        """
        id: hand-hygiene:bad-claim
        type: truefalse
        prompt: Before touching a patient is a moment for hand hygiene that protects the patient.
        answer: false
        facts: [patient-moments]
        """
    )
    (problem,) = bank.problems()
    assert "'Before touching a patient' is a true answer for relation 'protects-patient'" in problem


THRESHOLDS = """\
id: alcohol-strength
topic: technique
source: leaflet
quote: "Rub your hands"
statement: A hand rub works when it has more than 60 % alcohol.
number: {question: "Above what share of alcohol does a hand rub work?", value: 60, unit: "%"}
"""
OTHER_THRESHOLD = """\
id: soap-share
topic: technique
source: leaflet
quote: "Rub your hands"
statement: Soap is used in 10 % of cases.
truefalse: false
number: {question: "What share?", value: 10, unit: "%"}
"""


def test_a_wrong_threshold_makes_a_false_statement(bank: BankCopy) -> None:
    add_fact(bank, "alcohol", THRESHOLDS)
    add_fact(bank, "soap", OTHER_THRESHOLD)
    items = by_id(bank)  # the validator accepts it: one number changed
    item = items[f"{DECK}:alcohol-strength:threshold:1"]
    assert (item.prompt, item.answer) == (
        "A hand rub works when it has more than 10 % alcohol.",
        False,
    )
    assert item.explanation.startswith("The figure is 60, not 10. ")


def test_a_threshold_swap_that_would_stay_true_is_not_made() -> None:
    """Below 2.0 is also below 4.0: only a larger value falsifies "below 4.0"."""
    statement = "Leukopenia is a count below 4.0 × 10⁹/L."
    assert [t.wrong for t in wrong_thresholds(statement, 4.0, [0.5, 2.0, 10.0])] == ["10.0"]
    assert [t.wrong for t in wrong_thresholds("More than 2 cups.", 2, [1, 3])] == ["1"]
    assert number_swapped(statement, "Leukopenia is a count below 10.0 × 10⁹/L.")
    assert not number_swapped(statement, "Leukopenia is a count below 4.0 × 10⁹/L!")
    # The validator accepts a hand-written False twin only when the swap falsifies it.
    assert not number_swapped(statement, "Leukopenia is a count below 2.0 × 10⁹/L.")


@pytest.mark.parametrize(
    ("statement", "leans"),
    [
        ("Such infections can be serious.", True),
        ("The list is not complete.", True),
        ("These nutrients matter.", True),
        ("Fever is the most common sign of infection.", False),
    ],
)
def test_a_statement_that_leans_on_a_neighbour_is_recognised(statement: str, leans: bool) -> None:
    assert dangling(statement) is leans


def test_long_or_dangling_statements_are_not_asked_as_true_false(bank: BankCopy) -> None:
    add_fact(
        bank,
        "more",
        """\
id: dangling-fact
topic: basics
source: faq
quote: "Wearing gloves does not replace hand hygiene."
statement: Such gloves do not replace hand hygiene.
""",
    )
    long = " ".join(["Gloves"] + ["and more"] * 12) + " do not replace hand hygiene."
    bank.edit(
        "facts/technique.yaml",
        "statement: Washing the hands with soap and water takes 40 to 60 seconds.",
        f"statement: {long}",
    )
    ids = set(by_id(bank))
    assert f"{DECK}:dangling-fact:truefalse" not in ids
    assert f"{DECK}:wash-duration:truefalse" not in ids


# Caps, cloze, fill-in, option order ---------------------------------------------------------------


def test_a_long_list_gives_at_most_eight_items_and_no_flashcard(bank: BankCopy) -> None:
    members = [f"Before task {n}" for n in range(1, 13)]
    add_fact(
        bank,
        "long",
        f"""\
id: many-moments
topic: when
source: leaflet
quote: "Moments 1 and 2 protect the patient from germs."
statement: There are many moments.
list:
  relation: protects-patient
  member_type: moment
  question: Which of these moments protect the patient?
  members: [{", ".join(members)}]
  claim: "{{member}} protects the patient."
""",
    )
    items = [item for item in generate(bank.load()) if ":many-moments:" in item.id]
    assert len(items) <= MAX_ITEMS_PER_FACT
    kinds = [item.id.split(":")[2] for item in items]
    assert "list" not in kinds  # a twelve-name back is not learnable
    assert kinds.count("single") == 1 and kinds.count("multiple") == 1
    true = [i for i in items if i.answer is True]
    false = [i for i in items if i.answer is False]
    assert len(true) == len(false) >= 2
    single = next(i for i in items if i.type is ItemType.SINGLE)
    assert single.answer not in {claim.prompt.split(" protects")[0] for claim in true}


def test_a_cloze_deletion_the_sentence_gives_away_makes_no_card(bank: BankCopy) -> None:
    bank.edit(
        "facts/basics.yaml",
        "{{an alcohol-based hand rub}}.",
        "{{an alcohol-based hand rub}}; an alcohol-based hand rub is quickest.",
    )
    assert ids_for(bank, "hand-hygiene-definition") == ["cloze:1"]


def ids_for(bank: BankCopy, fact: str) -> list[str]:
    prefix = f"{DECK}:{fact}:"
    return [
        item.id.removeprefix(prefix) for item in generate(bank.load()) if item.id.startswith(prefix)
    ]


@pytest.mark.parametrize(
    ("cloze", "leaks"),
    [
        ("White cells are made in the {{bone marrow}}; the bone marrow is in bones.", True),
        ("Anemia hinders white-cell {{production}}, so fewer are produced.", True),
        ("White cells are made in the {{bone marrow}}.", False),
    ],
)
def test_a_leaking_cloze_deletion_is_recognised(cloze: str, leaks: bool) -> None:
    assert cloze_leaks(cloze, 0) is leaks


def test_a_fill_in_key_longer_than_three_words_makes_no_fill_in(bank: BankCopy) -> None:
    bank.edit("facts/basics.yaml", "answer: Hand hygiene", "answer: Cleaning of the hands")
    assert ids_for(bank, "gloves-do-not-replace") == ["qa", "truefalse", "false:1"]


def test_numeric_options_are_in_numeric_order() -> None:
    assert option_order(["10.0 × 10⁹/L", "2.0 × 10⁹/L", "0.5 × 10⁹/L", "4.0 × 10⁹/L"]) == (
        "0.5 × 10⁹/L",
        "2.0 × 10⁹/L",
        "4.0 × 10⁹/L",
        "10.0 × 10⁹/L",
    )
    assert option_order(["Gout", "asthma", "Burns"]) == ("asthma", "Burns", "Gout")


def test_members_of_a_broader_relation_are_never_wrong_options(bank: BankCopy) -> None:
    """A "moment" is not known NOT to protect the patient: it must not be offered as wrong."""
    add_fact(
        bank,
        "general",
        """\
id: general-moments
topic: when
source: leaflet
quote: "Moments 1 and 2 protect the patient from germs."
statement: Handling waste is a moment for hand hygiene.
list:
  relation: moment
  member_type: moment
  question: Which of these are moments for hand hygiene?
  members: [After handling waste]
""",
    )
    pools = (bank.deck / "pools.yaml").read_text(encoding="utf-8")
    moments = pools[pools.index("  moment:") : pools.index("  situation:")]
    bank.edit("pools.yaml", moments, "  moment: []\n")
    items = generate(bank.load())  # unvalidated: the one-member list has no wrong options
    narrower = [i for i in items if i.relation in ("protects-patient", "protects-worker")]
    assert narrower and not any("After handling waste" in (i.options or ()) for i in narrower)
    assert not any("After handling waste" in i.prompt for i in items if i.answer is False)
