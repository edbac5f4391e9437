"""quizapp: quizzes and spaced-repetition flashcards built from documented facts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from quizapp import (
    account,
    assignments,
    auth,
    bank,
    classes,
    database,
    errors,
    instructor,
    main,
    progress,
    proposals,
    quiz,
    security,
    sources,
    study,
    web,
)
from quizapp.bundled import MIGRATIONS_DIR
from quizapp.config import configure
from quizapp.extensions import csrf, db, limiter, migrate
from quizapp.web import inbound


class DatabaseInt(IntegerConverter):
    """An ``<int:…>`` URL part that fits a database integer; a larger one is a 404,
    not an overflow error from the database."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _untrusted_host(_error: SecurityError) -> tuple[str, int, dict[str, str]]:
    """A Host outside ``TRUSTED_HOSTS``: plain text, since the site's layout cannot
    build a single link for a host it does not serve."""
    return "This site is not served under that host name.", 400, {"Content-Type": "text/plain"}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ``QUIZAPP_*``/``DATABASE_URL``, then ``config``."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = DatabaseInt
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure(app, config)
    app.jinja_env.add_extension("jinja2.ext.do")

    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        # X-Forwarded-Host only when asked: a proxy that passes the client's own
        # header on would let anyone choose the host the app believes it is.
        host = count if app.config["PROXY_TRUSTS_HOST"] else 0
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=host
        )

    app.register_error_handler(SecurityError, _untrusted_host)
    db.init_app(app)
    database.init_app(app)  # first, so its after_request (the commit) runs last
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    inbound.init_app(app)  # before the CSRF check reads the form
    csrf.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    account.init_app(app)
    bank.init_app(app)
    sources.init_app(app)
    proposals.init_app(app)
    classes.init_app(app)
    assignments.init_app(app)
    main.init_app(app)
    instructor.init_app(app)
    quiz.init_app(app)
    study.init_app(app)
    progress.init_app(app)
    errors.init_app(app)
    web.init_app(app)
    return app
