"""Mastery on a small data set worked out by hand, in the service and on the page.

The learner, at START (Monday 2 March 2026, 12:00 UTC):

basics
    card A in review: stability 10 d, last reviewed 5 days ago, after 3 ratings:
        R_A = (1 + F·5/10)^D, the fsrs scheduler's own forgetting curve;
    card B relearning after a lapse (2 ratings): counts 0;
    card C in its first learning steps (1 rating): does not count;
    quiz: 1 point an hour ago (weight 1), 0 points 45 days ago (weight 45/90).
    mastery = (R_A + 0 + 1·1 + 0·½) / (2 cards + 1½) ; evidence 3 + 2 + 2 = 7.
technique
    one right answer an hour ago: evidence 1 < 3, "not enough evidence yet".
when
    one answer 91 days ago: outside the window, no row at all.

Another learner's rows change nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from fsrs import Card, Scheduler, State
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import CardState, Deck, Topic, User
from quizapp.models.parameters import FsrsParameters
from quizapp.progress import mastery, services
from tests.progress.conftest import START, History, table

HOUR = timedelta(hours=1)
FSRS = Scheduler()  # the package's defaults, as the learner's cards are scheduled


def fsrs_recall(stability: float, days: int) -> float:
    """Retrievability as the fsrs scheduler computes it, for a card reviewed ``days`` ago."""
    card = Card(card_id=1, state=State.Review, stability=stability, difficulty=5.0)
    card.last_review = START - timedelta(days=days)
    return FSRS.get_card_retrievability(card, START)


R_A = fsrs_recall(10.0, 5)
BASICS = (R_A + 1.0) / (2 + 1.5)


def card_state(
    history: History, item_id: int, state: State, stability: float, reviews: int = 1
) -> None:
    """The learner's card, last reviewed 5 days before START after ``reviews`` ratings."""
    with history.app.app_context():
        db.session.add(
            CardState(
                user_id=history.learner_id,
                item_id=item_id,
                state=int(state),
                step=None if state is State.Review else 0,
                stability=stability,
                difficulty=5.0,
                due=START + timedelta(days=5),
                last_review=START - timedelta(days=5),
                reviews=reviews,
            )
        )
        db.session.commit()


@pytest.fixture
def known(history: History, make_history) -> History:
    a, b, c = history.cards("basics")[:3]
    card_state(history, a, State.Review, 10.0, reviews=3)
    card_state(history, b, State.Relearning, 2.0, reviews=2)
    card_state(history, c, State.Learning, 1.0, reviews=1)
    basics, technique, when = (
        history.questions(topic) for topic in ("basics", "technique", "when")
    )
    history.quiz([(basics[0], 1.0), (technique[0], 1.0)], START - HOUR)
    history.quiz([(basics[1], 0.0)], START - timedelta(days=45, hours=1))
    history.quiz([(when[0], 1.0)], START - timedelta(days=91))
    other = make_history("other@example.org")
    other.quiz([(basics[0], 0.0), (when[0], 0.0)], START - HOUR)
    card_state(other, history.cards("when")[0], State.Review, 1.0)
    return history


def by_key(
    app: Flask, rows: list[mastery.TopicMastery], learner_id: int
) -> dict[str, mastery.TopicMastery]:
    with app.app_context():
        keys = {topic_id: key for topic_id, key in db.session.execute(select(Topic.id, Topic.key))}
    return {keys[row.topic_id]: row for row in rows if row.learner_id == learner_id}


def test_the_curve_is_the_schedulers_own() -> None:
    """The hand formula of FSRS-6 and the scheduler agree: R = (1 + F·t/S)^D with
    D = −w20 and F = 0.9^(1/D) − 1, t in whole days."""
    decay = -FSRS.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    assert pytest.approx((1 + factor * 5 / 10) ** decay) == R_A
    assert mastery.retrievability(10.0, START - timedelta(days=5), START) == pytest.approx(R_A)
    # Whole days, as fsrs counts them: 5 days and 23 hours is 5 days.
    later = START + timedelta(hours=23)
    assert mastery.retrievability(10.0, START - timedelta(days=5), later) == pytest.approx(R_A)


def test_topic_mastery_matches_the_hand_computed_numbers(app: Flask, known: History) -> None:
    with app.app_context():
        rows = mastery.topic_mastery([known.learner_id], START)
    found = by_key(app, rows, known.learner_id)
    assert found.keys() == {"basics", "technique"}
    basics = found["basics"]
    assert (basics.cards, basics.reviews, basics.quiz_answers) == (2, 5, 2)
    assert basics.quiz_weight == pytest.approx(1.5)
    assert basics.recall == pytest.approx(R_A / 2)
    assert basics.quiz_accuracy == pytest.approx(1 / 1.5)
    assert basics.evidence == 7
    assert basics.mastery == pytest.approx(BASICS)
    technique = found["technique"]
    assert (technique.quiz_accuracy, technique.evidence) == (1.0, 1)
    assert technique.mastery is None  # one right answer is not 100 %


def test_several_learners_in_one_query_keep_apart(app: Flask, known: History) -> None:
    with app.app_context():
        other_id = db.session.scalar(select(User.id).where(User.email == "other@example.org"))
        rows = mastery.topic_mastery(select(User.id), START)  # a roster given as a query
    assert by_key(app, rows, known.learner_id)["basics"].mastery == pytest.approx(BASICS)
    theirs = by_key(app, rows, other_id)
    assert theirs["basics"].quiz_accuracy == 0.0 and theirs["basics"].mastery is None
    when = theirs["when"]  # one card reviewed 5 days ago at stability 1, one wrong answer
    assert (when.cards, when.quiz_answers, when.evidence) == (1, 1, 2)
    assert when.recall == pytest.approx(fsrs_recall(1.0, 5))


def test_the_deck_adds_up_its_topics_evidence(app: Flask, known: History) -> None:
    with app.app_context():
        board = services.dashboard(known.learner_id, START)
    (deck,) = board.decks
    assert deck.mastery is not None
    assert deck.mastery.evidence == 8
    assert deck.mastery.mastery == pytest.approx((R_A + 2.0) / (2 + 2.5))


def test_the_page_says_what_the_learner_likely_recalls_and_how_sure(
    known: History, learner_client: FlaskClient
) -> None:
    html = learner_client.get("/progress/").get_data(as_text=True)
    rows = table(html, "Mastery of each topic")
    assert rows[0] == ["Topic", "Mastery", "Quiz accuracy", "Flashcard recall", "Due today"]
    percent = f"{round(100 * BASICS)}%"
    recall = f"{round(50 * R_A)}% of 2 cards, 5 reviews"
    assert rows[1] == ["What hand hygiene is", percent, "67% of 2 answers", recall, "0"]
    assert rows[2] == ["How and how long", "Not enough evidence yet", "100% of 1 answer", "—", "0"]
    assert rows[3][:2] == ["When to clean hands", "Not started"]  # only a 91-day-old answer


def test_recall_fades_as_days_pass_and_old_answers_weigh_less(app: Flask, known: History) -> None:
    later = START + timedelta(days=30)
    with app.app_context():
        (basics, *_) = mastery.topic_mastery([known.learner_id], later)
    # The answer of an hour ago is now 30 days old: weight 60/90; the other 75 days: 15/90.
    assert basics.quiz_weight == pytest.approx(75 / 90)
    faded = Card(
        card_id=1, state=State.Review, stability=10.0, last_review=START - timedelta(days=5)
    )
    assert basics.recall == pytest.approx(FSRS.get_card_retrievability(faded, later) / 2)
    assert basics.recall < R_A / 2
    assert basics.mastery == pytest.approx((2 * basics.recall + 60 / 90) / (2 + 75 / 90))


def test_recall_follows_the_parameters_that_schedule_the_cards(app: Flask, known: History) -> None:
    """With a fit for the deck (another forgetting curve, w20 = 0.5), recall is the
    fitted scheduler's; the learner's own fit in the deck comes before it."""
    deck_fit = (*FSRS.parameters[:20], 0.5)
    own_fit = (*FSRS.parameters[:20], 0.3)
    with app.app_context():
        deck_id = db.session.scalar(select(Deck.id))
        for user_id, parameters in ((None, deck_fit), (known.learner_id, own_fit)):
            db.session.add(
                FsrsParameters(
                    deck_id=deck_id,
                    user_id=user_id,
                    parameters=list(parameters),
                    extent="full",
                    fitted_at=START,
                    log_rows=1000,
                    reviews=1000,
                    held_out=100,
                )
            )
        db.session.commit()
        rows = mastery.topic_mastery(select(User.id), START)
    card = Card(
        card_id=1, state=State.Review, stability=10.0, last_review=START - timedelta(days=5)
    )
    own = Scheduler(parameters=own_fit).get_card_retrievability(card, START)
    assert own != pytest.approx(R_A)
    assert by_key(app, rows, known.learner_id)["basics"].recall == pytest.approx(own / 2)
    other = next(row for row in rows if row.learner_id != known.learner_id and row.cards)
    theirs = Card(
        card_id=1, state=State.Review, stability=1.0, last_review=START - timedelta(days=5)
    )
    fitted = Scheduler(parameters=deck_fit).get_card_retrievability(theirs, START)
    assert other.recall == pytest.approx(fitted)


# An answer's age -> its weight × 90: whole days of age, an answer exactly 24 hours
# old still in the last period, and the window's first instant still in it.
AGES = [
    (timedelta(0), 90),
    (timedelta(hours=23, minutes=59), 90),
    (timedelta(days=1), 90),
    (timedelta(days=1, microseconds=1), 89),
    (timedelta(days=45, hours=12), 45),
    (timedelta(days=89, microseconds=1), 1),
    (timedelta(days=90), 1),
]


def test_each_answer_weighs_by_its_whole_days_of_age(app: Flask, make_history) -> None:
    """The weights at the edges of the periods, on both databases (PostgreSQL works
    them out from the answer's age, SQLite from the window's bounds); the dashboard's
    statements for one learner count exactly as the class pages' for many."""
    learners = []
    for number, (age, _weight) in enumerate(AGES):
        history = make_history(f"age{number}@example.org")
        history.quiz([(history.questions("when")[0], 1.0)], START - age)
        learners.append(history.learner_id)
    with app.app_context():
        rows = mastery.topic_mastery(learners, START)
        alone = [row for learner in learners for row in mastery.learner_mastery(learner, START)]
    assert [row.quiz_weight * 90 for row in rows] == pytest.approx(
        [weight for _age, weight in AGES]
    )
    assert alone == rows
