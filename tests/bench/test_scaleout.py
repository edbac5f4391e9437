"""Two app instances behind haproxy, on one PostgreSQL database and one Redis, as
bench/README.md deploys them: what one instance knows, the other knows too.

Each instance is a real gunicorn started by the benchmark's own code (bench/stack.py),
each test talks to the instances directly (to say which one answers) and through the
proxy, as a browser would.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests._requirements import missing, postgres_only
from tests.conftest import at_the_same_moment

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))  # the benchmark's modules import one another by name

from client import Session, forms, sign_in  # noqa: E402
from stack import HAPROXY, Gunicorn, HAProxy, Redis, postgres_admin  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.postgres]  # about 40 s

HOST = "127.0.0.1"
PASSWORD = secrets.token_urlsafe(12)
WRONG = "not the password at all"
GUESSES = 3  # refused sign-ins allowed per account a minute, in this deployment
STUDY = "/study/decks/leukopenia"


@dataclass
class Deployment:
    first: int  # each instance's own port
    second: int
    proxy: int
    database_url: str


def learner(number: int) -> str:
    return f"learner{number}@bench.example.com"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    postgres_only()
    for binary in (HAPROXY, "/usr/bin/redis-server"):
        if not Path(binary).exists():
            missing(f"{binary} is not installed (apt-get install haproxy redis-server)")
    parts = urlsplit(os.environ["TEST_DATABASE_URL"].replace("+psycopg", ""))
    server = urlunsplit(("postgresql", parts.netloc, "/", "", ""))
    name = f"quizapp_scaleout_{os.getpid()}"
    url = urlunsplit(("postgresql", parts.netloc, f"/{name}", "", ""))
    folder = tmp_path_factory.mktemp("scaleout")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "QUIZAPP_SECRET_KEY": secrets.token_hex(32),
        "QUIZAPP_ENV_NAME": "production",
        "QUIZAPP_BENCH_PASSWORD": PASSWORD,
        "QUIZAPP_LOGIN_RATE_LIMIT": f"{GUESSES} per minute",
    }
    with postgres_admin(server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(
            [sys.executable, "-m", "bench.seed", "--learners", "6", "--reviews", "60"]
            + ["--attempts", "6", "--class-size", "3", "--questions", "10"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        with ExitStack() as stack:
            redis = stack.enter_context(Redis(folder))
            env |= {"QUIZAPP_RATELIMIT_STORAGE_URI": redis.url, "QUIZAPP_PROXY_COUNT": "1"}
            first = stack.enter_context(Gunicorn(1, env, folder / "first.log"))
            second = stack.enter_context(Gunicorn(1, env, folder / "second.log"))
            proxy = stack.enter_context(HAProxy(folder, {"both": [first.port, second.port]}))
            yield Deployment(first.port, second.port, proxy.port["both"], url)
    finally:
        with postgres_admin(server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def on(port: int, cookies: dict[str, str]) -> Session:
    """A browser tab on one instance that shares ``cookies`` with the others."""
    session = Session(HOST, port)
    session.cookies = cookies
    return session


def test_a_sign_in_on_one_instance_is_valid_on_the_other(deployment: Deployment) -> None:
    signed = sign_in(HOST, deployment.first, learner(1), PASSWORD)
    other, stranger = on(deployment.second, signed.cookies), Session(HOST, deployment.second)
    proxied = on(deployment.proxy, signed.cookies)
    try:
        page = other.request("GET", "/auth/password")
        assert page.status == 200 and "Change password" in page.text
        assert stranger.request("GET", "/auth/password").location.startswith("/auth/login")
        # Round robin: four pages through the proxy reach both instances.
        assert [proxied.request("GET", STUDY).status for _ in range(4)] == [200] * 4
    finally:
        for session in (signed, other, stranger, proxied):
            session.close()


def test_refused_sign_ins_count_across_instances(deployment: Deployment) -> None:
    cookies: dict[str, str] = {}
    first, second = on(deployment.first, cookies), on(deployment.second, cookies)
    try:
        page = first.request("GET", "/auth/login")
        csrf = next(f.hidden()["csrf_token"] for f in forms(page.text) if f.hidden())
        attempt = {"email": learner(2), "password": WRONG, "csrf_token": csrf}
        tabs = [first, second, first]
        refused = [tab.request("POST", "/auth/login", attempt).status for tab in tabs]
        assert 429 not in refused and all(400 <= status < 500 for status in refused)
        # Each instance saw at most two of the three: only a shared count stops the fourth.
        assert second.request("POST", "/auth/login", attempt).status == 429
        assert first.request("POST", "/auth/login", attempt).status == 429
    finally:
        first.close()
        second.close()


def ratings(url: str, email: str) -> int:
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT count(*) FROM review_log JOIN user_account ON user_account.id ="
            " review_log.user_id WHERE user_account.email = %s",
            (email,),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_one_rating_sent_to_both_instances_at_once_counts_once(deployment: Deployment) -> None:
    signed = sign_in(HOST, deployment.first, learner(3), PASSWORD)
    page = signed.request("GET", STUDY)
    # Two tabs with the same cookies (the page's CSRF token among them), one per instance.
    first = on(deployment.first, dict(signed.cookies))
    second = on(deployment.second, dict(signed.cookies))
    try:
        form = next(f for f in forms(page.text) if f.attrs.get("id") == "study-rate")
        rating = {**form.hidden(), "rating": "3"}
        action = form.action or f"{STUDY}/review"
        before = ratings(deployment.database_url, learner(3))
        replies = at_the_same_moment(
            lambda: first.request("POST", action, rating),
            lambda: second.request("POST", action, rating),
        )
        assert [reply.status for reply in replies] == [303, 303]
        assert ratings(deployment.database_url, learner(3)) == before + 1
    finally:
        for session in (signed, first, second):
            session.close()
