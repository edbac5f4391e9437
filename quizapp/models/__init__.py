"""Models, split by domain; importing this package registers every table."""

from quizapp.models.base import Base, UTCDateTime, utcnow
from quizapp.models.content import Deck, Fact, Item, ItemVersion, Source, Topic, item_fact
from quizapp.models.user import Role, SetupToken, User

__all__ = [
    "Base",
    "Deck",
    "Fact",
    "Item",
    "ItemVersion",
    "Role",
    "SetupToken",
    "Source",
    "Topic",
    "User",
    "UTCDateTime",
    "item_fact",
    "utcnow",
]
