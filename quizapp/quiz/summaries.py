"""What the quiz pages show: feedback with citations, per-topic scores, the
attempt history. Read-only, and every total is computed in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from quizapp.bank.citations import cited_sources, quotes
from quizapp.content import ItemType, Status, TextFormat
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Deck, Fact, Item, Response, Topic
from quizapp.quiz import grading
from quizapp.quiz.grading import Question
from quizapp.web.paging import last_page

HISTORY_PAGE_SIZE = 20


@dataclass(frozen=True)
class Quote:
    text: str
    citation: str


@dataclass(frozen=True)
class OptionWhy:
    """An answer and what the item's feedback says about it; ``right`` when it
    earned some credit (the page says "about" rather than "why it is wrong")."""

    option: str
    why: str
    right: bool = False


@dataclass(frozen=True)
class Review:
    """What the feedback shows for one question, all read from the version answered.

    ``picked`` is the feedback on what the learner gave (any option, the
    accepted answer their text matched, true or false), ``other_wrong`` why
    each wrong option they did not choose is wrong, in the order shown.
    ``text_format`` is how prompt and explanation are written.
    """

    position: int
    prompt: str
    given: str
    correct: str
    score: float | None  # None when the question was left unanswered
    explanation: str
    citation: str
    quotes: tuple[Quote, ...]
    picked: tuple[OptionWhy, ...] = ()
    other_wrong: tuple[OptionWhy, ...] = ()
    text_format: str = TextFormat.PLAIN.value

    @property
    def verdict(self) -> str:
        if self.score is None:
            return "unanswered"
        if self.score >= 1:
            return "right"
        return "partial" if self.score > 0 else "wrong"


def questions_of(attempt: Attempt) -> list[AttemptQuestion]:
    return list(
        db.session.scalars(
            select(AttemptQuestion)
            .where(AttemptQuestion.attempt_id == attempt.id)
            .order_by(AttemptQuestion.position)
            .options(joinedload(AttemptQuestion.item_version), joinedload(AttemptQuestion.response))
        )
    )


def reviews(attempt: Attempt, attempt_questions: Sequence[AttemptQuestion]) -> list[Review]:
    """The feedback for each question, with its citation and the facts' quotes
    (one query for the lot, whatever the number of questions)."""
    contents = [aq.item_version.content for aq in attempt_questions]
    facts = {
        fact.key: fact
        for fact in db.session.scalars(
            select(Fact)
            .options(joinedload(Fact.source))
            .where(
                Fact.deck_id == attempt.deck_id,
                Fact.key.in_({key for c in contents for key in c["facts"]}),
            )
        )
    }
    return [
        _review(aq, content, facts) for aq, content in zip(attempt_questions, contents, strict=True)
    ]


def _review(aq: AttemptQuestion, content: dict[str, Any], facts: dict[str, Fact]) -> Review:
    """One question's feedback. The citation lists the sources of the facts whose
    quotes are shown (never a ``source`` stored apart from them, which an old
    version may hold), so the "Source:" line always matches the quotes."""
    question = Question.from_content(content)
    response = aq.response
    quoted = [facts[key] for key in sorted(content["facts"]) if key in facts]
    picked, other_wrong = _option_whys(
        grading.shown_options(question, aq.option_order),
        question,
        content.get("feedback") or {},
        response.answer if response else None,
    )
    return Review(
        position=aq.position,
        prompt=content["prompt"],
        given=grading.answer_text(response.answer if response else None),
        correct=grading.correct_text(question),
        score=response.score if response else None,
        explanation=content["explanation"],
        citation=cited_sources(quoted),
        quotes=tuple(Quote(quote, citation) for quote, citation in quotes(quoted)),
        picked=picked,
        other_wrong=other_wrong,
        text_format=content.get("format") or TextFormat.PLAIN.value,
    )


def _option_whys(
    shown: list[str], question: Question, feedback: dict[str, str], given: Any
) -> tuple[tuple[OptionWhy, ...], tuple[OptionWhy, ...]]:
    """The feedback on the answer given, then the other wrong options that have a why.

    Feedback is keyed by option text, by the accepted answer a typed text
    matched, or by ``true``/``false``.
    """
    if given is None:
        gave: list[tuple[str, str]] = []
    elif question.type is ItemType.TRUEFALSE:
        gave = [(grading.answer_text(given), str(given).lower())]
    elif question.type is ItemType.FILLIN:
        matched = grading.matched_answer(question, str(given))
        gave = [(str(given), matched)] if matched is not None else []
    else:
        gave = [(option, option) for option in (given if isinstance(given, list) else [given])]
    if question.type is ItemType.TRUEFALSE:
        right_keys = {str(question.answer).lower()}
    else:
        right_keys = {key for _, key in gave if question.weight(key) > 0}
    picked = tuple(
        OptionWhy(shown_as, feedback[key], key in right_keys)
        for shown_as, key in gave
        if feedback.get(key)
    )
    chosen = {key for _, key in gave}
    right = question.answer if isinstance(question.answer, tuple) else (question.answer,)
    other_wrong = tuple(
        OptionWhy(o, feedback[o])
        for o in shown
        if o not in right and o not in chosen and feedback.get(o) and question.weight(o) <= 0
    )
    return picked, other_wrong


@dataclass(frozen=True)
class TopicScore:
    title: str
    questions: int
    points: float

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.questions)


def topic_scores(attempt: Attempt) -> list[TopicScore]:
    """Points per topic of the attempt, in the deck's topic order."""
    rows = db.session.execute(
        select(
            Topic.title,
            func.count(AttemptQuestion.id),
            func.coalesce(func.sum(Response.score), 0.0),
        )
        .select_from(AttemptQuestion)
        .join(AttemptQuestion.topic)
        .outerjoin(AttemptQuestion.response)
        .where(AttemptQuestion.attempt_id == attempt.id)
        .group_by(Topic.id, Topic.title, Topic.position)
        .order_by(Topic.position)
    )
    return [TopicScore(title, questions, points) for title, questions, points in rows]


@dataclass(frozen=True)
class AttemptSummary:
    id: int
    deck: str
    started_at: datetime
    finished_at: datetime | None
    length: int
    answered: int
    score: float | None

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(100 * self.score / self.length)


def _summaries(learner_id: int) -> Select[Any]:
    answered = (
        select(func.count(Response.id))
        .join(Response.question)
        .where(AttemptQuestion.attempt_id == Attempt.id)
        .correlate(Attempt)
        .scalar_subquery()
    )
    return (
        select(
            Attempt.id,
            Deck.title,
            Attempt.started_at,
            Attempt.finished_at,
            Attempt.length,
            answered,
            Attempt.score,
        )
        .join(Attempt.deck)
        .where(Attempt.learner_id == learner_id)
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())
    )


def history(learner_id: int, page: int = 1) -> tuple[list[AttemptSummary], bool]:
    """One page of the learner's attempts, newest first, and whether more follow."""
    rows = db.session.execute(
        _summaries(learner_id).limit(HISTORY_PAGE_SIZE + 1).offset((page - 1) * HISTORY_PAGE_SIZE)
    )
    summaries = [AttemptSummary(*row) for row in rows]
    return summaries[:HISTORY_PAGE_SIZE], len(summaries) > HISTORY_PAGE_SIZE


def history_pages(learner_id: int) -> int:
    """How many pages the learner's history fills (1 when it is empty)."""
    total = db.session.scalar(select(func.count()).select_from(_summaries(learner_id).subquery()))
    return last_page(total or 0, HISTORY_PAGE_SIZE)


def unfinished_attempt(learner_id: int) -> AttemptSummary | None:
    """The learner's latest unfinished attempt, to offer resuming it."""
    row = db.session.execute(
        _summaries(learner_id).where(Attempt.finished_at.is_(None)).limit(1)
    ).first()
    return AttemptSummary(*row) if row else None


def decks_with_questions() -> list[tuple[Deck, int]]:
    """Every deck with its number of published quiz questions."""
    return list(
        db.session.execute(
            select(Deck, func.count(Item.id))
            .outerjoin(
                Item,
                (Item.deck_id == Deck.id)
                & (Item.status == Status.PUBLISHED)
                & Item.type.in_(grading.QUESTION_TYPES),
            )
            .group_by(Deck.id)
            .order_by(Deck.title)
        )
    )


def topics_with_questions(deck: Deck) -> list[tuple[Topic, int]]:
    """The deck's topics that have published questions, with how many, in deck order."""
    return list(
        db.session.execute(
            select(Topic, func.count(Item.id))
            .join(Item, Item.topic_id == Topic.id)
            .where(
                Topic.deck_id == deck.id,
                Item.status == Status.PUBLISHED,
                Item.type.in_(grading.QUESTION_TYPES),
            )
            .group_by(Topic.id)
            .order_by(Topic.position)
        )
    )
