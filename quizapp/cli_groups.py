"""Command groups of ``quizapp``, and commands that run as one unit of work.

An area that owns a group (``quizapp user``, ``quizapp bank``) makes it with
:class:`Group`; a group several areas add to (``quizapp export``) is made here,
per app, by :func:`shared_group`, and each area adds its commands to it in its
own ``init_app``: no command appears because some module happened to be imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from quizapp.database import transactional

SHARED_GROUPS = {"export": "Export decks and progress to files."}


def command(name: str, help: str | None = None) -> Callable[[Callable[..., Any]], click.Command]:
    """A command to add to a group later: inside the app, as one unit of work."""

    def decorator(function: Callable[..., Any]) -> click.Command:
        return click.command(name, help=help)(with_appcontext(transactional(function)))

    return decorator


class Group(AppGroup):
    """An ``AppGroup`` whose commands each commit on success and roll back on error."""

    # Only the decorator-factory form, @group.command("name"), is offered.
    def command(  # type: ignore[override]
        self, *args: Any, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], click.Command]:
        register = super().command(*args, **kwargs)

        def decorator(function: Callable[..., Any]) -> click.Command:
            return register(transactional(function))

        return decorator


def shared_group(app: Flask, name: str) -> click.Group:
    """The app's ``quizapp NAME`` group for commands of several areas, made on first use."""
    found = app.cli.commands.get(name)
    if isinstance(found, click.Group):
        return found
    group = Group(name, help=SHARED_GROUPS[name])
    app.cli.add_command(group)
    return group
