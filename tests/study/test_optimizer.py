"""FSRS parameters fitted to reviews: from a learner simulated with known parameters
(recall drawn with the true model's retrievability, fixed seed), the fit predicts
held-out reviews better than the defaults; the command stores the fit and the
scheduler then uses it (the learner's own, else the deck's, else the defaults)."""

from __future__ import annotations

import random
from datetime import timedelta

import fsrs_rs_python
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from fsrs import Card, Rating, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS
from sqlalchemy import insert, select

from quizapp.extensions import db
from quizapp.models import FsrsParameters, ReviewLog
from quizapp.study import optimizer
from tests.conftest import Accounts
from tests.study.conftest import CARDS, START, Clock, Learner

# A learner who forgets faster than the defaults assume, especially after a first Good.
TRUE_PARAMETERS = (
    0.05, 0.3, 0.9, 4.0, 7.5, 0.6, 2.0, 0.01, 1.2, 0.2, 1.2,
    2.2, 0.05, 0.4, 1.8, 0.3, 2.5, 0.6, 0.2, 0.1, 0.25,
)  # fmt: skip
FIRST_RATINGS = (0.2, 0.1, 0.6, 0.1)  # Again, Hard, Good, Easy
RECALLED = ((Rating.Hard, Rating.Good, Rating.Easy), (0.15, 0.75, 0.1))


def simulate(learners: int, cards: int, days: int, seed: int = 7) -> list[optimizer.Rated]:
    """Learners studying on the default schedule whose memory follows TRUE_PARAMETERS:
    each card is reviewed when due, and recalled with the true model's retrievability."""
    rng = random.Random(seed)
    nature = Scheduler(parameters=TRUE_PARAMETERS, enable_fuzzing=False)
    schedule = Scheduler(enable_fuzzing=False)
    rows = []
    for learner in range(learners):
        for number in range(cards):
            card_id = learner * 1000 + number
            now = START + timedelta(days=rng.randrange(30), hours=rng.randrange(12))
            memory, shown = Card(card_id=card_id, due=now), Card(card_id=card_id, due=now)
            first = True
            while now < START + timedelta(days=days):
                if first:
                    rating = rng.choices(list(Rating), FIRST_RATINGS)[0]
                elif rng.random() < nature.get_card_retrievability(memory, now):
                    rating = rng.choices(*RECALLED)[0]
                else:
                    rating = Rating.Again
                rows.append(optimizer.Rated(learner, card_id, now, int(rating), first))
                first = False
                memory, _ = nature.review_card(memory, rating, now)
                shown, _ = schedule.review_card(shown, rating, now)
                now = shown.due
    return rows


def test_the_fit_predicts_held_out_reviews_better_than_the_defaults() -> None:
    rows = simulate(learners=4, cards=60, days=200)
    found = optimizer.samples(rows)
    fit = optimizer.fit(found)

    assert fit is not None and fit.extent is optimizer.Extent.FULL
    assert fit.reviews == len(found) and 0 < fit.held_out < fit.reviews
    assert fit.default is not None and fit.fitted is not None
    assert fit.fitted.log_loss < fit.default.log_loss
    assert fit.fitted.rmse < fit.default.rmse
    # The stability after a first Good (the commonest start) moves to the truth.
    assert abs(fit.parameters[2] - TRUE_PARAMETERS[2]) < abs(
        DEFAULT_PARAMETERS[2] - TRUE_PARAMETERS[2]
    )
    Scheduler(parameters=fit.parameters)  # the scheduler accepts them


def test_the_optimizer_and_the_scheduler_share_one_parameter_vector() -> None:
    """fsrs-rs and the ``fsrs`` scheduler must both be FSRS-6 (21 numbers, one order):
    an upgrade of either to another model version fails here, not in production."""
    assert len(fsrs_rs_python.DEFAULT_PARAMETERS) == len(DEFAULT_PARAMETERS) == 21
    assert list(DEFAULT_PARAMETERS) == pytest.approx(fsrs_rs_python.DEFAULT_PARAMETERS, abs=1e-4)


def test_held_out_reviews_are_each_learners_latest() -> None:
    found = optimizer.samples(simulate(learners=2, cards=10, days=120))
    train, test = optimizer.split(found)
    for learner in (0, 1):
        fitted_on = [sample.at for sample in train if sample.learner == learner]
        scored_on = [sample.at for sample in test if sample.learner == learner]
        assert scored_on and max(fitted_on) <= min(scored_on)


def test_few_reviews_fit_nothing_then_initial_stabilities_then_everything() -> None:
    found = optimizer.samples(simulate(learners=4, cards=60, days=200))
    base = optimizer.clamp([value * 1.1 for value in DEFAULT_PARAMETERS])

    assert optimizer.fit(found[: optimizer.MIN_INITIAL - 1]) is None
    initial = optimizer.fit(found[: optimizer.MIN_INITIAL + 50], base)
    assert initial is not None and initial.extent is optimizer.Extent.INITIAL
    assert initial.parameters[4:] == base[4:]
    assert initial.parameters[:4] != base[:4]
    full = optimizer.fit(found[: optimizer.MIN_FULL], base)
    assert full is not None and full.extent is optimizer.Extent.FULL
    assert full.parameters[4:] != base[4:]


def test_a_history_starts_at_the_cards_latest_first_rating() -> None:
    day = timedelta(days=1)
    rows = [
        optimizer.Rated(1, 9, START, 3, True),
        optimizer.Rated(1, 9, START + 2 * day, 1, False),
        optimizer.Rated(1, 9, START + 5 * day, 3, True),  # forgotten and started again
        optimizer.Rated(1, 9, START + 5 * day + timedelta(minutes=10), 3, False),  # same day
        optimizer.Rated(1, 9, START + 8 * day, 3, False),
        optimizer.Rated(2, 9, START + 3 * day, 3, False),  # no first rating: left out
    ]
    [sample] = optimizer.samples(rows)
    # fsrs-rs shows a review's fields only in its repr.
    assert [repr(review) for review in sample.item.reviews] == [
        "FSRSReview { rating: 3, delta_t: 0 }",
        "FSRSReview { rating: 3, delta_t: 0 }",
        "FSRSReview { rating: 3, delta_t: 2 }",  # 2 d 23 h 50 min: whole days, as fsrs counts
    ]


# -- stored, printed and used ---------------------------------------------------------


def store_history(
    app: Flask,
    rows: list[optimizer.Rated],
    users: list[int],
    cards: list[int],
    origin: str = "study",
):
    """The simulated ratings in the review log, on real learners and cards."""
    with app.app_context():
        db.session.execute(
            insert(ReviewLog),
            [
                {
                    "user_id": users[row.learner],
                    "item_id": cards[row.card % 1000],
                    "rating": row.rating,
                    "reviewed_at": row.at,
                    "state_before": None if row.first else 2,
                    "origin": origin,
                }
                for row in rows
            ],
        )
        db.session.commit()


# In the history below, the learner whose own fit predicts their held-out reviews no
# better than the deck's fit does (the student's own fit and the deck's both win).
NO_BETTER = 5


@pytest.fixture
def history(app: Flask, hand_hygiene: list[int], student: Learner, make_learner) -> list[int]:
    """Ten learners' reviews of the test deck over 300 days (the student is learner 0,
    l1..l9 the others); each has 56 to 102 usable reviews, the deck 784."""
    others = [make_learner(f"l{n}@example.org").id for n in range(1, 10)]
    users = [student.id, *others]
    store_history(
        app, simulate(learners=10, cards=len(hand_hygiene), days=300, seed=19), users, hand_hygiene
    )
    return users


def stored(app: Flask) -> dict[int | None, FsrsParameters]:
    with app.app_context():
        fits = db.session.scalars(select(FsrsParameters)).all()
        db.session.expunge_all()
    return {fit.user_id: fit for fit in fits}


def test_optimize_fits_the_deck_and_each_learner_and_the_scheduler_uses_them(
    app: Flask,
    runner: FlaskCliRunner,
    history: list[int],
    hand_hygiene: list[int],
    student: Learner,
    make_learner,
    clock: Clock,
) -> None:
    result = runner.invoke(args=["study", "optimize", "--deck", "hand-hygiene"])

    assert result.exit_code == 0, result.output
    fits = stored(app)
    deck = fits[None]
    assert deck.extent == "full" and deck.reviews >= optimizer.MIN_FULL
    assert deck.log_loss_fitted is not None and deck.log_loss_default is not None
    assert f"Hand hygiene (all learners): {deck.reviews:,} reviews used" in result.output, (
        result.output
    )
    assert f"{deck.log_loss_default:8.4f} {deck.rmse_default:7.4f}" in result.output
    assert f"{deck.log_loss_fitted:8.4f} {deck.rmse_fitted:7.4f}" in result.output
    own = fits[student.id]  # 60 usable reviews: their own first stabilities, the rest the deck's
    assert own.extent == "initial" and own.parameters[4:] == deck.parameters[4:]
    assert own.in_use and own.log_loss_fitted is not None
    assert "learner@example.org in Hand hygiene" in result.output
    assert deck.in_use and deck.log_loss_fitted < deck.log_loss_default
    # This learner's own fit predicts their held-out reviews no better than the deck's.
    unused = fits[history[NO_BETTER]]
    assert not unused.in_use
    assert "not used: no better than the parameters that schedule these cards now" in result.output

    # A new card rated Good starts at the stability of the scheduling parameters' w2.
    newcomer = make_learner("new@example.org")
    newcomer.rate(hand_hygiene[0], Rating.Good, clock.now)
    state = newcomer.state(hand_hygiene[0])
    assert state is not None and state["stability"] == pytest.approx(deck.parameters[2])
    assert deck.parameters[2] != pytest.approx(DEFAULT_PARAMETERS[2])
    student.rate(hand_hygiene[1], Rating.Good, clock.now)
    state = student.state(hand_hygiene[1])
    assert state is not None and state["stability"] == pytest.approx(own.parameters[2])
    other = Learner(app, history[NO_BETTER])
    other.rate(hand_hygiene[0], Rating.Good, clock.now)  # only the log was stored: a new card
    state = other.state(hand_hygiene[0])
    assert state is not None and state["stability"] == pytest.approx(deck.parameters[2])


def misleading(learners: range) -> list[optimizer.Rated]:
    """Each card rated Good, then forgotten every 3 days four times, then recalled on
    day 15: a fit on the lapses predicts the held-out recalls worse than the defaults."""
    day = timedelta(days=1)
    rows = []
    for learner in learners:
        for card in range(CARDS):
            rows.append(optimizer.Rated(learner, card, START, int(Rating.Good), True))
            rows += [
                optimizer.Rated(learner, card, START + 3 * n * day, 3 if n == 5 else 1, False)
                for n in range(1, 6)
            ]
    return rows


def test_a_deck_fit_worse_than_the_defaults_is_stored_but_not_used(
    app: Flask,
    runner: FlaskCliRunner,
    hand_hygiene: list[int],
    student: Learner,
    make_learner,
    learner_client: FlaskClient,
    clock: Clock,
) -> None:
    users = [student.id, *(make_learner(f"l{n}@example.org").id for n in (1, 2))]
    store_history(app, misleading(range(3)), users, hand_hygiene)

    result = runner.invoke(args=["study", "optimize", "--deck", "hand-hygiene"])

    assert result.exit_code == 0, result.output
    deck = stored(app)[None]
    assert deck.log_loss_fitted is not None and deck.log_loss_default is not None
    assert deck.log_loss_fitted > deck.log_loss_default and not deck.in_use
    assert "not used: no better than the parameters that schedule these cards now" in result.output
    newcomer = make_learner("new@example.org")
    newcomer.rate(hand_hygiene[0], Rating.Good, clock.now)
    state = newcomer.state(hand_hygiene[0])
    assert state is not None and state["stability"] == pytest.approx(DEFAULT_PARAMETERS[2])
    page = learner_client.get("/study/settings").get_data(as_text=True)
    assert "Hand hygiene: the FSRS defaults" in page


def test_quiz_answers_rating_cards_are_not_reviews_to_fit_on(
    app: Flask, runner: FlaskCliRunner, hand_hygiene: list[int], make_learner
) -> None:
    users = [make_learner(f"l{n}@example.org").id for n in range(4)]
    store_history(app, simulate(learners=2, cards=len(hand_hygiene), days=300), users, hand_hygiene)
    studied = stored_fit_reviews(app, runner)
    quizzed = simulate(learners=4, cards=len(hand_hygiene), days=300, seed=8)
    store_history(app, [row for row in quizzed if row.learner >= 2], users, hand_hygiene, "quiz")

    assert stored_fit_reviews(app, runner) == studied
    assert runner.invoke(args=["study", "optimize", "--if-grown"]).output == ""


def stored_fit_reviews(app: Flask, runner: FlaskCliRunner) -> int:
    result = runner.invoke(args=["study", "optimize", "--deck", "hand-hygiene"])
    assert result.exit_code == 0, result.output
    return stored(app)[None].reviews


def test_optimize_if_grown_refits_only_what_gained_reviews(
    app: Flask, runner: FlaskCliRunner, history: list[int], hand_hygiene: list[int]
) -> None:
    assert runner.invoke(args=["study", "optimize"]).exit_code == 0
    first = stored(app)

    again = runner.invoke(args=["study", "optimize", "--if-grown"])

    assert again.exit_code == 0 and again.output == ""
    assert {key: fit.id for key, fit in stored(app).items()} == {
        key: fit.id for key, fit in first.items()
    }


def test_optimize_says_what_is_wrong_with_its_options(runner: FlaskCliRunner, app: Flask) -> None:
    result = runner.invoke(args=["study", "optimize", "--deck", "nope"])
    assert result.exit_code != 0 and "No deck 'nope'" in result.output
    result = runner.invoke(args=["study", "optimize", "--user", "nobody@example.org"])
    assert result.exit_code != 0 and "No account 'nobody@example.org'" in result.output


def test_the_settings_page_says_which_parameters_schedule_the_cards(
    app: Flask,
    runner: FlaskCliRunner,
    learner_client: FlaskClient,
    accounts: Accounts,
    history: list[int],
) -> None:
    page = learner_client.get("/study/settings").get_data(as_text=True)
    assert "Hand hygiene: the FSRS defaults" in page

    assert runner.invoke(args=["study", "optimize", "--deck", "hand-hygiene"]).exit_code == 0
    fits = stored(app)
    page = learner_client.get("/study/settings").get_data(as_text=True)

    own = fits[history[0]]
    assert (
        f"Hand hygiene: your own, fitted on 02 Mar 2026 (UTC) from {own.reviews} of your reviews"
        in page
    )
    assert "(how well you remember a card after its first rating; the rest is the deck's)" in page
    # This learner's own fit is not used (see above): their cards follow the deck's.
    other = app.test_client()
    assert accounts.login(other, f"l{NO_BETTER}@example.org").status_code == 302
    page = other.get("/study/settings").get_data(as_text=True)
    deck = fits[None]
    assert (
        f"Hand hygiene: the deck's, fitted on 02 Mar 2026 (UTC) from {deck.reviews} reviews"
        " of all its learners" in page
    )
