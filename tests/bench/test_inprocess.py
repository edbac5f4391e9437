"""``bench/inprocess.py`` at a tiny size: on a database ``bench.seed`` filled, each
journey it measures runs without an error and reports its CPU and statements."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator

import psycopg
import pytest

from tests.bench.test_run import ROOT, postgres_server

PASSWORD = "a bench password for tests"
REPORT = re.compile(
    r"(\w+): 6 requests, ([\d.]+) ms CPU per request "
    r"\(app ([\d.]+) \+ database ([\d.]+)\), ([\d.]+) SQL statements per request, 0 errors"
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def run(*args: str, url: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "QUIZAPP_BENCH_PASSWORD": PASSWORD}
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def seeded() -> Iterator[str]:
    server = postgres_server()
    name = f"inprocess_{secrets.token_hex(4)}"
    with psycopg.connect(server + "postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = f"{server}{name}"
    try:
        sizes = ["--learners", "12", "--reviews", "600", "--attempts", "24"]
        run("-m", "bench.seed", *sizes, "--class-size", "6", "--questions", "20", url=url)
        yield url
    finally:
        with psycopg.connect(server + "postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.mark.parametrize("journey", ["floor", "study", "quiz", "dashboard", "class"])
def test_a_journey_reports_its_cpu_and_statements(seeded: str, journey: str) -> None:
    output = run("bench/inprocess.py", journey, "--requests", "6", "--rotation", "3", url=seeded)
    found = REPORT.search(output)
    assert found, output
    name, _total, app_ms, _database_ms, statements = found.groups()
    assert name == journey
    assert float(app_ms) > 0  # the database's share is in /proc ticks: 0 at this size
    # Every journey's pages read the session's account; none needs a query per row.
    assert 1 <= float(statements) <= 10
