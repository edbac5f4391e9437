"""Configuration: defaults, then environment variables, then a test's mapping.

Settings come from ``QUIZAPP_*`` environment variables through Flask's
``from_prefixed_env`` (``QUIZAPP_SECRET_KEY`` sets ``SECRET_KEY``; values are read
as JSON where they parse, so ``QUIZAPP_SESSION_COOKIE_SECURE=true`` is a bool),
plus the conventional ``DATABASE_URL``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy.engine import make_url

from quizapp.bundled import QUESTIONS_DIR
from quizapp.clock import wall_clock

DEFAULTS: dict[str, Any] = {
    # "production" refuses to start without an explicit SECRET_KEY.
    "ENV_NAME": "development",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # PostgreSQL: plan a statement the app runs again and again once per connection
    # (psycopg prepares it from the fifth run) instead of on every run; see
    # _plan_once. False leaves PostgreSQL's own choice.
    "DATABASE_PLAN_ONCE": True,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # "Keep me signed in" lasts this long (seconds); the server-side session ends with it.
    "REMEMBER_COOKIE_DURATION": 30 * 24 * 3600,
    # A session without "keep me signed in" ends after this long unused.
    "SESSION_IDLE_MINUTES": 12 * 60,
    "WTF_CSRF_TIME_LIMIT": None,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # Refused attempts only (quizapp.auth.limits): wrong passwords per account from
    # new devices and per known device, wrong join codes per learner...
    "LOGIN_RATE_LIMIT": "10 per minute; 50 per hour",
    # ...and per network address (a school's pupils share one).
    "ADDRESS_RATE_LIMIT": "20 per minute; 100 per hour",
    # Every attempt: registrations per address; per email address, requests that may
    # mail it (reset links, and registrations while mail is configured).
    "REGISTER_RATE_LIMIT": "60 per hour; 300 per day",
    "RECOVERY_RATE_LIMIT": "5 per hour",
    "PASSWORD_HASH_METHOD": "scrypt",
    "SETUP_TOKEN_MAX_AGE_MINUTES": 60,
    # Password reset links and registration confirmations (quizapp.account).
    "PASSWORD_RESET_MAX_AGE_MINUTES": 60,
    # Outgoing mail: none is sent while MAIL_SERVER is empty (QUIZAPP_MAIL_SERVER=...).
    "MAIL_SERVER": "",
    "MAIL_PORT": 587,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_USE_TLS": True,
    "MAIL_FROM": "",
    # Who people without a class ask for a password reset link when no mail is sent
    # (an email address, a phone number, a help desk): shown on the forgot page.
    "SUPPORT_CONTACT": "",
    # The site's address as people open it (https://quiz.example.org): every emailed
    # link is built from it, never from the Host a request names. Required with mail.
    "BASE_URL": "",
    # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust.
    "PROXY_COUNT": 0,
    # Trust their X-Forwarded-Host too: only when the proxy sets it itself.
    "PROXY_TRUSTS_HOST": False,
    # What time it is: every service asks quizapp.clock.now(), which calls this.
    "CLOCK": wall_clock,
    "BANK_PATH": str(QUESTIONS_DIR),
}


def database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at psycopg 3, the driver the project installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def configure(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
        Path(app.instance_path) / "quizapp.db"
    )
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config.from_prefixed_env("QUIZAPP")
    if overrides:
        app.config.from_mapping(overrides)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    _plan_once(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app)
    _check_base_url(app)


def _plan_once(app: Flask) -> None:
    """Have PostgreSQL keep one (generic) plan per prepared statement.

    The study page's statements took longer to plan than to run (the tally: 2.4 ms
    planning, 1.4 ms running): PostgreSQL re-plans a prepared statement for each
    run while it guesses that plans for the given values beat a generic one. The
    app's statements look up one learner's rows by indexed keys, where the generic
    plan is the same plan; forcing it halved the database's CPU for a study page.
    """
    uri = str(app.config["SQLALCHEMY_DATABASE_URI"])
    if not (uri.startswith("postgresql") and app.config["DATABASE_PLAN_ONCE"]):
        return
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    connect_args = dict(options.get("connect_args", {}))
    # connect_args replaces the URL's own ?options= (a search_path, say): keep both.
    given = connect_args.get("options") or make_url(uri).query.get("options") or ""
    connect_args["options"] = f"{given} -c plan_cache_mode=force_generic_plan".strip()
    options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _check_base_url(app: Flask) -> None:
    """Mail needs the site's own address: a link built from the request's Host
    header would send a reset token to whichever host an attacker names."""
    base = str(app.config["BASE_URL"] or "")
    parts = urlsplit(base)
    if base and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise RuntimeError(
            f"QUIZAPP_BASE_URL={base!r} is not a site address; write it as "
            "https://quiz.example.org (with a path when the app is not at the root)."
        )
    if app.config["MAIL_SERVER"] and not base:
        raise RuntimeError(
            "QUIZAPP_MAIL_SERVER is set but QUIZAPP_BASE_URL is not. Emailed links are "
            "built from the site's own address, never from the request: set "
            "QUIZAPP_BASE_URL=https://quiz.example.org (the address people open)."
        )


def _instance_secret_key(app: Flask) -> str:
    """Keep a generated key in the instance folder so a first run needs no setup.

    Every worker of one installation reads the same file, so sessions survive
    restarts. A production deployment must say its key explicitly instead.
    """
    if app.config["ENV_NAME"] == "production":
        raise RuntimeError(
            "QUIZAPP_SECRET_KEY is not set. In production the secret key must come from "
            "the environment, e.g. QUIZAPP_SECRET_KEY=$(python -c 'import secrets; "
            "print(secrets.token_hex(32))')."
        )
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
