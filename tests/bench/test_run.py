"""The load benchmark, run for real at a tiny size: it seeds, starts gunicorn, drives
every journey with signed-in clients, prints its report and cleans up after itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests._requirements import postgres_only

ROOT = Path(__file__).resolve().parents[2]
TINY = [
    "--quick",
    *("--learners", "40", "--reviews", "400", "--small-reviews", "40", "--attempts", "40"),
    *("--clients", "2", "--class-clients", "1,2", "--duration", "2", "--warmup", "0"),
]
JOURNEYS = {"bare", "floor", "study", "quiz", "dashboard", "class"}
OPEN = ["--mode", "open", "--open-learners", "2,4", "--interval", "1", "--open-duration", "2"]

pytestmark = pytest.mark.slow  # about 30 s on SQLite, 45 s on PostgreSQL; each mode as long


def run_bench(tmp_path: Path, *args: str) -> tuple[str, dict[str, Any]]:
    figures = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), *TINY, "--json", str(figures), *args],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout, json.loads(figures.read_text())


def check_report(output: str, document: dict[str, Any], backend: str) -> dict[str, Any]:
    """What a person running the benchmark looks at: every journey ran without error,
    the table, the memory line, the history comparison and the verdicts."""
    (result,) = document["backends"]
    assert result["backend"] == backend
    big, small = result["big"], result["small"]
    assert {row["journey"] for row in big} == JOURNEYS
    assert [(row["journey"], row["clients"]) for row in big if row["journey"] == "class"] == [
        ("class", 1),
        ("class", 2),
    ]
    assert {row["journey"] for row in small} == {"bare", "study"}
    for row in big + small:
        assert row["failed"] is None, row
        assert row["crashed"] == [], row
        assert row["errors"] == 0, (row["label"], row["examples"])
        assert row["requests"] > 0, row["label"]
        assert row["p95_ms"] is not None
        assert row["server_cpu_ms"] > 0, row["label"]  # gunicorn's CPU, read from /proc
        assert row["clients_cpu_ms"] > 0, row["label"]
        roles = {"app", "database"} if backend == "postgresql" else {"app"}
        assert set(row["server_cpu_ms_by_role"]) == roles
    study = next(row for row in big if row["journey"] == "study")
    assert study["steps"]["POST rating"]["requests"] > 0
    quiz = next(row for row in big if row["journey"] == "quiz")
    assert quiz["steps"]["POST answer"]["requests"] > 0
    assert all(mb > 0 for mb in result["memory_big"]["workers_peak_mb"])
    assert len(result["memory_big"]["workers_peak_mb"]) >= 2

    assert "journey" in output and "req/s" in output and "vs bare" in output and "p95 ms" in output
    assert "CPU ms/req" in output and "× bare" in output
    for label in (
        "bare GET /health",
        "signed-in floor GET /auth/password",
        "study loop",
        "quiz answer",
        "learner dashboard",
    ):
        assert label in output
    assert "peak RSS per gunicorn worker" in output
    assert "study loop, 40 vs 400 reviews: p50" in output
    assert "NOT the full-size PostgreSQL run; indicative only." in output
    assert "no worker > 150 MB RSS" in output
    assert len([line for line in output.splitlines() if line.strip()[:4] in ("PASS", "FAIL")]) == 8
    assert document["machine"]["nproc"] >= 1
    return result


def check_open(output: str, document: dict[str, Any]) -> None:
    """The open loop tried each count given, rated cards at each without error, and
    says how many active learners it served per core."""
    (result,) = document["backends"]
    assert [row["learners"] for row in result["steps"]] == [2, 4]
    for row in result["steps"]:
        assert row["failed"] is None and row["crashed"] == [], row
        assert row["errors"] == 0, row["examples"]
        assert row["steps"]["POST rating"]["requests"] > 0
        assert row["ratings_due"] > 0 and row["clients_cpu_cores"] > 0
        if row["served_rps"]:  # none inside a 2 s window only on a machine overloaded
            assert row["server_cpu_ms"] > 0 and row["server_cpu_ms_by_role"]["app"] > 0
    assert result["best"] in (0, 2, 4)
    assert "Largest count served with p95 < 250 ms and no error:" in output
    assert "per core (NOT the full-size run; indicative only)" in output


def test_sqlite_run(tmp_path: Path) -> None:
    output, document = run_bench(tmp_path, "--backend", "sqlite")
    result = check_report(output, document, "sqlite")
    assert result["database"].startswith("SQLite")
    assert not Path(urlsplit(result["database_url"]).path).exists()  # temporary files gone


def test_sqlite_open_loop(tmp_path: Path) -> None:
    output, document = run_bench(tmp_path, "--backend", "sqlite", *OPEN)
    check_open(output, document)


def postgres_server() -> str:
    postgres_only()
    parts = urlsplit(os.environ["TEST_DATABASE_URL"].replace("+psycopg", ""))
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


@pytest.mark.postgres
def test_postgresql_open_loop(tmp_path: Path) -> None:
    server = postgres_server()
    output, document = run_bench(
        tmp_path, "--backend", "postgresql", "--postgres-url", server, *OPEN
    )
    check_open(output, document)
    (result,) = document["backends"]
    assert all(row["server_cpu_ms_by_role"]["database"] >= 0 for row in result["steps"])


@pytest.mark.postgres
def test_postgresql_scale_out(tmp_path: Path) -> None:
    """The same journeys through haproxy to one instance and to two, with the CPU of
    both instances, the database, the proxy and Redis in each request's cost."""
    server = postgres_server()
    output, document = run_bench(
        tmp_path, "--backend", "postgresql", "--postgres-url", server, "--mode", "scaleout"
    )
    (result,) = document["backends"]
    for name in ("one", "two"):
        assert [row["journey"] for row in result[name]] == ["bare", "floor", "study", "quiz"]
        for row in result[name]:
            assert row["failed"] is None and row["errors"] == 0, (row["label"], row["examples"])
            assert row["requests"] > 0
            assert set(row["server_cpu_ms_by_role"]) == {"app", "database", "proxy", "redis"}
    assert "Through haproxy to two app instances:" in output
    assert "Two instances against one:" in output


@pytest.mark.postgres
def test_postgresql_run(tmp_path: Path) -> None:
    server = postgres_server()
    output, document = run_bench(tmp_path, "--backend", "postgresql", "--postgres-url", server)
    result = check_report(output, document, "postgresql")
    assert result["database"].startswith("PostgreSQL")
    name = urlsplit(result["database_url"]).path.lstrip("/")
    with psycopg.connect(os.environ["TEST_DATABASE_URL"].replace("+psycopg", "")) as connection:
        left = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        assert left.fetchone() is None  # the bench database was dropped
