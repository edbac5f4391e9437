"""Models, split by domain; importing this package registers every table."""

from quizapp.models.account import PasswordReset
from quizapp.models.activity import DailyActivity
from quizapp.models.assignments import Assignment
from quizapp.models.base import Base, UTCDateTime
from quizapp.models.classes import ClassInstructor, Classroom, ClassSummary, Enrolment
from quizapp.models.content import (
    Deck,
    Fact,
    FactCandidate,
    Item,
    ItemVersion,
    Source,
    SourceVersion,
    Topic,
    item_fact,
)
from quizapp.models.parameters import FsrsParameters
from quizapp.models.quiz import (
    Attempt,
    AttemptQuestion,
    FeedbackTiming,
    Flag,
    QuizMode,
    Response,
    attempt_topic,
)
from quizapp.models.sessions import LoginSession
from quizapp.models.study import CardState, ReviewLog, StudySettings
from quizapp.models.user import Role, SetupToken, User

__all__ = [
    "Assignment",
    "Attempt",
    "AttemptQuestion",
    "Base",
    "CardState",
    "ClassInstructor",
    "Classroom",
    "ClassSummary",
    "DailyActivity",
    "Deck",
    "Enrolment",
    "Fact",
    "FactCandidate",
    "FeedbackTiming",
    "FsrsParameters",
    "Flag",
    "Item",
    "ItemVersion",
    "LoginSession",
    "PasswordReset",
    "QuizMode",
    "Response",
    "ReviewLog",
    "Role",
    "SetupToken",
    "Source",
    "SourceVersion",
    "StudySettings",
    "Topic",
    "User",
    "UTCDateTime",
    "attempt_topic",
    "item_fact",
]
