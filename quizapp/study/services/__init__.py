"""Flashcard study, one module per job: ``queue`` (what to study now), ``rating``
(rate and undo), ``settings`` and ``export`` (Anki). The routes and the CLI call
these; the request or command commits (see :mod:`quizapp.database`). Time comes
in as ``now`` (from :func:`quizapp.clock.now` in the views), so tests move the
clock instead of waiting.
"""

from quizapp.study.services.export import write_anki
from quizapp.study.services.queue import (
    CARD_TYPES,
    Counts,
    Scope,
    find_scope,
    new_left_today,
    overview,
    queue,
)
from quizapp.study.services.rating import CardPlace, NotACard, Outcome, last_review, rate, undo
from quizapp.study.services.settings import save_settings, settings_for

__all__ = [
    "CARD_TYPES",
    "CardPlace",
    "Counts",
    "NotACard",
    "Outcome",
    "Scope",
    "find_scope",
    "last_review",
    "new_left_today",
    "overview",
    "queue",
    "rate",
    "save_settings",
    "settings_for",
    "undo",
    "write_anki",
]
