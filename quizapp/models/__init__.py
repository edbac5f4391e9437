"""Models, split by domain; importing this package registers every table."""

from quizapp.models.base import Base, UTCDateTime, utcnow
from quizapp.models.user import Role, SetupToken, User

__all__ = ["Base", "Role", "SetupToken", "User", "UTCDateTime", "utcnow"]
