"""Join codes and memberships: the rules shared by the class pages."""

from __future__ import annotations

import secrets
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import Classroom, Enrolment, User

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
    classroom.join_code = new_join_code()


def open_classroom(code: str) -> Classroom | None:
    """The class a code opens, if joining it is allowed."""
    return db.session.scalar(
        select(Classroom).where(
            Classroom.join_code == normalise_code(code), Classroom.joining_open.is_(True)
        )
    )


def enrol(classroom: Classroom, learner: User) -> bool:
    """Add the learner; False if they were already a member (two tabs, a double click)."""
    values = {"classroom_id": classroom.id, "learner_id": learner.id}
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(Enrolment).values(values).on_conflict_do_nothing()
    return db.session.execute(statement.returning(Enrolment.learner_id)).first() is not None


def leave(classroom_id: int, learner: User) -> bool:
    # A DELETE's result is a CursorResult; Session.execute is typed for any statement.
    result = cast(
        "CursorResult[Any]",
        db.session.execute(
            delete(Enrolment).where(
                Enrolment.classroom_id == classroom_id, Enrolment.learner_id == learner.id
            )
        ),
    )
    return bool(result.rowcount)
