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

from flask import Flask

from quizapp.bundled import QUESTIONS_DIR
from quizapp.clock import wall_clock

DEFAULTS: dict[str, Any] = {
    # "production" refuses to start without an explicit SECRET_KEY.
    "ENV_NAME": "development",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "LOGIN_RATE_LIMIT": "10 per minute; 50 per hour",
    "PASSWORD_HASH_METHOD": "scrypt",
    "SETUP_TOKEN_MAX_AGE_MINUTES": 60,
    # Number of reverse proxies in front of the app whose X-Forwarded-* to trust.
    "PROXY_COUNT": 0,
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
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app)


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
