"""Which questions a new attempt draws, per mode, and what it stores about them."""

from __future__ import annotations

import random

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from quizapp.content import ItemType, Kind, Status
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Item, QuizMode, Topic, User
from quizapp.quiz import services
from quizapp.quiz.grading import QUESTION_TYPES
from tests.quiz.conftest import Quizzes


def drawn_items(app: Flask, learner: User, settings: services.Settings) -> list[Item]:
    with app.app_context():
        ids = services.draw(learner.id, settings, random.Random(1))
        items = {item.id: item for item in db.session.scalars(select(Item).where(Item.id.in_(ids)))}
        for item in items.values():
            db.session.expunge(item)
        return [items[item_id] for item_id in ids]


def test_only_published_questions_are_drawn(app: Flask, learner: User, quizzes: Quizzes) -> None:
    drafted = quizzes.items(ItemType.SINGLE, 3)
    with app.app_context():
        db.session.execute(update(Item).where(Item.id.in_(drafted)).values(status=Status.DRAFT))
        db.session.commit()
        published = db.session.scalar(
            select(func.count(Item.id)).where(
                Item.status == Status.PUBLISHED,
                Item.type.in_(QUESTION_TYPES),
            )
        )
    settings = services.Settings(quizzes.deck_id(), length=10_000)
    items = drawn_items(app, learner, settings)
    assert len(items) == published
    assert all(item.kind is Kind.QUESTION for item in items)
    assert not set(drafted) & {item.id for item in items}


def test_chosen_topics_only(app: Flask, learner: User, quizzes: Quizzes) -> None:
    with app.app_context():
        symptoms = db.session.scalar(select(Topic.id).where(Topic.key == "symptoms"))
    settings = services.Settings(quizzes.deck_id(), topic_ids=(symptoms,), length=50)
    items = drawn_items(app, learner, settings)
    assert items
    assert {item.topic_id for item in items} == {symptoms}


def test_fewer_questions_than_asked_for_gives_what_exists(
    app: Flask, learner: User, quizzes: Quizzes
) -> None:
    with app.app_context():
        symptoms = db.session.scalar(select(Topic.id).where(Topic.key == "symptoms"))
        settings = services.Settings(quizzes.deck_id(), topic_ids=(symptoms,), length=50)
        attempt = services.start_attempt(learner.id, settings, "token-0123456789abcdef")
        db.session.commit()
        available = db.session.scalar(
            select(func.count(Item.id)).where(
                Item.topic_id == symptoms,
                Item.status == Status.PUBLISHED,
                Item.type.in_(QUESTION_TYPES),
            )
        )
        assert 0 < attempt.length == available < 50
        assert [t.key for t in attempt.topics] == ["symptoms"]


def test_new_to_me_leaves_out_every_question_answered(
    app: Flask, learner: User, quizzes: Quizzes
) -> None:
    answered = quizzes.items(ItemType.TRUEFALSE, 5)
    quizzes.take(learner, answered[:3], right=True)
    quizzes.take(learner, answered[3:], right=False)
    settings = services.Settings(quizzes.deck_id(), mode=QuizMode.NEW, length=10_000)
    drawn = {item.id for item in drawn_items(app, learner, settings)}
    assert drawn
    assert not drawn & set(answered)


def test_new_to_me_counts_only_this_learners_answers(
    app: Flask, learner: User, accounts, quizzes: Quizzes
) -> None:
    other = accounts.create("other@example.org")
    answered = quizzes.items(ItemType.SINGLE, 2)
    quizzes.take(other, answered, right=True)
    settings = services.Settings(quizzes.deck_id(), mode=QuizMode.NEW, length=10_000)
    assert set(answered) <= {item.id for item in drawn_items(app, learner, settings)}


def test_ones_i_got_wrong_draws_only_questions_whose_last_answer_was_wrong(
    app: Flask, learner: User, quizzes: Quizzes
) -> None:
    missed, right, fixed, partly = (
        quizzes.items(ItemType.SINGLE, 1),
        quizzes.items(ItemType.FILLIN, 1),
        quizzes.items(ItemType.TRUEFALSE, 1),
        quizzes.items(ItemType.MULTIPLE, 1),
    )
    quizzes.take(learner, missed, right=False)
    quizzes.take(learner, right, right=True)
    quizzes.take(learner, fixed, right=False)
    quizzes.take(learner, fixed, right=True)  # wrong once, then right: nothing to retry
    attempt_id = quizzes.start(learner, partly)
    asked = quizzes.asked(attempt_id, 1)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        half = asked.given(right=True)[:1]  # one of the right options only: partial credit
        services.answer(services.question_at(attempt, 1), half)
        db.session.commit()

    settings = services.Settings(quizzes.deck_id(), mode=QuizMode.WRONG, length=50)
    drawn = [item.id for item in drawn_items(app, learner, settings)]
    assert sorted(drawn) == sorted(missed + partly)


def test_ones_i_got_wrong_with_nothing_wrong_says_so(
    app: Flask, learner: User, quizzes: Quizzes
) -> None:
    quizzes.take(learner, quizzes.items(ItemType.SINGLE, 2), right=True)
    settings = services.Settings(quizzes.deck_id(), mode=QuizMode.WRONG)
    with app.app_context(), pytest.raises(services.NothingToDraw, match="no wrong answers"):
        services.start_attempt(learner.id, settings, "token-0123456789abcdef")


def test_weakest_topics_come_first_and_strong_ones_last(
    app: Flask, learner: User, quizzes: Quizzes
) -> None:
    weak = quizzes.items(ItemType.TRUEFALSE, 2, topic="symptoms")
    strong = quizzes.items(ItemType.TRUEFALSE, 2, topic="causes")
    quizzes.take(learner, weak, right=False)
    quizzes.take(learner, strong, right=True)
    with app.app_context():
        topics = dict(db.session.execute(select(Topic.key, Topic.id)).all())
        symptom_questions = len(
            drawn_items(
                app,
                learner,
                services.Settings(quizzes.deck_id(), topic_ids=(topics["symptoms"],), length=50),
            )
        )
    settings = services.Settings(
        quizzes.deck_id(), mode=QuizMode.WEAKEST, length=symptom_questions + 5
    )
    items = drawn_items(app, learner, settings)
    by_topic = [item.topic_id for item in items]
    assert by_topic.count(topics["symptoms"]) == symptom_questions
    # Right every time: after the topics not practised yet.
    assert topics["causes"] not in by_topic


def test_same_seed_same_draw_and_option_order(app: Flask, learner: User, quizzes: Quizzes) -> None:
    settings = services.Settings(quizzes.deck_id(), length=20)
    with app.app_context():
        made = [
            services.start_attempt(learner.id, settings, f"token-{n}-0123456789abcdef", seed=42)
            for n in range(2)
        ]
        db.session.commit()
        first, second = (
            [(q.item_id, q.option_order) for q in attempt.questions] for attempt in made
        )
    assert first == second
    assert any(order is not None for _, order in first)


def test_the_same_start_token_makes_one_attempt(
    app: Flask, learner: User, quizzes: Quizzes
) -> None:
    settings = services.Settings(quizzes.deck_id())
    with app.app_context():
        first = services.start_attempt(learner.id, settings, "token-0123456789abcdef").id
        db.session.commit()
        again = services.start_attempt(learner.id, settings, "token-0123456789abcdef").id
        db.session.commit()
        assert again == first
        assert db.session.scalar(select(func.count(Attempt.id))) == 1


def test_an_attempt_keeps_the_version_it_asked(app: Flask, learner: User, quizzes: Quizzes) -> None:
    """An edit after the draw changes neither the question asked nor its grading."""
    (item_id,) = quizzes.items(ItemType.SINGLE)
    attempt_id = quizzes.start(learner, [item_id])
    asked = quizzes.asked(attempt_id, 1)
    with app.app_context():
        item = db.session.get(Item, item_id)
        item.version += 1
        item.answer = "Something else entirely"
        db.session.commit()
    quizzes.answer(attempt_id, 1, right=True)
    attempt = quizzes.attempt(attempt_id)
    assert attempt.score == 1.0
    with app.app_context():
        question = db.session.scalar(
            select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)
        )
        assert question.item_version.version == 1
        assert question.item_version.content == asked.content
