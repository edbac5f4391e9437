"""One learner's recent flashcard reviews, for their page in a class: those made on
the study page (a quiz answer's ratings show with the quizzes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select

from quizapp.extensions import db
from quizapp.models import Item, ReviewLog, Topic
from quizapp.models.study import STUDY_ORIGIN

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
RECENT_REVIEWS = 20


@dataclass(frozen=True)
class RecentReview:
    reviewed_at: datetime
    rating: int
    prompt: str
    topic: str

    @property
    def rating_name(self) -> str:
        return RATING_NAMES.get(self.rating, str(self.rating))


def recent_reviews(learner_id: int) -> list[RecentReview]:
    rows = db.session.execute(
        select(ReviewLog.reviewed_at, ReviewLog.rating, Item.prompt, Topic.title)
        .join(Item, Item.id == ReviewLog.item_id)
        .join(Topic, Topic.id == Item.topic_id)
        .where(ReviewLog.user_id == learner_id, ReviewLog.origin == STUDY_ORIGIN)
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(RECENT_REVIEWS)
    )
    return [RecentReview(*row) for row in rows]


def review_counts(learner_id: int, now: datetime) -> tuple[int, int]:
    """Reviews in the last 7 and the last 30 days."""
    week, month = now - timedelta(days=7), now - timedelta(days=30)
    counts = db.session.execute(
        select(
            func.coalesce(func.sum(case((ReviewLog.reviewed_at >= week, 1), else_=0)), 0),
            func.count(),
        ).where(
            ReviewLog.user_id == learner_id,
            ReviewLog.reviewed_at >= month,
            ReviewLog.origin == STUDY_ORIGIN,
        )
    ).one()
    return int(counts[0]), int(counts[1])
