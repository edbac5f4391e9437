"""The class a request may use, by the one rule of :func:`services.teaching`:
404 when the user does not teach it (as if it did not exist), 403 when only its
owner may do this."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from quizapp.classes import services
from quizapp.models import Classroom


def classroom_or_404(classroom_id: int) -> Classroom:
    """A class the signed-in instructor teaches (owner or co-instructor)."""
    classroom = services.taught_classroom(classroom_id, current_user)
    if classroom is None:
        abort(404)
    return classroom


def owned_classroom_or_403(classroom_id: int) -> Classroom:
    """A class the signed-in instructor owns; a co-instructor gets 403."""
    classroom = classroom_or_404(classroom_id)
    if not services.owns(classroom, current_user):
        abort(403, description="Only the class's owner can do this.")
    return classroom
