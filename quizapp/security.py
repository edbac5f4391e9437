"""Response headers that every page carries, and the role check for views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, Response, abort, current_app, g, request, session
from flask_login import current_user

from quizapp.extensions import login_manager
from quizapp.models import Role

P = ParamSpec("P")
R = TypeVar("R")

# Everything is served by the app itself; no inline script, so 'self' is enough.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def role_required(role: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Send anonymous visitors to sign in; answer 403 to a signed-in user of another role."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()  # type: ignore[no-any-return]
            if current_user.role is not role:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


instructor_required = role_required(Role.INSTRUCTOR)


def guessing_limit() -> str:
    """The rate limit for anything that can be guessed: passwords, join codes."""
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def _is_signed_in() -> bool:
    """Whether the response may show a signed-in person's data, without asking the
    database (it may be down while an error page is answered)."""
    user = g.get("_login_user")
    if user is not None:
        return bool(user.is_authenticated)
    return "_user_id" in session


def _no_store_private(response: Response) -> Response:
    """Keep pages with someone's names, results or emails out of browser and proxy
    caches (a shared computer's back button, a school proxy); static files still cache."""
    if request.endpoint != "static" and _is_signed_in():
        response.headers["Cache-Control"] = "no-store"
    return response


def _host_only_cookies(app: Flask) -> None:
    """Behind HTTPS, ``__Host-`` names: browsers then accept these cookies only when
    Secure, for the whole site (Path=/) and this host alone (no Domain), so another
    subdomain or a plain-HTTP page cannot plant or overwrite them."""
    app.config.update(
        REMEMBER_COOKIE_SECURE=True,
        SESSION_COOKIE_NAME="__Host-session",
        REMEMBER_COOKIE_NAME="__Host-remember",
        SESSION_COOKIE_PATH="/",
        REMEMBER_COOKIE_PATH="/",
        SESSION_COOKIE_DOMAIN=None,
        REMEMBER_COOKIE_DOMAIN=None,
    )


def _refuse_nul_bytes() -> None:
    """No text a person types holds a NUL byte, and PostgreSQL refuses to store or
    even compare one: refuse it wherever request text comes from."""
    texts = [request.path]
    for source in (request.args, request.form):
        texts += [value for _, values in source.lists() for value in values]
    if any("\x00" in text for text in texts):
        abort(400)


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul_bytes)
    app.after_request(_add_headers)
    app.after_request(_no_store_private)
    if app.config["SESSION_COOKIE_SECURE"]:
        _host_only_cookies(app)

        @app.after_request
        def _strict_transport(response: Response) -> Response:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            return response
