"""Siblings (cards of one fact) wait for the learner's next local day; safety-critical
cards are never buried and are held at a higher retention.

The test deck's topic "basics" opens with two cloze cards cut from one sentence:
cards[0] and cards[1] are siblings.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from flask import Flask
from fsrs import Card, Rating, Scheduler
from sqlalchemy import select, update

from quizapp.content import BankError, load_bank
from quizapp.extensions import db
from quizapp.models import Fact, StudySettings, Topic, item_fact
from quizapp.study.services.queue import CRITICAL_RETENTION, desired_retention_for
from tests.study.conftest import CARDS, HAND_HYGIENE, Learner

# 22:30 on Monday 2 March 2026 in New York (UTC−5): the local day ends at 05:00 UTC.
EVENING = datetime(2026, 3, 3, 3, 30, tzinfo=UTC)
LOCAL_MIDNIGHT = datetime(2026, 3, 3, 5, 0, tzinfo=UTC)


@pytest.fixture
def burying(app: Flask) -> None:
    """Burying as deployed (the study tests' app pins the queue with it off)."""
    app.config["STUDY_BURY_SIBLINGS"] = True


def make_critical(app: Flask, card: int) -> None:
    with app.app_context():
        facts = select(item_fact.c.fact_id).where(item_fact.c.item_id == card)
        db.session.execute(update(Fact).where(Fact.id.in_(facts)).values(critical=True))
        db.session.commit()


def test_a_sibling_waits_until_midnight_in_the_learners_zone(
    burying: None, student: Learner, hand_hygiene: list[int]
) -> None:
    student.configure(time_zone="America/New_York")
    first, sibling, other = hand_hygiene[:3]
    student.rate(first, Rating.Easy, EVENING)
    queue = student.queue(EVENING)
    assert queue.card is not None and queue.card.item.id == other
    assert (queue.tally.unseen, queue.tally.buried) == (CARDS - 2, 1)
    assert queue.counts.new == CARDS - 2
    assert student.next_card(LOCAL_MIDNIGHT - timedelta(minutes=1)) == other
    assert student.next_card(LOCAL_MIDNIGHT) == sibling
    assert student.queue(LOCAL_MIDNIGHT).tally.buried == 0


def test_the_day_boundary_is_the_learners_own(
    burying: None, student: Learner, hand_hygiene: list[int]
) -> None:
    """In UTC the same rating falls on 3 March, so the sibling waits until 4 March."""
    first, sibling = hand_hygiene[:2]
    student.rate(first, Rating.Easy, EVENING)
    assert student.next_card(LOCAL_MIDNIGHT) != sibling
    tomorrow_utc = datetime(2026, 3, 4, 0, 0, tzinfo=UTC)
    assert student.next_card(tomorrow_utc - timedelta(seconds=1)) != sibling
    assert student.next_card(tomorrow_utc) == sibling


def test_a_due_review_sibling_waits_and_the_last_card_says_when(
    burying: None, student: Learner, hand_hygiene: list[int], app: Flask
) -> None:
    first, sibling = hand_hygiene[:2]
    with app.app_context():  # no new cards: only the two siblings are studied
        db.session.add(StudySettings(user_id=student.id, new_per_day=0))
        db.session.commit()
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    student.rate(first, Rating.Easy, start)
    student.rate(sibling, Rating.Easy, start)
    due = max(student.state(first)["due"], student.state(sibling)["due"])
    student.rate(first, Rating.Good, due)
    queue = student.queue(due)
    assert queue.card is None and queue.tally.review == 0
    # The page's "next card" time: the sibling comes back at the next midnight (UTC here).
    assert queue.next_due == datetime.combine(due.date() + timedelta(days=1), time(), UTC)
    assert student.next_card(queue.next_due) == sibling


def test_learning_siblings_are_not_buried(
    burying: None, student: Learner, hand_hygiene: list[int]
) -> None:
    first, sibling = hand_hygiene[:2]
    student.rate(sibling, Rating.Good, EVENING)  # learning, its next step in 10 minutes
    student.rate(first, Rating.Easy, EVENING)
    assert student.next_card(EVENING + timedelta(minutes=10)) == sibling


def test_critical_cards_are_never_buried(
    burying: None, app: Flask, student: Learner, hand_hygiene: list[int]
) -> None:
    first, sibling = hand_hygiene[:2]
    make_critical(app, first)  # the siblings share the fact: both are critical
    student.rate(first, Rating.Easy, EVENING)
    assert student.next_card(EVENING) == sibling
    assert student.queue(EVENING).tally.buried == 0


def intervals(retention: float, at: datetime) -> timedelta:
    """A new card rated Good, then Good at its 10-minute step, by the fsrs scheduler."""
    scheduler = Scheduler(desired_retention=retention, enable_fuzzing=False)
    card = Card(card_id=1, due=at)
    card, _ = scheduler.review_card(card, Rating.Good, at)
    later = at + timedelta(minutes=10)
    card, _ = scheduler.review_card(card, Rating.Good, later)
    return card.due - later


def test_critical_cards_keep_a_higher_retention(
    app: Flask, student: Learner, hand_hygiene: list[int]
) -> None:
    critical, plain = hand_hygiene[0], hand_hygiene[2]
    make_critical(app, critical)
    student.configure(desired_retention=0.8)
    for card in (critical, plain):
        student.rate(card, Rating.Good, EVENING)
        student.rate(card, Rating.Good, EVENING + timedelta(minutes=10))
    later = EVENING + timedelta(minutes=10)
    assert student.state(critical)["due"] - later == intervals(CRITICAL_RETENTION, EVENING)
    assert student.state(plain)["due"] - later == intervals(0.8, EVENING)
    assert intervals(CRITICAL_RETENTION, EVENING) < intervals(0.8, EVENING)


def test_the_critical_retention_is_a_floor() -> None:
    assert desired_retention_for(0.97, critical=True) == 0.97
    assert desired_retention_for(0.85, critical=True) == CRITICAL_RETENTION
    assert desired_retention_for(0.85, critical=False) == 0.85


def copy_of_the_deck(tmp_path: Path, old: str, new: str) -> Path:
    """The test deck with one line of its deck.yaml changed."""
    folder = tmp_path / "hand-hygiene"
    shutil.copytree(HAND_HYGIENE, folder)
    deck_yaml = folder / "deck.yaml"
    text = deck_yaml.read_text(encoding="utf-8")
    assert text.count(old) == 1
    deck_yaml.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def test_a_deck_marks_its_critical_topics_facts(tmp_path: Path) -> None:
    folder = copy_of_the_deck(
        tmp_path, "core_topics: [when]", "core_topics: [when]\ncritical_topics: [when]"
    )
    (deck,) = load_bank(folder)
    assert deck.critical_topics == ("when",)
    assert {fact.id for fact in deck.facts.values() if fact.critical} == {
        fact.id for fact in deck.facts.values() if fact.topic == "when"
    }
    broken = copy_of_the_deck(tmp_path / "b", "core_topics: [when]", "critical_topics: [hygiene]")
    with pytest.raises(BankError, match="field 'critical_topics' names unknown topic 'hygiene'"):
        load_bank(broken)


def test_the_bundled_deck_stores_its_critical_facts(app: Flask, bank: object) -> None:
    with app.app_context():
        topics = set(
            db.session.scalars(
                select(Topic.key).join(Fact, Fact.topic_id == Topic.id).where(Fact.critical)
            )
        )
    assert topics == {"when-to-see-a-doctor", "prevention"}
