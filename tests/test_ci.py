"""README's first two commands are what CI runs, word for word."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def command_after(text: str, label: str) -> str:
    """The indented command under the paragraph that starts with ``label``."""
    lines = text.splitlines()
    start = next(number for number, line in enumerate(lines) if line.startswith(label))
    return next(line.strip() for line in lines[start:] if line.startswith("    "))


def test_ci_installs_and_tests_as_the_readme_says() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    venv, activate, *install, serve = command_after(readme, "Run it").split(" && ")
    assert (venv, activate, serve) == (
        "python3 -m venv .venv",
        ". .venv/bin/activate",
        "quizapp serve",
    )
    assert "python3 -m venv .venv\n" in ci and ". .venv/bin/activate\n" in ci
    assert f"({' && '.join(install)})\n" in ci
    assert f"({command_after(readme, 'Test it')})\n" in ci
