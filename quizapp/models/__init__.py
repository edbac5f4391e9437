"""Models, split by domain; importing this package registers every table."""

from quizapp.models.base import Base, UTCDateTime
from quizapp.models.classes import Classroom, Enrolment
from quizapp.models.content import Deck, Fact, Item, ItemVersion, Source, Topic, item_fact
from quizapp.models.quiz import (
    Attempt,
    AttemptQuestion,
    FeedbackTiming,
    Flag,
    QuizMode,
    Response,
    attempt_topic,
)
from quizapp.models.study import CardState, ReviewLog, StudySettings
from quizapp.models.user import Role, SetupToken, User

__all__ = [
    "Attempt",
    "AttemptQuestion",
    "Base",
    "CardState",
    "Classroom",
    "Deck",
    "Enrolment",
    "Fact",
    "FeedbackTiming",
    "Flag",
    "Item",
    "ItemVersion",
    "QuizMode",
    "Response",
    "ReviewLog",
    "Role",
    "SetupToken",
    "Source",
    "StudySettings",
    "Topic",
    "User",
    "UTCDateTime",
    "attempt_topic",
    "item_fact",
]
