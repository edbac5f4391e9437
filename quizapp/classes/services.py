"""Join codes, memberships and who teaches a class: the rules shared by the class pages.

Who may do what with a class (one rule, :func:`teaching`, for every class page,
list and report):

- its **owner** (who created it) and its **co-instructors** see and run it alike:
  roster, reports, CSVs, rename, join code and sheet, removing a learner;
- only the **owner** archives and restores it and adds or removes co-instructors;
- an **archived** class is read-only (:func:`check_changeable`): its pages and
  CSVs still work, nothing changes and nobody joins until it is restored.
"""

from __future__ import annotations

import secrets
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Select, delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from quizapp import clock
from quizapp.classes import summaries
from quizapp.extensions import db
from quizapp.models import ClassInstructor, Classroom, Enrolment, Role, User

# No 0/O, 1/I/L, so a code read aloud or from a projector is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # 31**10 ≈ 8 × 10¹⁴ codes; joining is rate-limited too
CODE_GROUP = 5


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def display_code(code: str) -> str:
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def normalise_code(typed: str) -> str:
    """What a learner typed, as stored: case, spaces and dashes do not matter."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def create_classroom(name: str, instructor: User) -> tuple[Classroom, bool]:
    """The instructor's class of this name, and whether it is new: a double click
    finds the class the first click made."""
    classroom = Classroom(name=name.strip(), instructor=instructor, join_code=new_join_code())
    try:
        with db.session.begin_nested():
            db.session.add(classroom)
    except IntegrityError:
        return _classroom_named(name, instructor), False
    return classroom, True


def _classroom_named(name: str, instructor: User) -> Classroom:
    return db.session.scalars(
        select(Classroom).where(
            Classroom.instructor_id == instructor.id, Classroom.name == name.strip()
        )
    ).one()


def regenerate_code(classroom: Classroom) -> None:
    """A new code; the old one stops working at once (members stay)."""
    check_changeable(classroom)
    classroom.join_code = new_join_code()


def set_joining(classroom: Classroom, is_open: bool) -> None:
    check_changeable(classroom)
    classroom.joining_open = is_open


def open_classroom(code: str) -> Classroom | None:
    """The class a code opens, if joining it is allowed (open and not archived)."""
    return db.session.scalar(
        select(Classroom).where(
            Classroom.join_code == normalise_code(code),
            Classroom.joining_open.is_(True),
            Classroom.archived_at.is_(None),
        )
    )


class ClassroomArchived(Exception):
    """A change to an archived class: refused (409) until it is restored."""

    def __init__(self, classroom: Classroom) -> None:
        super().__init__(f"{classroom.name} is archived: restore it to change it.")


def teaching(user_id: int) -> ColumnElement[bool]:
    """SQL condition: the class is one this user teaches, as owner or co-instructor.

    The one access rule for classes: every class page, list and report filters with it.
    """
    return or_(
        Classroom.instructor_id == user_id,
        Classroom.id.in_(
            select(ClassInstructor.classroom_id).where(ClassInstructor.instructor_id == user_id)
        ),
    )


def taught_classroom(classroom_id: int, user: User) -> Classroom | None:
    """The class if this user teaches it; None for anyone else's (or no) class."""
    if user.role is not Role.INSTRUCTOR:
        return None
    return db.session.scalar(
        select(Classroom).where(Classroom.id == classroom_id, teaching(user.id))
    )


def owns(classroom: Classroom, user: User) -> bool:
    return classroom.instructor_id == user.id


def taught_classrooms(user: User) -> Select[Classroom, int]:
    """The classes a user teaches with their number of learners, newest first."""
    return (
        select(Classroom, func.count(Enrolment.learner_id))
        .select_from(Classroom)
        .outerjoin(Enrolment)
        .where(teaching(user.id))
        .group_by(Classroom.id)
        .order_by(Classroom.created_at.desc(), Classroom.id.desc())
    )


def check_changeable(classroom: Classroom) -> None:
    if classroom.archived:
        raise ClassroomArchived(classroom)


def name_taken(name: str, owner_id: int, other_than: int | None = None) -> bool:
    """Whether the owner already has another class of this name (names are per owner)."""
    query = select(Classroom.id).where(
        Classroom.instructor_id == owner_id, Classroom.name == name.strip()
    )
    if other_than is not None:
        query = query.where(Classroom.id != other_than)
    return db.session.scalar(query) is not None


def rename(classroom: Classroom, name: str) -> bool:
    """Rename; False if the owner has another class of this name (two tabs at once)."""
    check_changeable(classroom)
    old = classroom.name
    try:
        with db.session.begin_nested():
            classroom.name = name.strip()
    except IntegrityError:
        classroom.name = old
        return False
    return True


def archive(classroom: Classroom) -> None:
    """Archive: read-only from now on; a second click keeps the first time."""
    if classroom.archived_at is None:
        classroom.archived_at = clock.now()


def restore(classroom: Classroom) -> None:
    classroom.archived_at = None


def remove_learner(classroom: Classroom, learner_id: int) -> bool:
    """Take a learner out of the class; their attempts and reviews stay theirs.

    They can come back only by joining again with the class's code. False if
    they were not in the class (already removed, a second click).
    """
    check_changeable(classroom)
    return _delete_enrolment(classroom.id, learner_id)


def instructor_by_email(email: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.email == User.normalise_email(email), User.role == Role.INSTRUCTOR)
    )


def add_co_instructor(classroom: Classroom, instructor: User) -> bool:
    """Let another instructor teach the class; False if they already do (or own it)."""
    check_changeable(classroom)
    if owns(classroom, instructor):
        return False
    return _insert_once(
        ClassInstructor, {"classroom_id": classroom.id, "instructor_id": instructor.id}
    )


def remove_co_instructor(classroom: Classroom, instructor_id: int) -> bool:
    check_changeable(classroom)
    result = cast(
        "CursorResult[Any]",
        db.session.execute(
            delete(ClassInstructor).where(
                ClassInstructor.classroom_id == classroom.id,
                ClassInstructor.instructor_id == instructor_id,
            )
        ),
    )
    return bool(result.rowcount)


def co_instructors(classroom: Classroom) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(ClassInstructor, ClassInstructor.instructor_id == User.id)
            .where(ClassInstructor.classroom_id == classroom.id)
            .order_by(User.display_name, User.id)
        )
    )


def enrol(classroom: Classroom, learner: User) -> bool:
    """Add the learner; False if they were already a member (two tabs, a double click)."""
    return _insert_once(Enrolment, {"classroom_id": classroom.id, "learner_id": learner.id})


def _insert_once(model: type[Enrolment] | type[ClassInstructor], values: dict[str, int]) -> bool:
    """Insert the row unless its primary key exists; True if this call inserted it."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(model).values(values).on_conflict_do_nothing()
    return db.session.execute(statement.returning(model.classroom_id)).first() is not None


def leave(classroom_id: int, learner: User) -> bool:
    """The learner's own choice: allowed from an archived class too."""
    return _delete_enrolment(classroom_id, learner.id)


def _delete_enrolment(classroom_id: int, learner_id: int) -> bool:
    summaries.forget(learner_id, classroom_id)
    # A DELETE's result is a CursorResult; Session.execute is typed for any statement.
    result = cast(
        "CursorResult[Any]",
        db.session.execute(
            delete(Enrolment).where(
                Enrolment.classroom_id == classroom_id, Enrolment.learner_id == learner_id
            )
        ),
    )
    return bool(result.rowcount)
