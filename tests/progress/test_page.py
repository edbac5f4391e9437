"""The progress page as a learner meets it: empty at first, then their own
numbers only, quiz scores over time, and a fixed number of queries however long
their history grows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from fsrs import Rating
from sqlalchemy import insert, select

from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Deck, FeedbackTiming, ReviewLog, User
from quizapp.progress import services
from quizapp.quiz import services as quiz
from quizapp.study import services as study
from tests.conftest import Accounts, statements_for
from tests.progress.conftest import START, History, table

GOOD = 3


def page(client: FlaskClient) -> str:
    response = client.get("/progress/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_new_learner_is_told_what_to_do(
    app: Flask, deck: None, learner_client: FlaskClient
) -> None:
    response = learner_client.get("/progress/")
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "Nothing to show yet" in html
    assert 'href="/study/">Study flashcards</a>' in html
    assert 'href="/quiz/">Take a quiz</a>' in html
    assert "You have not studied these flashcards yet." in html
    assert "No flashcard reviews in the last 30 days." in html
    assert "You have not finished a quiz yet." in html
    assert '<svg class="progress-chart"' not in html
    rows = table(html, "Mastery of each topic")
    assert [row[:2] for row in rows[1:]] == [
        ["What hand hygiene is", "Not started"],
        ["How and how long", "Not started"],
        ["When to clean hands", "Not started"],
        ["All topics", "Not started"],
    ]
    assert 'aria-current="page">Progress</a>' in html


def full_history(history: History) -> None:
    """Some of everything: quizzes, reviews over several days, cards due."""
    cards = history.cards()
    for number, card in enumerate(cards):
        history.card(card, START + timedelta(days=number))
        history.review(card, GOOD if number % 3 else 1, START - timedelta(days=number))
    asked = history.questions("technique")
    history.quiz(
        [(asked[0], 1.0), (asked[1], 1.0), (asked[2], 1.0), (asked[3], 0.0)],
        START - timedelta(days=2, hours=1),
    )
    history.quiz(
        [(asked[0], 1.0), (asked[1], 0.5), (asked[2], 0.0), (asked[3], 1.0), (asked[4], 0.0)],
        START - timedelta(days=1),
    )
    history.quiz([(asked[0], 1.0)], START, finished=False)
    history.quiz([(asked[0], 1.0), (asked[1], 0.0), (asked[2], 0.0)], START - timedelta(hours=2))


def test_every_chart_and_no_inline_style_or_script(
    app: Flask, history: History, learner_client: FlaskClient
) -> None:
    full_history(history)
    response = learner_client.get("/progress/")
    html = response.get_data(as_text=True)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert html.count('<svg class="progress-chart"') == 3  # forecast, reviews, scores
    assert html.count("<summary>Show as a table") == 3
    assert "style=" not in html and "<script" not in html
    assert "Nothing to show yet" not in html


def test_quiz_scores_over_time_are_each_finished_attempts_percentage(
    app: Flask, history: History, make_history, learner_client: FlaskClient
) -> None:
    full_history(history)
    make_history("other@example.org").quiz(
        [(history.questions("when")[0], 0.0)], START - timedelta(hours=1)
    )
    with app.app_context():
        scores = services.dashboard(history.learner_id, START).scores
    assert [round(score.percent, 2) for score in scores] == [75.0, 50.0, 33.33]
    html = page(learner_client)
    assert table(html, "Quiz scores over time") == [
        ["Quiz", "Score"],
        ["Hand hygiene, Sat 28 Feb 2026, 11:00 (UTC)", "75%"],
        ["Hand hygiene, Sun 1 Mar 2026, 12:00 (UTC)", "50%"],
        ["Hand hygiene, Mon 2 Mar 2026, 10:00 (UTC)", "33%"],
    ]
    assert "3 finished quizzes, oldest first: the latest scored 33%, the best 75%" in html
    assert "<dt>Latest quiz</dt><dd>33%</dd>" in html


def test_only_the_latest_quizzes_are_drawn(app: Flask, history: History) -> None:
    question = history.questions("when")[0]
    for number in range(services.SCORES + 5):
        history.quiz([(question, number % 2)], START - timedelta(days=40 - number))
    with app.app_context():
        scores = services.dashboard(history.learner_id, START).scores
    assert len(scores) == services.SCORES
    assert scores[-1].finished_at == START - timedelta(days=40 - services.SCORES - 4)
    assert scores == sorted(scores, key=lambda score: score.finished_at)


def test_a_learner_sees_only_their_own_numbers(
    app: Flask, history: History, accounts: Accounts, learner_client: FlaskClient
) -> None:
    card = history.cards()[0]
    for _ in range(3):
        history.review(card, GOOD, START - timedelta(hours=1))
    history.card(card, START + timedelta(days=10))  # last reviewed at START: recall 100 %
    other = accounts.create("other@example.org", name="Olive Other")
    theirs = History(app, other.id)
    for _ in range(7):
        theirs.review(card, 1, START - timedelta(hours=1))
    theirs.card(card, START)
    theirs.quiz([(history.questions("when")[0], 1.0)], START - timedelta(hours=1))

    mine = page(learner_client)
    assert "<dt>Reviews, last 30 days</dt><dd>3</dd>" in mine
    assert "<dt>Cards due today</dt><dd>0</dd>" in mine
    assert "You have not finished a quiz yet." in mine
    assert table(mine, "Mastery of each topic")[1] == [
        "What hand hygiene is",
        "Not enough evidence yet",  # one card, one rating behind its state
        "—",
        "100% of 1 card, 1 review",
        "0",
    ]
    assert "<dd>7</dd>" not in mine

    other_client = app.test_client()
    accounts.login(other_client, other.email)
    # There is no learner id to change: a made-up query string changes nothing.
    response = other_client.get(f"/progress/?learner={history.learner_id}")
    theirs_page = response.get_data(as_text=True)
    assert "<dt>Reviews, last 30 days</dt><dd>7</dd>" in theirs_page
    assert "<dt>Cards due today</dt><dd>1</dd>" in theirs_page
    assert table(theirs_page, "Mastery of each topic")[1] == [
        "What hand hygiene is",
        "Not enough evidence yet",
        "—",
        "90% of 1 card, 1 review",  # stability 10 d, reviewed 10 days ago: R = 0.9
        "1",
    ]
    assert "<dd>3</dd>" not in theirs_page


def test_the_page_runs_the_same_few_queries_however_long_the_history(
    app: Flask, history: History, learner_client: FlaskClient
) -> None:
    full_history(history)
    before = statements_for(app, learner_client, "/progress/")
    assert len(before) <= 10, before

    # Years of reviews, a hundred quizzes: every chart has more to show.
    cards = history.cards()
    question = history.questions("when")
    with app.app_context():
        db.session.execute(
            insert(ReviewLog),
            [
                {
                    "user_id": history.learner_id,
                    "item_id": cards[hour % len(cards)],
                    "rating": 1 + hour % 4,
                    "reviewed_at": START - timedelta(hours=7 * hour),
                }
                for hour in range(4000)
            ],
        )
        db.session.commit()
    for number in range(100):
        history.quiz(
            [(question[0], 1.0), (question[1], number % 2)], START - timedelta(days=number)
        )
    after = statements_for(app, learner_client, "/progress/")
    assert len(after) == len(before)


def test_quiz_answers_and_ratings_recorded_by_the_app_show_up(
    app: Flask,
    history: History,
    learner: User,
    learner_client: FlaskClient,
    clock,
    accounts: Accounts,
) -> None:
    """Through the quiz and study services, on the real clock (quizzes stamp answers with it)."""
    now = datetime.now(UTC)
    clock.now = now
    accounts.login(learner_client, learner.email)  # months later: the first session has ended
    with app.app_context():
        asked = history.questions("basics", [ItemType.TRUEFALSE])  # a True and a False claim
        assert len(asked) == 2
        settings = quiz.Settings(
            db.session.scalar(select(Deck.id).where(Deck.slug == "hand-hygiene")),
            feedback=FeedbackTiming.EACH,
        )
        attempt = quiz.start_attempt(learner.id, settings, "token", seed=1, item_ids=asked)
        db.session.commit()
        for position in (1, 2):
            question = quiz.own_question(attempt.learner_id, attempt.id, position)[0]
            right = question.item_version.content["answer"]
            quiz.answer(question, right if position == 1 else not right)
            db.session.commit()
        card = history.cards("basics")[0]
        assert (
            study.rate(learner.id, study.CardPlace(card, "hand-hygiene"), 0, Rating.Good, now)
            is study.Outcome.RECORDED
        )
        db.session.commit()

    html = page(learner_client)
    assert "You studied today: 1 day in a row." in html
    assert "<dt>Latest quiz</dt><dd>50%</dd>" in html
    rows = {row[0]: row[1:] for row in table(html, "Mastery of each topic")[1:]}
    # Two answers, and a card still in its first learning steps: too little to judge.
    assert rows["What hand hygiene is"][:3] == [
        "Not enough evidence yet",
        "50% of 2 answers",
        "—",
    ]
