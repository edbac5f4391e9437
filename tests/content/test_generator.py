"""Generation from the hand-hygiene test topic: topic-agnostic, deterministic, safe distractors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from quizapp.content import Deck, Item, ItemType, NumericAnswer, generate, load_deck, normalise
from quizapp.content.truth import Truth

from .builders import DECK, TOPICS, BankCopy

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def deck() -> Deck:
    return load_deck(TOPICS / DECK)


@pytest.fixture(scope="module")
def items(deck: Deck) -> dict[str, Item]:
    return {item.id: item for item in generate(deck)}


def ids_of(items: dict[str, Item], fact: str) -> list[str]:
    return [
        item_id.removeprefix(f"{DECK}:{fact}:")
        for item_id in items
        if item_id.startswith(f"{DECK}:{fact}:")
    ]


def test_a_second_topic_yields_its_own_deck_with_every_item_type(items: dict[str, Item]) -> None:
    assert {item.deck for item in items.values()} == {DECK}
    assert all(item_id.startswith(f"{DECK}:") for item_id in items)
    assert set(Counter(item.type for item in items.values())) == set(ItemType)


@pytest.mark.parametrize(
    ("fact", "templates"),
    [
        ("hand-hygiene-definition", ["cloze:1", "cloze:2"]),  # truefalse: false
        ("gloves-do-not-replace", ["qa", "fillin", "truefalse", "false:1"]),
        ("rub-duration", ["numeric", "truefalse"]),
        # a fact asked with options is not also asked as a fill-in with the same stem
        ("wash-duration", ["qa", "single", "truefalse", "false:1"]),
        (  # a list's statement reads as exhaustive: its members are judged one by one
            "patient-moments",
            [
                "list",
                "multiple",
                "single:1",
                "truefalse:1",
                "truefalse:2",
                "false-claim:1",
                "false-claim:2",
            ],
        ),
    ],
)
def test_item_ids_name_deck_fact_and_template(
    items: dict[str, Item], fact: str, templates: list[str]
) -> None:
    assert ids_of(items, fact) == templates


def test_kind_follows_type(items: dict[str, Item]) -> None:
    assert {item.type: item.kind.value for item in items.values()} == {
        ItemType.QA: "card",
        ItemType.CLOZE: "card",
        ItemType.SINGLE: "question",
        ItemType.MULTIPLE: "question",
        ItemType.TRUEFALSE: "question",
        ItemType.FILLIN: "question",
        ItemType.NUMERIC: "question",
    }


def test_cloze_cards_hide_one_deletion_and_fill_in_the_others(items: dict[str, Item]) -> None:
    first, second = (items[f"{DECK}:hand-hygiene-definition:cloze:{n}"] for n in (1, 2))
    assert (
        first.prompt
        == "Hand hygiene means cleaning the hands with […] or with an alcohol-based hand rub."
    )
    assert first.answer == "soap and water"
    assert second.prompt == "Hand hygiene means cleaning the hands with soap and water or with […]."
    assert second.answer == "an alcohol-based hand rub"


def test_a_false_statement_is_answered_false_and_explained_with_its_correction(
    items: dict[str, Item], deck: Deck
) -> None:
    item = items[f"{DECK}:wash-duration:false:1"]
    assert (item.type, item.answer) == (ItemType.TRUEFALSE, False)
    assert item.prompt == "A quick five-second rinse with soap is enough to clean the hands."
    # The fact's own statement says what the correction says, so it is not repeated.
    assert deck.facts["wash-duration"].statement not in item.explanation
    assert item.explanation == " ".join(
        [
            "A wash with soap and water takes 40 to 60 seconds.",
            deck.facts["rub-duration"].statement,  # see_also
        ]
    )
    assert item.facts == ("wash-duration", "rub-duration")
    assert item.source == "faq"


def test_fillin_accepts_the_alternatives(items: dict[str, Item]) -> None:
    item = items[f"{DECK}:gloves-do-not-replace:fillin"]
    assert item.answer == "Hand hygiene"
    assert item.accept == ("Cleaning your hands", "Hand washing")


def test_single_from_a_fact_offers_its_answer_and_three_of_its_distractors(
    items: dict[str, Item],
) -> None:
    item = items[f"{DECK}:wash-duration:single"]
    assert item.answer == "40-60 seconds"
    assert item.options is not None and len(item.options) == 4
    assert set(item.options) - {item.answer} <= {
        "2-3 seconds",
        "5 seconds",
        "10 seconds",
        "5 minutes",
    }


def test_numeric_answer_keeps_value_tolerance_and_unit(items: dict[str, Item]) -> None:
    item = items[f"{DECK}:rub-duration:numeric"]
    assert item.answer == NumericAnswer(value=25, tolerance=5, unit="seconds")
    assert item.to_dict()["answer"] == {"value": 25, "tolerance": 5, "unit": "seconds"}


def test_list_card_names_the_whole_list(items: dict[str, Item]) -> None:
    item = items[f"{DECK}:patient-moments:list"]
    assert (item.type, item.prompt) == (
        ItemType.QA,
        "Which two moments for hand hygiene protect the patient from germs?",
    )
    assert item.answer == "Before touching a patient; Before a clean or aseptic procedure"


def test_multiple_answer_question_mixes_members_and_distractors(
    items: dict[str, Item], deck: Deck
) -> None:
    item = items[f"{DECK}:worker-moments:multiple"]
    members = deck.facts["worker-moments"].list_block.members  # type: ignore[union-attr]
    assert item.options is not None and item.relation == "protects-worker"
    assert set(item.answers) == set(members)  # three members: all shown
    assert len(item.options) == 6  # and three wrong options
    assert list(item.options) == sorted(item.options, key=normalise)  # stored in a stable order
    assert item.prompt.endswith("? Choose all that apply.")


def test_a_list_gets_one_single_with_only_its_member_correct(
    items: dict[str, Item], deck: Deck
) -> None:
    """More singles would share the list's stem; the quiz would meet the same question twice."""
    members = deck.facts["worker-moments"].list_block.members  # type: ignore[union-attr]
    singles = [item for item in items.values() if ":worker-moments:single:" in item.id]
    assert len(singles) == 1
    (item,) = singles
    number = int(item.id.rsplit(":", 1)[1])
    assert item.answer == members[number - 1]
    assert item.options is not None and len(item.options) == 4
    assert [option for option in item.options if option in members] == [item.answer]


def test_explicit_distractors_are_preferred(items: dict[str, Item]) -> None:
    lists = [item for item in items.values() if item.relation == "protects-worker"]
    assert all("After using a computer in the staff room" in item.options for item in lists)  # type: ignore[operator]


def test_no_distractor_is_a_true_answer_even_through_a_synonym(items: dict[str, Item]) -> None:
    """The pool's "After contact with a patient" is a synonym of a worker moment."""
    worker = [item for item in items.values() if item.relation == "protects-worker"]
    assert worker and all("After contact with a patient" not in item.options for item in worker)  # type: ignore[operator]


def test_members_of_other_relations_of_the_same_type_can_be_wrong_answers(bank: BankCopy) -> None:
    """With the pool emptied, only worker moments are left as wrong answers for patient moments."""
    pools = (bank.deck / "pools.yaml").read_text(encoding="utf-8")
    moments = pools[pools.index("  moment:") : pools.index("  situation:")]
    bank.edit("pools.yaml", moments, "  moment:\n    - Before a tea break\n")
    item = {item.id: item for item in generate(bank.load())}[f"{DECK}:patient-moments:single:1"]
    assert item.options is not None
    assert set(item.options) - {"Before touching a patient", "Before a tea break"} <= {
        "After body fluid exposure risk",
        "After touching a patient",
        "After touching patient surroundings",
    }


def test_true_answers_propagate_through_broader(deck: Deck) -> None:
    truth = Truth(deck)
    assert truth.is_true("moment", "Before touching a patient")  # from protects-patient
    assert truth.is_true(
        "moment", "after contact with a patient"
    )  # from protects-worker, via a synonym
    assert not truth.is_true("protects-patient", "After touching a patient")


def test_member_true_false_uses_the_claim(items: dict[str, Item]) -> None:
    claimed = items[f"{DECK}:patient-moments:truefalse:1"]
    assert (
        claimed.prompt
        == "Before touching a patient is a moment for hand hygiene that protects the patient."
    )
    assert claimed.answer is True


def test_a_list_without_a_claim_makes_no_member_true_false(items: dict[str, Item]) -> None:
    """“X” is a correct answer to “…?” read badly; such lists are asked as choices only."""
    assert not any(
        item.type is ItemType.TRUEFALSE for item in items.values() if "soap-situations" in item.id
    )


def test_every_item_cites_its_fact_source_and_is_published(
    items: dict[str, Item], deck: Deck
) -> None:
    for item in items.values():
        assert item.source == deck.facts[item.facts[0]].source
        assert item.topic == deck.facts[item.facts[0]].topic
        assert item.status.value == "published"


def test_export_shape_is_json_serialisable(items: dict[str, Item]) -> None:
    exported = json.loads(json.dumps([item.to_dict() for item in items.values()]))
    assert set(exported[0]) == {
        "id",
        "deck",
        "topic",
        "kind",
        "type",
        "prompt",
        "options",
        "feedback",
        "answer",
        "accept",
        "explanation",
        "facts",
        "source",
        "status",
    }
    multiple = next(entry for entry in exported if entry["type"] == "multiple")
    assert isinstance(multiple["options"], list) and isinstance(multiple["answer"], list)
    card = next(entry for entry in exported if entry["kind"] == "card")
    assert card["options"] is None


def test_generating_twice_gives_identical_items(deck: Deck) -> None:
    assert generate(deck) == generate(deck)


def test_items_do_not_depend_on_the_python_hash_seed() -> None:
    """Seeds come from a digest of the item id, never from hash(), which varies per process."""
    script = textwrap.dedent(
        f"""
        import json
        from quizapp.content import generate, load_deck
        print(json.dumps([item.to_dict() for item in generate(load_deck({str(TOPICS / DECK)!r}))]))
        """
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_adding_an_unrelated_fact_changes_no_existing_item(bank: BankCopy) -> None:
    before = generate(bank.load())
    bank.write(
        "facts/drying.yaml",
        textwrap.dedent(
            """\
            facts:
              - id: single-use-towel
                topic: technique
                source: faq
                quote: "rinse and dry with a single-use towel"
                statement: After washing, hands are rinsed and dried with a single-use towel.
            """
        ),
    )
    after = generate(bank.load())
    assert [item for item in after if item.facts[0] != "single-use-towel"] == before
    assert {item.id for item in after} - {item.id for item in before} == {
        f"{DECK}:single-use-towel:truefalse"
    }
