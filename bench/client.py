"""A small HTTP client for the benchmark: cookies, forms and sign-in, standard library only.

A :class:`Session` is one signed-in person (their cookies) talking over one
connection. gunicorn's sync workers close the connection after every response,
so ``http.client`` simply opens a new one for the next request, as a browser would.
"""

from __future__ import annotations

import html
import http.client
import re
from dataclasses import dataclass, field
from typing import Protocol, TypeVar
from urllib.parse import urlencode, urlsplit

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
CONTROL = re.compile(r"<(input|button)\b([^>]*)>", re.S | re.I)
ATTRIBUTE = re.compile(r'([A-Za-z_:][-\w:.]*)(?:\s*=\s*"([^"]*)")?')
LINK = re.compile(r'<a\b[^>]*\bhref="([^"]+)"[^>]*>\s*([^<]*?)\s*</a>', re.S | re.I)

Fields = dict[str, str | list[str]]


class SetupError(Exception):
    """Something before the timed window failed (sign-in, a page without its form)."""


def attributes(text: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value or "") for name, value in ATTRIBUTE.findall(text)}


@dataclass
class Form:
    """A form as a browser sees it: its attributes, and its inputs and buttons in order."""

    attrs: dict[str, str]
    controls: list[dict[str, str]] = field(default_factory=list)

    @property
    def action(self) -> str | None:
        return self.attrs.get("action")

    def hidden(self) -> dict[str, str]:
        return {
            control["name"]: control.get("value", "")
            for control in self.controls
            if control.get("type") == "hidden" and "name" in control
        }

    def named(self, name: str) -> list[dict[str, str]]:
        return [control for control in self.controls if control.get("name") == name]


def forms(page: str) -> list[Form]:
    found = []
    for head, body in FORM.findall(page):
        controls = []
        for tag, text in CONTROL.findall(body):
            control = attributes(text)
            control.setdefault("type", "submit" if tag.lower() == "button" else "text")
            controls.append(control)
        found.append(Form(attributes(head), controls))
    return found


def links(page: str) -> list[tuple[str, str]]:
    """Every ``<a href>`` with its text: (href, text)."""
    return [(html.unescape(href), html.unescape(text)) for href, text in LINK.findall(page)]


def local_path(location: str) -> str:
    """The path and query of a redirect's ``Location``, absolute or not."""
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Reply:
    status: int
    location: str
    text: str


class Session:
    """One person's cookies over one connection to the app."""

    def __init__(self, host: str, port: int, timeout: float = 60.0) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: Fields | None = None) -> Reply:
        """Send one request; never follows a redirect.

        Raises:
            OSError, http.client.HTTPException: when the connection fails.
        """
        headers = {"Accept": "text/html,application/json", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        if response.will_close:
            self.connection.close()
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        return Reply(
            response.status,
            local_path(response.headers.get("Location", "")),
            data.decode("utf-8", "replace"),
        )

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            pair, *options = header.split(";")
            name, _, value = pair.strip().partition("=")
            expired = any(
                option.strip().lower() in ("max-age=0", "expires=thu, 01 jan 1970 00:00:00 gmt")
                for option in options
            )
            if expired:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def close(self) -> None:
        self.connection.close()


class Browser(Protocol):
    """What a journey talks to: an HTTP :class:`Session`, or the app in this process."""

    def request(self, method: str, path: str, form: Fields | None = None) -> Reply: ...

    def close(self) -> None: ...


B = TypeVar("B", bound=Browser)


def sign_in(host: str, port: int, email: str, password: str) -> Session:
    """A session signed in through the login form, as a person would.

    Raises:
        SetupError: when the form is missing or the account is refused.
    """
    return log_in(Session(host, port), email, password)


def log_in(session: B, email: str, password: str) -> B:
    """Sign ``session`` in through the login form (see :func:`sign_in`)."""
    page = session.request("GET", "/auth/login")
    csrf = next(
        (f.hidden()["csrf_token"] for f in forms(page.text) if "csrf_token" in f.hidden()), None
    )
    if page.status != 200 or csrf is None:
        raise SetupError(f"GET /auth/login answered {page.status} without a sign-in form")
    reply = session.request(
        "POST", "/auth/login", {"email": email, "password": password, "csrf_token": csrf}
    )
    if reply.status != 302 or reply.location.startswith("/auth/login"):
        raise SetupError(f"signing in as {email} answered {reply.status} {reply.location!r}")
    return session
