"""Error pages in the site's layout, for every status a person can run into."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES: dict[int, tuple[str, str]] = {
    400: ("Bad request", "The request could not be understood. Please check what you sent."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: (
        "Page not found",
        "There is nothing at this address. It may have moved, or the link is wrong.",
    ),
    405: ("Method not allowed", "This page cannot be used that way."),
    409: (
        "Conflict",
        "This change conflicts with the current state. Reload the page and try again.",
    ),
    413: ("Too large", "What you sent is larger than this site accepts."),
    429: ("Too many attempts", "Too many requests in a short time. Wait a minute, then try again."),
    500: (
        "Something went wrong",
        "An unexpected error happened on our side, and this last step was not saved "
        "(everything before it is). Please try again.",
    ),
}

CSRF_MESSAGE = (
    "This form has expired or did not come from this site. Go back, reload the page and try again."
)


def _render(status: int, detail: str | None = None) -> tuple[str, int]:
    title, message = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    return render_template(
        "errors/error.html", status=status, title=title, message=detail or message
    ), status


def _http_error(error: HTTPException) -> tuple[str, int]:
    """The page for the status; a view's own ``abort(code, description=…)`` is shown too."""
    custom = error.description if error.description != type(error).description else None
    return _render(error.code or 500, custom)


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return _render(400, CSRF_MESSAGE)


def _server_error(error: InternalServerError) -> tuple[str, int]:
    return _render(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(HTTPException, _http_error)
