"""Where the migrations and the bundled question bank are, installed or checked out.

Both folders live at the top of the repository and ship inside the wheel as
``quizapp._migrations`` and ``quizapp._questions`` (setup.py); an editable
install maps those names back to the repository's folders. Asking the import
system finds them either way, whatever the working directory.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def folder(package: str) -> Path:
    """The directory of a bundled package, e.g. ``folder("quizapp._questions")``."""
    return Path(str(files(package)))


MIGRATIONS_DIR = folder("quizapp._migrations")
QUESTIONS_DIR = folder("quizapp._questions")
