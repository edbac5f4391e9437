"""The content pipeline stays pure (no Flask, no database): the CLI, app and tests share it."""

from __future__ import annotations

import ast
from pathlib import Path

import quizapp.content

PACKAGE = Path(quizapp.content.__file__).parent
FORBIDDEN = (
    "flask",
    "flask_sqlalchemy",
    "flask_login",
    "flask_wtf",
    "sqlalchemy",
    "alembic",
    "werkzeug",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    names |= {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and not node.level
    }
    return names


def test_the_content_package_imports_no_flask_and_no_database_code() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            assert top not in FORBIDDEN, f"{path.name} imports {module}"
            assert not module.startswith("quizapp.") or module.startswith("quizapp.content"), (
                f"{path.name} imports {module}"
            )
