"""Account lifecycle fixtures: the app's clock in the test's hand, and a real SMTP
server (aiosmtpd, in this process, on a free port) whose inbox the test reads."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from quizapp.extensions import db
from tests.classes.conftest import Classes
from tests.conftest import CSRF_INPUT, Accounts
from tests.quiz.conftest import Quizzes

LINK = re.compile(r"https?://\S+")
BASE_URL = "https://quiz.test"


class Clock:
    """The app's ``CLOCK``: a fixed moment the test moves on."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Inbox:
    """What the SMTP server received, in order; ``wait`` blocks until it arrives."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait(self, count: int = 1) -> list[EmailMessage]:
        with self._arrived:
            assert self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=10), (
                f"{len(self.messages)} of {count} messages arrived"
            )
            return list(self.messages)


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def link_in(message: EmailMessage) -> str:
    """The path of the (first) link in a message, to open with the test client."""
    match = LINK.search(body(message))
    assert match, body(message)
    return "/" + match.group(0).split("/", 3)[3]


def page_text(response: Any) -> str:
    """A page's HTML without its CSRF tokens, which differ per session and second."""
    return CSRF_INPUT.sub("", response.get_data(as_text=True))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def mail_settings(inbox: Inbox) -> dict[str, object]:
    """Settings that send the app's mail to ``inbox``, with links on ``BASE_URL``."""
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": inbox.port,
        "MAIL_USE_TLS": False,
        "MAIL_FROM": "quizapp@example.org",
        "BASE_URL": BASE_URL,
    }


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    """A real SMTP server for this test; the app mails it when the test asks for it."""
    received = Inbox(free_port())
    controller = Controller(received, hostname="127.0.0.1", port=received.port)
    controller.start()
    try:
        yield received
    finally:
        controller.stop()


@pytest.fixture
def app(make_app: Callable[..., Flask], clock: Clock, request: pytest.FixtureRequest) -> Flask:
    """The app on the test's clock; with mail configured when the test takes ``inbox``."""
    mail: dict[str, object] = {}
    if "inbox" in request.fixturenames:
        mail = mail_settings(request.getfixturevalue("inbox"))
    app = make_app(CLOCK=clock, **mail)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def build(app: Flask, accounts: Accounts, bank: object) -> Classes:
    return Classes(app, accounts, Quizzes(app))
