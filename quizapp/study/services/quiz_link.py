"""Quiz answers feed the flashcard schedule: one memory for both halves.

The rule, for an answer to a question linked to facts, applied to the
learner's published flashcards of the same facts:

* an answer that is not fully right rates each of those cards **Again**, at the
  moment of the answer: a card the learner knew lapses (relearning, due within
  minutes), and a card never studied enters learning (due in a minute; it does
  not use up the day's new cards);
* a fully right answer rates **Good** each of those cards that is due (its due
  time has come); a card not yet due, or never studied, is left as it is: one
  right answer is not a review of a card the learner has not been shown.

Each rating is an ordinary FSRS review (the card's own desired retention,
critical cards included), kept in the review log with ``origin='quiz'`` and
the response it came from, so the schedule can be recomputed and the ratings
taken back (the study page's Undo, see :func:`rating.undo`). A response is
recorded once (its unique question), so its ratings are made once; the
unique (response, card) pair in the log holds that too.
"""

from __future__ import annotations

from datetime import datetime

from fsrs import Rating
from sqlalchemy import and_, select

from quizapp.content import Status
from quizapp.extensions import db
from quizapp.models import CardState, Item, Response, ReviewLog, item_fact
from quizapp.models.study import QUIZ_ORIGIN
from quizapp.study.services.queue import CARD_TYPES
from quizapp.study.services.rating import Outcome, record, schedule_columns, schedule_of


def feed_schedule(learner_id: int, question_id: int, response: Response, now: datetime) -> int:
    """Rate the learner's cards of the answered question's facts by the rule above.

    Returns how many cards were rated.
    """
    facts = select(item_fact.c.fact_id).where(item_fact.c.item_id == question_id)
    cards = db.session.execute(
        select(Item.id, CardState, *schedule_columns(learner_id))
        .outerjoin(CardState, and_(CardState.item_id == Item.id, CardState.user_id == learner_id))
        .where(
            Item.id.in_(select(item_fact.c.item_id).where(item_fact.c.fact_id.in_(facts))),
            Item.status == Status.PUBLISHED,
            Item.type.in_(CARD_TYPES),
        )
        .order_by(Item.id)
    ).all()
    rated = 0
    for card in cards:
        item_id, state = card.id, card.CardState
        rating = _rating(response.correct, state, now)
        if rating is None:
            continue
        log = ReviewLog(
            user_id=learner_id, item_id=item_id, origin=QUIZ_ORIGIN, response_id=response.id
        )
        if record(log, state, rating, now, schedule_of(card)) is Outcome.RECORDED:
            rated += 1
    return rated


def _rating(correct: bool, state: CardState | None, now: datetime) -> Rating | None:
    """What the answer says about one card: Again, Good, or nothing."""
    if not correct:
        return Rating.Again
    if state is not None and state.due <= now:
        return Rating.Good
    return None
