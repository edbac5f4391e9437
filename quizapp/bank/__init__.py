"""The question bank: the instructors' browser and editor, loading the bundled
files into the database, imports and exports."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask

from quizapp.security import instructor_required

bp = Blueprint("bank", __name__, url_prefix="/bank")

TYPE_NAMES = {
    "single": "Single answer",
    "multiple": "Multiple answer",
    "truefalse": "True/false",
    "fillin": "Fill-in",
    "numeric": "Numeric",
    "qa": "Flashcard",
    "cloze": "Cloze flashcard",
}
TYPE_HINTS = {
    "single": "One correct option among several.",
    "multiple": "Several correct options; partial credit.",
    "truefalse": "A statement to judge.",
    "fillin": "A short typed answer, with accepted alternatives.",
    "numeric": "A number, with a tolerance and a unit.",
    "qa": "A question on the front, the answer on the back.",
    "cloze": "A sentence with hidden parts to recall.",
}


def answer_text(answer: Any) -> str:
    """A stored answer as a person reads it."""
    if isinstance(answer, bool):
        return "True" if answer else "False"
    if isinstance(answer, list):
        return "; ".join(answer)
    if isinstance(answer, dict):
        tolerance = f" (± {answer['tolerance']:g})" if answer.get("tolerance") else ""
        return f"{answer['value']:g}{tolerance} {answer.get('unit', '')}".strip()
    return str(answer)


@bp.before_request
@instructor_required
def _only_instructors() -> None:
    """One check for the whole blueprint, so a view added later cannot forget it."""


def init_app(app: Flask) -> None:
    from quizapp.bank import routes  # noqa: F401
    from quizapp.bank.cli import bank_cli

    app.register_blueprint(bp)
    app.cli.add_command(bank_cli)
    app.jinja_env.globals.update(type_names=TYPE_NAMES, type_hints=TYPE_HINTS)
    app.jinja_env.filters["answer_text"] = answer_text
