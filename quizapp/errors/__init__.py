"""Error pages in the site's layout, for every status a person can run into."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from quizapp.auth.limits import too_many_requests
from quizapp.extensions import login_manager

# What SQLAlchemy raises when the database cannot be reached or answered: a server
# that is down or restarting, a dropped connection, a missing SQLite file, a full pool.
DATABASE_UNAVAILABLE = (OperationalError, DisconnectionError, PoolTimeoutError)
RETRY_AFTER_SECONDS = 30

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
    503: (
        "Temporarily unavailable",
        "The site cannot reach its database just now, so this last step was not saved. "
        "Please try again in a minute.",
    ),
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


def _database_unavailable(error: Exception) -> tuple[str, int, dict[str, str]]:
    """A 503 in the site's layout, rendered without the database.

    The layout shows the account menu from ``current_user``, which would be
    looked up (or, after a rollback, reloaded) from the unreachable database, so
    the page shows the menu of a visitor who is not signed in.
    """
    # The first line names the fault; the rest (the SQL and its values) may hold personal data.
    first_line = next(iter(str(error).splitlines()), "")
    current_app.logger.error("Database unavailable: %s %s", type(error).__name__, first_line)
    g._login_user = login_manager.anonymous_user()
    page, status = _render(503)
    return page, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _server_error(error: InternalServerError) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    """The 500 page; a failure to reach the database outside a view (the commit
    after it, say) is the 503 page instead."""
    if isinstance(error.original_exception, DATABASE_UNAVAILABLE):
        return _database_unavailable(error.original_exception)
    return _render(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(InternalServerError, _server_error)
    for unavailable in DATABASE_UNAVAILABLE:
        app.register_error_handler(unavailable, _database_unavailable)
    app.register_error_handler(429, too_many_requests)  # says when to try again
    app.register_error_handler(HTTPException, _http_error)
