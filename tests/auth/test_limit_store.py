"""The limit store (Redis) going away: sign-in keeps working, limited in-process.

These tests start their own ``redis-server`` on a free port and kill it for
real; they skip where the binary is missing.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask, Response, request

from quizapp.extensions import db
from tests._requirements import missing
from tests.conftest import Accounts

WRONG = "not the password at all"
FALLBACK_WARNING = "falling back to in-memory storage"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A redis-server of this test's own, in a temporary folder."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(binary).exists():
            missing("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(folder),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.kill()
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)

    def keys(self) -> list[bytes]:
        return list(redis.Redis.from_url(self.url).keys("*"))

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    yield server
    server.kill()


@pytest.fixture
def app_on(make_app: Callable[..., Flask]) -> Callable[[str], Flask]:
    def build(storage_uri: str) -> Flask:
        app = make_app(RATELIMIT_STORAGE_URI=storage_uri)
        with app.app_context():
            db.create_all()
        return app

    return build


def test_sign_in_goes_on_when_redis_is_killed_and_limits_apply_in_process(
    app_on: Callable[[str], Flask],
    redis_server: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = app_on(redis_server.url)
    accounts = Accounts(app)
    learner = accounts.create()
    assert accounts.login(app.test_client(), learner.email, password=WRONG).status_code == 400
    assert redis_server.keys(), "the failure was not counted in Redis"
    assert accounts.login(app.test_client(), learner.email).status_code == 302

    redis_server.kill()
    with caplog.at_level(logging.WARNING):
        assert accounts.login(app.test_client(), learner.email).status_code == 302
    assert FALLBACK_WARNING in caplog.text

    attacker = app.test_client()
    statuses = [
        accounts.login(attacker, learner.email, password=WRONG).status_code for _ in range(11)
    ]
    assert statuses == [400] * 10 + [429]


def test_redis_killed_while_a_refused_sign_in_is_counted(
    app_on: Callable[[str], Flask], redis_server: RedisServer
) -> None:
    """The count of a refused attempt is added after the page is made: the store
    dying just then still gives the person the form again, not a 500."""
    app = app_on(redis_server.url)
    accounts = Accounts(app)
    learner = accounts.create()

    @app.after_request  # runs before the limiter's own after_request
    def kill_redis(response: Response) -> Response:
        if request.method == "POST":
            redis_server.kill()
        return response

    assert accounts.login(app.test_client(), learner.email, password=WRONG).status_code == 400
    assert accounts.login(app.test_client(), learner.email).status_code == 302


def test_sign_in_works_when_no_redis_answers_from_the_start(
    app_on: Callable[[str], Flask],
) -> None:
    app = app_on(f"redis://127.0.0.1:{free_port()}/0")
    accounts = Accounts(app)
    learner = accounts.create()
    assert accounts.login(app.test_client(), learner.email).status_code == 302
