"""Mastery on a small data set worked out by hand, in the service and on the page.

The learner, at START (Monday 2 March 2026, 12:00 UTC), over the 90-day window:

| topic     | quiz answers (score) | reviews (rating)        | accuracy | recall | mastery |
|-----------|----------------------|-------------------------|----------|--------|---------|
| basics    | 1, 0, 1              | Good, Again, Easy, Hard | 2/3      | 3/4    | 17/24   |
| technique | —                    | Again, Again            | —        | 0      | 0       |
| when      | 1, 0.5               | —                       | 3/4      | —      | 3/4     |
| the deck  | 3.5 of 5             | 3 of 6 not Again        | 0.7      | 0.5    | 0.6     |

Older events (before START − 90 days) and another learner's events do not count;
one review exactly 90 days old does (it is the Hard one).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AttemptQuestion, ItemVersion, Response, Topic, User
from quizapp.progress import mastery, services
from tests.progress.conftest import START, History, table

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
WINDOW_START = START - mastery.WINDOW


@pytest.fixture
def known(history: History, make_history) -> History:
    basics, technique = history.cards("basics"), history.cards("technique")
    asked = history.questions("basics")
    when = history.questions("when")
    yesterday = START - timedelta(days=1)
    history.quiz([(asked[0], 1.0), (asked[1], 0.0)], yesterday)
    history.quiz([(asked[0], 1.0)], START - timedelta(days=89))  # asked again
    history.quiz([(when[0], 1.0), (when[1], 0.5)], START - timedelta(hours=1))
    history.review(basics[0], GOOD, yesterday)
    history.review(basics[0], AGAIN, yesterday)
    history.review(basics[1], EASY, START - timedelta(days=30))
    history.review(basics[2], HARD, WINDOW_START)  # exactly 90 days old: counts
    history.review(technique[0], AGAIN, yesterday)
    history.review(technique[1], AGAIN, yesterday)
    # Too old to count.
    history.review(basics[0], AGAIN, WINDOW_START - timedelta(seconds=1))
    history.quiz([(asked[1], 0.0), (when[2], 0.0)], WINDOW_START - timedelta(minutes=1))
    # Someone else's: must change nothing above.
    other = make_history("other@example.org")
    other.quiz([(asked[0], 0.0), (when[0], 0.0)], yesterday)
    other.review(technique[0], GOOD, yesterday)
    other.review(history.cards("when")[0], AGAIN, yesterday)
    return history


def topic_ids(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {key: topic_id for key, topic_id in db.session.execute(select(Topic.key, Topic.id))}


def by_topic(app: Flask, rows: list[mastery.TopicMastery], learner_id: int) -> dict[str, tuple]:
    keys = {topic_id: key for key, topic_id in topic_ids(app).items()}
    return {
        keys[row.topic_id]: (row.quiz_accuracy, row.recall, row.mastery)
        for row in rows
        if row.learner_id == learner_id
    }


def test_topic_mastery_matches_the_hand_computed_numbers(app: Flask, known: History) -> None:
    with app.app_context():
        rows = mastery.topic_mastery([known.learner_id], START)
    found = by_topic(app, rows, known.learner_id)
    assert found.keys() == {"basics", "technique", "when"}
    accuracy, recall, both = found["basics"]
    assert accuracy == pytest.approx(2 / 3)
    assert recall == pytest.approx(3 / 4)
    assert both == pytest.approx(17 / 24)
    assert found["technique"] == (None, 0.0, 0.0)
    assert found["when"] == (pytest.approx(0.75), None, pytest.approx(0.75))
    counts = {(row.topic_id, row.quiz_answers, row.reviews, row.recalled) for row in rows}
    ids = topic_ids(app)
    assert counts == {(ids["basics"], 3, 4, 3), (ids["technique"], 0, 2, 0), (ids["when"], 2, 0, 0)}


def test_mastery_of_several_learners_in_one_query_keeps_them_apart(
    app: Flask, known: History
) -> None:
    with app.app_context():
        other_id = db.session.scalar(select(User.id).where(User.email == "other@example.org"))
        everyone = select(User.id)  # a roster given as a query
        rows = mastery.topic_mastery(everyone, START)
    assert by_topic(app, rows, known.learner_id)["basics"][2] == pytest.approx(17 / 24)
    theirs = by_topic(app, rows, other_id)
    assert theirs == {
        "basics": (0.0, None, 0.0),
        "technique": (None, 1.0, 1.0),
        "when": (0.0, 0.0, 0.0),
    }


def test_a_learner_with_no_events_has_no_mastery_rows(app: Flask, known: History) -> None:
    with app.app_context():
        assert mastery.topic_mastery([], START) == []
        assert mastery.topic_mastery([known.learner_id], START + mastery.WINDOW * 2) == []


def test_the_deck_adds_up_its_topics_counts(app: Flask, known: History) -> None:
    with app.app_context():
        board = services.dashboard(known.learner_id, START)
    (deck,) = board.decks
    assert deck.mastery is not None
    assert deck.mastery.quiz_accuracy == pytest.approx(0.7)
    assert deck.mastery.recall == pytest.approx(0.5)
    assert deck.mastery.mastery == pytest.approx(0.6)
    assert [row.topic.key for row in deck.topics] == ["basics", "technique", "when"]


def test_the_page_shows_mastery_per_topic_in_text(
    known: History, learner_client: FlaskClient
) -> None:
    html = learner_client.get("/progress/").get_data(as_text=True)
    rows = table(html, "Mastery of each topic")
    assert rows[0] == ["Topic", "Mastery", "Quiz accuracy", "Flashcard recall", "Due today"]
    assert rows[1:] == [
        ["What hand hygiene is", "71%", "67% of 3 answers", "75% of 4 reviews", "0"],
        ["How and how long", "0%", "—", "0% of 2 reviews", "0"],
        ["When to clean hands", "75%", "75% of 2 answers", "—", "0"],
        ["All topics", "60%", "70% of 5 answers", "50% of 6 reviews", "0"],
    ]


def test_mastery_follows_the_window_as_time_passes(
    app: Flask, known: History, clock, learner_client: FlaskClient
) -> None:
    clock.now = START + timedelta(days=61)  # the window now starts at START − 29 days
    html = learner_client.get("/progress/").get_data(as_text=True)
    rows = {row[0]: row[1:] for row in table(html, "Mastery of each topic")[1:]}
    # basics keeps only what happened at START − 1 d: 1 of 2 answers, Good and Again.
    assert rows["What hand hygiene is"][:3] == ["50%", "50% of 2 answers", "50% of 2 reviews"]


def test_answers_inside_the_window_count_however_old_their_attempt(
    app: Flask, history: History
) -> None:
    """An attempt started long ago and resumed recently: its recent answers count,
    whether it is finished now or still open; its old answers do not."""
    when = history.questions("when")
    long_ago = START - timedelta(days=200)
    resumed = history.quiz([(when[0], 1.0)], START - timedelta(days=1), started=long_ago)
    history.quiz([(when[1], 0.0)], START - timedelta(days=2), started=long_ago, finished=False)
    with app.app_context():
        old = db.session.scalar(
            select(Response).join(Response.question).where(AttemptQuestion.attempt_id == resumed)
        )
        old.answered_at = long_ago  # answered then, finished yesterday
        db.session.add(
            Response(
                question=AttemptQuestion(
                    attempt_id=resumed,
                    position=2,
                    item_id=when[2],
                    item_version_id=db.session.scalar(
                        select(ItemVersion.id).where(ItemVersion.item_id == when[2])
                    ),
                    topic_id=old.question.topic_id,
                ),
                answer="x",
                score=1.0,
                correct=True,
                answered_at=START - timedelta(days=1),
            )
        )
        db.session.commit()
        (row,) = mastery.topic_mastery([history.learner_id], START)
    assert (row.quiz_answers, row.quiz_points) == (2, 1.0)
