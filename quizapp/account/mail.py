"""Outgoing mail through the standard library's ``smtplib``.

The standard library rather than Flask-Mail: the app sends a handful of plain
text messages, ``smtplib`` and ``email.message`` do that completely, and there
is no extra package to install, pin and keep up to date in a hospital network.

Messages are handed to the SMTP server on a background thread, so a page that
mails someone does not wait for the mail server: its answer takes roughly as
long as one that sends nothing. Roughly: writing the link's row and rendering
the message still take a few milliseconds more, which blurs the difference
without hiding it (the per-address limits bound how often anyone can measure).
"""

from __future__ import annotations

import logging
import smtplib
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app, render_template

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    username: str
    password: str
    use_tls: bool


def configured() -> bool:
    """True when the operator set ``QUIZAPP_MAIL_SERVER``: the email flows are on."""
    return bool(current_app.config["MAIL_SERVER"])


def link(endpoint: str, **values: object) -> str:
    """An absolute link for a message, on ``QUIZAPP_BASE_URL`` (required with mail,
    see ``quizapp.config``): never on the Host header of the request that sent it."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def send(to: str, subject: str, template: str, **context: object) -> None:
    """Mail ``template`` (plain text, rendered now) to ``to`` in the background."""
    config = current_app.config
    server = Server(
        config["MAIL_SERVER"],
        int(config["MAIL_PORT"]),
        config["MAIL_USERNAME"],
        config["MAIL_PASSWORD"],
        bool(config["MAIL_USE_TLS"]),
    )
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"] or f"quizapp <no-reply@{server.host}>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(render_template(template, **context))
    threading.Thread(target=deliver, args=(server, message), daemon=True).start()


def deliver(server: Server, message: EmailMessage) -> None:
    """Hand one message to the SMTP server; a failure is logged, never shown to the
    visitor (the page says the same whether or not a message went out)."""
    try:
        with smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS) as smtp:
            if server.use_tls:
                smtp.starttls()
            if server.username:
                smtp.login(server.username, server.password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("Could not send mail through %s:%s", server.host, server.port)
