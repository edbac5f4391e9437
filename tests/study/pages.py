"""Pages as a person sees them: the visible text (not what ``hidden`` hides), the
forms with their fields and buttons, and a learner working through the study page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask.testing import FlaskClient

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Form:
    action: str
    method: str
    hidden: bool
    fields: dict[str, str] = field(default_factory=dict)
    # button label -> (name, value)
    buttons: dict[str, tuple[str, str]] = field(default_factory=dict)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hidden_stack: list[bool] = []
        self.text: list[str] = []
        self.forms: dict[str, Form] = {}
        self.form: Form | None = None
        self.button: tuple[str, str, list[str]] | None = None

    @property
    def hidden(self) -> bool:
        return bool(self.hidden_stack) and self.hidden_stack[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        hidden = self.hidden or "hidden" in found or tag in ("script", "style")
        if tag == "form":
            self.form = Form(found.get("action", ""), found.get("method", "get"), hidden)
            self.forms[found.get("id", f"form-{len(self.forms)}")] = self.form
        elif tag == "input" and self.form is not None and "name" in found:
            self.form.fields[found["name"]] = found.get("value", "")
        elif tag == "button":
            self.button = (found.get("name", ""), found.get("value", ""), [])
        if tag not in VOID:
            self.hidden_stack.append(hidden)

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self.button is not None and self.form is not None:
            name, value, words = self.button
            self.form.buttons[" ".join("".join(words).split())] = (name, value)
            self.button = None
        elif tag == "form":
            self.form = None
        if tag not in VOID and self.hidden_stack:
            self.hidden_stack.pop()

    def handle_data(self, data: str) -> None:
        if self.button is not None:
            self.button[2].append(data)
        if not self.hidden:
            self.text.append(data)


@dataclass
class Page:
    status: int
    html: str
    text: str
    forms: dict[str, Form]

    @classmethod
    def read(cls, status: int, html: str) -> Page:
        reader = _Reader()
        reader.feed(html)
        return cls(status, html, " ".join(" ".join(reader.text).split()), reader.forms)

    def counts(self) -> tuple[int, int, int]:
        """(new, learning, due) as the study page shows them."""
        found = re.search(r"New (\d+) Learning (\d+) Due (\d+)", self.text)
        assert found, f"no counts on the page: {self.text[:300]}"
        new, learning, due = found.groups()
        return int(new), int(learning), int(due)

    def visible_form(self, form_id: str) -> Form:
        form = self.forms.get(form_id)
        assert form is not None and not form.hidden, f"no visible form {form_id!r}"
        return form


class StudyPage:
    """A learner on the study page, using the plain forms (no JavaScript)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.page: Page | None = None

    def open(self, url: str = "/study/decks/hand-hygiene") -> Page:
        response = self.client.get(url)
        self.page = Page.read(response.status_code, response.get_data(as_text=True))
        return self.page

    def show_answer(self) -> Page:
        assert self.page is not None
        form = self.page.visible_form("study-reveal")
        name, value = form.buttons["Show answer"]
        response = self.client.get(form.action, query_string={**form.fields, name: value})
        self.page = Page.read(response.status_code, response.get_data(as_text=True))
        return self.page

    def submit(self, form: Form, button: str) -> Page:
        """Press a button of a form: of the current page or one kept from before (a stale tab)."""
        name, value = next(pair for label, pair in form.buttons.items() if label.startswith(button))
        data = {**form.fields, name: value} if name else form.fields
        response = self.client.post(form.action, data=data, follow_redirects=True)
        self.page = Page.read(response.status_code, response.get_data(as_text=True))
        return self.page

    def rate(self, rating: str) -> Page:
        """Show the answer if needed, then press Again, Hard, Good or Easy."""
        assert self.page is not None
        if self.page.forms["study-rate"].hidden:
            self.show_answer()
        assert self.page is not None
        return self.submit(self.page.visible_form("study-rate"), rating)

    def undo(self) -> Page:
        assert self.page is not None
        return self.submit(self.page.visible_form("study-undo"), "Undo last rating")
