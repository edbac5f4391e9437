"""What the app accepts from a browser before any view (or the CSRF check) reads it.

A few views take whole documents, far more than a form needs anywhere else:
they say so with :func:`takes_documents`, and their limits are set before the
body is parsed. No form field may hold a NUL character: PostgreSQL cannot
store one, and no text a person types contains it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, abort, current_app, request

from quizapp.content.documents import MAX_DOCUMENT_BYTES

View = TypeVar("View", bound=Callable[..., object])
# Room for the other fields of a form that carries a whole document.
_FORM_ROOM = 64 * 1024
NUL_MESSAGE = "A field holds a NUL character, which no text may contain. Remove it and try again."


def takes_documents(view: View) -> View:
    """Mark a view whose form carries a whole document (an upload or pasted text)."""
    view.takes_documents = True  # type: ignore[attr-defined]  # read by _set_limits
    return view


def _set_limits() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "takes_documents", False):
        request.max_content_length = MAX_DOCUMENT_BYTES + _FORM_ROOM
        request.max_form_memory_size = MAX_DOCUMENT_BYTES


def _refuse_nul() -> None:
    if request.method == "POST" and any("\x00" in value for value in request.form.values()):
        abort(400, description=NUL_MESSAGE)


def init_app(app: Flask) -> None:
    """Register before the CSRF check, which is the first to read a form."""
    app.before_request(_set_limits)
    app.before_request(_refuse_nul)
