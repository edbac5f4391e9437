"""Which questions a new attempt draws, per mode, and what it stores about them."""

from __future__ import annotations

import itertools
import random

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from quizapp.content import ItemType, Kind, Status
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Item, QuizMode, Topic, User, item_fact
from quizapp.quiz import selection, services
from quizapp.quiz.grading import QUESTION_TYPES
from tests.quiz.conftest import Quizzes

SEEDS = range(200)


def candidate_ids(app: Flask, learner: User, settings: services.Settings) -> set[int]:
    """The questions SQL lets the draw pick from, before its rules choose."""
    with app.app_context():
        return {row.id for row in db.session.execute(services.candidates(learner.id, settings))}


def drawn_items(
    app: Flask, learner: User, settings: services.Settings, seed: int = 1
) -> list[Item]:
    with app.app_context():
        ids = services.draw(learner.id, settings, random.Random(seed))
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
    assert len(candidate_ids(app, learner, settings)) == published
    items = drawn_items(app, learner, settings)
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
        facts = db.session.scalar(
            select(func.count(func.distinct(item_fact.c.fact_id)))
            .join(Item, Item.id == item_fact.c.item_id)
            .where(
                Item.topic_id == symptoms,
                Item.status == Status.PUBLISHED,
                Item.type.in_(QUESTION_TYPES),
            )
        )
        assert 0 < attempt.length <= facts < 50  # one question per fact at most
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
    assert set(answered) <= candidate_ids(app, learner, settings)


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
        services.answer(services.own_question(attempt.learner_id, attempt.id, 1)[0], half)
        db.session.commit()

    settings = services.Settings(quizzes.deck_id(), mode=QuizMode.WRONG, length=50)
    assert candidate_ids(app, learner, settings) == set(missed + partly)
    assert set(item.id for item in drawn_items(app, learner, settings)) <= set(missed + partly)


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
        core = set(db.session.scalars(select(Topic.id).where(Topic.core)))
    weakest = services.Settings(quizzes.deck_id(), mode=QuizMode.WEAKEST, length=len(core) + 2)
    for seed in range(20):
        by_topic = {item.topic_id for item in drawn_items(app, learner, weakest, seed)}
        # The core topics are asked first in every quiz, then the weakest topic.
        assert by_topic - core == {topics["symptoms"]}
    longer = services.Settings(quizzes.deck_id(), mode=QuizMode.WEAKEST, length=20)
    # Right every time: after the topics not practised yet.
    assert topics["causes"] not in {item.topic_id for item in drawn_items(app, learner, longer)}


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


def weigh_topics(app: Flask, importance: dict[str, int], core: tuple[str, ...] = ()) -> None:
    """Set the topics' weights as a deck would declare them (the rest weigh 1)."""
    with app.app_context():
        db.session.execute(update(Topic).values(importance=1, core=False))
        for key, weight in importance.items():
            db.session.execute(update(Topic).where(Topic.key == key).values(importance=weight))
        db.session.execute(update(Topic).where(Topic.key.in_(core)).values(core=True))
        db.session.commit()


def drawn_candidates(
    app: Flask, learner: User, settings: services.Settings, seeds: range
) -> list[list[selection.Candidate[int]]]:
    """Each seed's draw, as the candidates the draw rules see."""
    with app.app_context():
        items = {
            item.id: selection.Candidate.of(
                item.id,
                item.topic.key,
                [fact.id for fact in item.facts],
                item.type,
                item.prompt,
                item.answer,
            )
            for item in db.session.scalars(
                select(Item).options(selectinload(Item.facts), selectinload(Item.topic))
            )
        }
        return [
            [items[i] for i in services.draw(learner.id, settings, random.Random(seed))]
            for seed in seeds
        ]


def assert_rules_kept(quiz: list[selection.Candidate[int]]) -> None:
    for one, other in itertools.combinations(quiz, 2):
        assert not one.facts & other.facts, f"items {one.id} and {other.id} share a fact"
        assert not one.gives_away(other), f"item {one.id} gives {other.id} away"


def test_default_quizzes_keep_the_draw_rules_and_ask_every_core_topic(
    app: Flask, learner: User, quizzes: Quizzes
) -> None:
    weigh_topics(
        app,
        {"when-to-see-a-doctor": 5, "prevention": 5},
        core=("when-to-see-a-doctor", "prevention"),
    )
    for quiz in drawn_candidates(app, learner, services.Settings(quizzes.deck_id()), SEEDS):
        assert len(quiz) == services.DEFAULT_LENGTH
        assert {"when-to-see-a-doctor", "prevention"} <= {item.topic for item in quiz}
        assert_rules_kept(quiz)


def test_a_core_topic_the_learner_left_out_is_not_asked(
    app: Flask, learner: User, quizzes: Quizzes
) -> None:
    weigh_topics(app, {}, core=("when-to-see-a-doctor", "prevention"))
    with app.app_context():
        symptoms = db.session.scalar(select(Topic.id).where(Topic.key == "symptoms"))
    settings = services.Settings(quizzes.deck_id(), topic_ids=(symptoms,))
    for quiz in drawn_candidates(app, learner, settings, range(20)):
        assert {item.topic for item in quiz} == {"symptoms"}


def test_topics_weigh_by_their_importance(app: Flask, learner: User, quizzes: Quizzes) -> None:
    settings = services.Settings(quizzes.deck_id())

    def share_of_symptoms() -> float:
        draws = drawn_candidates(app, learner, settings, range(100))
        topics = [item.topic for quiz in draws for item in quiz]
        return topics.count("symptoms") / len(topics)

    weigh_topics(app, {})
    even = share_of_symptoms()
    weigh_topics(app, {"symptoms": 5})
    assert share_of_symptoms() > 2.5 * even


@pytest.mark.parametrize("mode", [QuizMode.NEW, QuizMode.WRONG, QuizMode.WEAKEST])
def test_every_mode_keeps_the_draw_rules(
    app: Flask, learner: User, quizzes: Quizzes, mode: QuizMode
) -> None:
    weigh_topics(app, {"prevention": 5}, core=("when-to-see-a-doctor", "prevention"))
    answered = quizzes.items(ItemType.SINGLE, 30) + quizzes.items(ItemType.TRUEFALSE, 30)
    quizzes.take(learner, answered, right=False)
    settings = services.Settings(quizzes.deck_id(), mode=mode, length=20)
    for quiz in drawn_candidates(app, learner, settings, range(50)):
        assert quiz
        assert_rules_kept(quiz)
        ids = {item.id for item in quiz}
        if mode is QuizMode.NEW:
            assert not ids & set(answered)
        if mode is QuizMode.WRONG:
            assert ids <= set(answered)


def test_no_stem_gives_away_the_answer_of_another_question() -> None:
    """A stem naming "agranulocytosis" would answer the fill-in that asks for it."""
    asks_for_it = selection.Candidate.of(
        1,
        "t",
        ["f1"],
        ItemType.FILLIN,
        "What is it called when almost no granulocytes are left?",
        "agranulocytosis",
    )
    names_it = selection.Candidate.of(
        2,
        "t",
        ["f2"],
        ItemType.SINGLE,
        "Which infection is most feared in agranulocytosis?",
        "Sepsis",
    )
    unrelated = selection.Candidate.of(
        3, "t", ["f3"], ItemType.SINGLE, "Which cell fights bacteria first?", "Neutrophil"
    )
    assert names_it.gives_away(asks_for_it) and asks_for_it.gives_away(names_it)
    assert not unrelated.gives_away(asks_for_it) and not unrelated.gives_away(names_it)
    for seed in SEEDS:
        drawn = set(selection.choose([asks_for_it, names_it, unrelated], 3, random.Random(seed)))
        assert len(drawn) == 2 and 3 in drawn
