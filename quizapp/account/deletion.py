"""Deleting an account: personal data goes, anonymous quiz statistics stay.

Item analysis (``quizapp.classes.items``) counts the finished attempts of the
learners it is given: every learner for the bank, a class's current members for
a class. So the attempts (questions drawn, answers, scores) are handed to one
shared placeholder learner, "Deleted accounts", which the bank's analysis counts
and no class does: like a learner who left, a deleted one leaves their classes'
figures (the placeholder holds answers from every class, which no single class
may see). Finished attempts lose what tied them together (the owner and the
start token), so the placeholder holds no one's history; unfinished ones, which
item analysis does not read, are deleted.

Then the account row is deleted, and the database's ``ON DELETE`` rules do the
rest: sessions, reset links, class memberships, study settings, flashcard
schedule and reviews go with it (CASCADE); flags, and items or versions the
person edited, keep their text but lose the link to them (SET NULL).
"""

from __future__ import annotations

from sqlalchemy import String, cast, delete, literal, select, update
from sqlalchemy.exc import IntegrityError

from quizapp.auth import sessions
from quizapp.auth.services import AccountError, verify_password
from quizapp.classes import summaries
from quizapp.extensions import db
from quizapp.models import Attempt, Classroom, Role, User
from quizapp.models.user import PLACEHOLDER_EMAIL
from quizapp.progress import activity

PLACEHOLDER_NAME = "Deleted accounts"
NO_PASSWORD = "!"  # not a Werkzeug hash: check_password_hash is always False


def placeholder() -> User:
    """The owner of deleted accounts' attempts, made on the first deletion."""
    found: User | None = db.session.scalar(User.by_email(PLACEHOLDER_EMAIL))
    if found is not None:
        return found
    user = User(
        email=PLACEHOLDER_EMAIL,
        display_name=PLACEHOLDER_NAME,
        password_hash=NO_PASSWORD,
        role=Role.LEARNER,
    )
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:  # another deletion made it a moment ago
        return db.session.scalars(User.by_email(PLACEHOLDER_EMAIL)).one()
    return user


def check_deletable(user: User, password: str) -> None:
    """Raise AccountError unless ``password`` is right and ``user`` may go: an
    instructor who runs classes is refused, the classes hold other people's results."""
    if not verify_password(user, password):
        raise AccountError("The password is not correct.")
    classes = db.session.scalars(
        select(Classroom.name).where(Classroom.instructor_id == user.id).order_by(Classroom.name)
    ).all()
    if classes:
        raise AccountError(
            f"You run {len(classes)} class(es): {', '.join(classes)}. Their learners' results "
            "belong to them, so the account cannot be deleted while it runs them. Ask "
            "whoever runs this site to hand them over to another instructor."
        )


def delete_account(user: User) -> None:
    """Delete ``user`` (after :func:`check_deletable`) and end its other sessions;
    the caller signs this browser out first."""
    keeper = placeholder()
    db.session.flush()
    # Item analysis reads finished attempts only: an unfinished one is just history.
    db.session.execute(
        delete(Attempt).where(Attempt.learner_id == user.id, Attempt.finished_at.is_(None))
    )
    activity.hand_over_answers(user.id, keeper.id)
    db.session.execute(
        update(Attempt)
        .where(Attempt.learner_id == user.id)
        .values(learner_id=keeper.id, start_token=literal("deleted-") + cast(Attempt.id, String))
    )
    sessions.end_all(user.id)
    summaries.forget(user.id)
    db.session.delete(user)
    db.session.flush()
