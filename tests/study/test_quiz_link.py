"""Quiz answers feed the flashcard schedule (quizapp/study/services/quiz_link.py),
step by step on the bundled leukopenia bank, with undo and a double submit.

"A patient who answers a quiz question wrong finds the matching flashcard due."
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from fsrs import Rating, State
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from quizapp.content import ItemType, Status
from quizapp.extensions import db
from quizapp.models import Fact, Item, Response, ReviewLog, User, item_fact
from quizapp.study.services import CARD_TYPES
from tests._requirements import postgres_only
from tests.conftest import CSRF_INPUT, Accounts, at_the_same_moment
from tests.quiz.conftest import Quizzes, question_url
from tests.study.conftest import Clock, Learner

DECK = "leukopenia"
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Linked:
    question: int  # a single-answer question
    card: int  # the one flashcard of its facts


@pytest.fixture
def quizzes(app: Flask, bank: object) -> Quizzes:
    return Quizzes(app)


@pytest.fixture
def linked(app: Flask, quizzes: Quizzes) -> Linked:
    """The first single-answer question (by uid) whose facts, none critical, have
    exactly one flashcard."""
    card = aliased(Item)
    card_link = item_fact.alias("card_link")
    with app.app_context():
        rows = db.session.execute(
            select(Item.id, func.min(card.id), func.count(card.id.distinct()))
            .join(item_fact, item_fact.c.item_id == Item.id)
            .join(card_link, card_link.c.fact_id == item_fact.c.fact_id)
            .join(card, card.id == card_link.c.item_id)
            .join(Fact, Fact.id == item_fact.c.fact_id)
            .where(
                Item.type == ItemType.SINGLE,
                Item.status == Status.PUBLISHED,
                card.type.in_(CARD_TYPES),
                card.status == Status.PUBLISHED,
                ~Fact.critical,
            )
            .group_by(Item.id, Item.uid)
            .order_by(Item.uid)
        ).all()
    question, card_id, cards = next(row for row in rows if row[2] == 1)
    return Linked(question, card_id)


def answer(quizzes: Quizzes, learner: Learner, question: int, right: bool) -> int:
    """One answer to ``question`` in a new attempt; returns the response's id."""
    with quizzes.app.app_context():
        user = db.session.get(User, learner.id)
    attempt_id = quizzes.start(user, [question])
    quizzes.answer(attempt_id, 1, right)
    with quizzes.app.app_context():
        return db.session.scalar(select(func.max(Response.id)))


def learn(student: Learner, card: int, clock: Clock) -> None:
    """Study a new card until it graduates: Good, then Good at its 10-minute step."""
    student.rate(card, Rating.Good, clock.now)
    clock.advance(minutes=10)
    student.rate(card, Rating.Good, clock.now)
    assert student.state(card)["state"] == State.Review


def test_a_wrong_answer_brings_the_card_back_and_undo_takes_it_back(
    student: Learner, linked: Linked, quizzes: Quizzes, clock: Clock
) -> None:
    learn(student, linked.card, clock)
    learned = student.state(linked.card)
    assert learned["due"] > clock.now + timedelta(days=1)  # not due for days

    clock.advance(hours=1)
    response_id = answer(quizzes, student, linked.question, right=False)

    # The card lapsed at the moment of the answer: relearning, due in 10 minutes.
    lapsed = student.state(linked.card)
    assert lapsed["state"] == State.Relearning
    assert lapsed["due"] == clock.now + timedelta(minutes=10)
    assert lapsed["stability"] < learned["stability"]
    log = student.reviews()[-1]
    assert (log.origin, log.response_id, log.rating) == ("quiz", response_id, Rating.Again)
    assert log.state_before == State.Review
    # The study page counts it as learning now and shows it once its step is up.
    assert student.queue(clock.now, DECK).tally.learning == 1
    assert student.next_card(clock.now + timedelta(minutes=10), DECK) == linked.card
    # Undo says it takes back the quiz answer's rating, and does so exactly.
    queue = student.queue(clock.now, DECK)
    assert (queue.last_review_id, queue.last_review_from_quiz) == (log.id, True)
    assert student.undo() == linked.card
    assert student.state(linked.card) == {**learned, "version": learned["version"] + 2}
    assert [r.origin for r in student.reviews()] == ["study", "study"]
    with quizzes.app.app_context():  # the answer itself still counts
        assert db.session.get(Response, response_id).correct is False


def test_a_right_answer_counts_as_a_review_only_when_the_card_is_due(
    student: Learner, linked: Linked, quizzes: Quizzes, clock: Clock
) -> None:
    learn(student, linked.card, clock)
    before = student.state(linked.card)
    answer(quizzes, student, linked.question, right=True)  # not due yet: nothing
    assert student.state(linked.card) == before
    assert len(student.reviews()) == 2

    clock.now = before["due"] + MINUTE
    answer(quizzes, student, linked.question, right=True)
    after = student.state(linked.card)
    log = student.reviews()[-1]
    assert (log.origin, log.rating, log.reviewed_at) == ("quiz", Rating.Good, clock.now)
    assert after["state"] == State.Review and after["due"] > before["due"]
    assert after["stability"] > before["stability"]


def test_a_wrong_answer_brings_in_a_card_never_studied_without_using_the_new_cards(
    student: Learner, linked: Linked, quizzes: Quizzes, clock: Clock
) -> None:
    new_left = student.queue(clock.now, DECK).new_left
    answer(quizzes, student, linked.question, right=False)
    state = student.state(linked.card)
    assert state is not None and state["state"] == State.Learning
    assert state["due"] == clock.now + MINUTE
    assert student.queue(clock.now, DECK).new_left == new_left
    assert student.next_card(clock.now + MINUTE, DECK) == linked.card
    # A right answer to a card never studied leaves it new.
    student.undo()
    answer(quizzes, student, linked.question, right=True)
    assert student.state(linked.card) is None


def test_a_study_rating_after_the_quiz_is_undone_alone(
    student: Learner, linked: Linked, quizzes: Quizzes, clock: Clock
) -> None:
    answer(quizzes, student, linked.question, right=False)
    clock.advance(minutes=1)
    student.rate(linked.card, Rating.Good, clock.now)
    assert student.queue(clock.now, DECK).last_review_from_quiz is False
    student.undo()
    assert [(r.origin, r.rating) for r in student.reviews()] == [("quiz", Rating.Again)]


def test_two_tabs_answering_wrong_at_once_rate_the_card_once(
    app: Flask, accounts: Accounts, learner: User, linked: Linked, quizzes: Quizzes
) -> None:
    postgres_only()
    attempt_id = quizzes.start(learner, [linked.question])
    asked = quizzes.asked(attempt_id, 1)
    url = question_url(attempt_id, 1)
    tabs = []
    for _ in range(2):
        client = app.test_client()
        accounts.login(client, learner.email)
        token = CSRF_INPUT.search(client.get(url).get_data(as_text=True)).group(1)
        tabs.append((client, {"csrf_token": token, **asked.form(asked.given(False))}))
    statuses = at_the_same_moment(
        *(
            lambda client=client, data=data: client.post(url, data=data).status_code
            for client, data in tabs
        )
    )
    assert statuses == [302, 302]
    assert quizzes.responses(attempt_id) == 1
    with app.app_context():
        origins = db.session.scalars(
            select(ReviewLog.origin).where(
                ReviewLog.user_id == learner.id, ReviewLog.item_id == linked.card
            )
        ).all()
        assert origins == ["quiz"]


def test_the_study_page_says_its_undo_takes_back_a_quiz_answers_ratings(
    student: Learner, linked: Linked, quizzes: Quizzes, learner_client: FlaskClient
) -> None:
    answer(quizzes, student, linked.question, right=False)
    html = learner_client.get(f"/study/decks/{DECK}").get_data(as_text=True)
    assert "Undo the ratings of your last quiz answer" in html
    assert "Undo last rating" not in html
