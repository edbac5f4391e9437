"""The question bank: loading the bundled files into the database, and exports."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from quizapp.bank.cli import bank_cli

    app.cli.add_command(bank_cli)
