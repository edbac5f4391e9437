"""Typed access to WTForms fields, where its stubs and its runtime part ways.

types-WTForms describes WTForms 3.2: a field's ``data`` may be None, and ``errors``
is a read-only sequence. After ``validate_on_submit()`` a required field holds a
value and each field's errors are a fresh list; these helpers say so once, checked.
WTForms 3.3's ``SelectChoice`` is not in the stubs yet: import it from here, so the
ignore lives in one place (mypy reports it unused once the stubs catch up).
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from wtforms import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3
from wtforms.fields import Field, TextAreaField

from quizapp.content.text import unix_lines

__all__ = ["SelectChoice", "TextArea", "add_error", "lines_of", "required"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class _Holding(Protocol[T_co]):
    @property
    def data(self) -> T_co | None: ...


def required(field: _Holding[T]) -> T:
    """The data of a field whose validators require it (DataRequired, InputRequired),
    read after the form validated: None then is a mistake in the form, not bad input."""
    data = field.data
    if data is None:
        raise LookupError("a required field has no data: read it after validation")
    return data


def lines_of(text: str | None) -> list[str]:
    """The non-blank lines of a one-entry-per-line textarea, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def add_error(field: Field, message: str) -> None:
    """Show ``message`` under ``field``: what a service refused after the form validated."""
    field.errors = [*field.errors, message]


class TextArea(TextAreaField):
    """A textarea whose line breaks are stored as ``\n``: browsers send ``\r\n``
    (as HTML says), files hold ``\n``, and the same text must compare equal, or a
    re-import of an exported item would make a version of whitespace."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = unix_lines(self.data)
