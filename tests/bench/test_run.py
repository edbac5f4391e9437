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
    *("--clients", "2", "--class-clients", "1,2", "--duration", "1", "--warmup", "0"),
]
JOURNEYS = {"bare", "study", "quiz", "dashboard", "class"}

pytestmark = pytest.mark.slow  # about 25 s on SQLite, 38 s on PostgreSQL


def run_bench(tmp_path: Path, *args: str) -> tuple[str, dict[str, Any]]:
    figures = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), *TINY, "--json", str(figures), *args],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        capture_output=True,
        text=True,
        timeout=240,
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
    study = next(row for row in big if row["journey"] == "study")
    assert study["steps"]["POST rating"]["requests"] > 0
    quiz = next(row for row in big if row["journey"] == "quiz")
    assert quiz["steps"]["POST answer"]["requests"] > 0
    assert all(mb > 0 for mb in result["memory_big"]["workers_peak_mb"])
    assert len(result["memory_big"]["workers_peak_mb"]) >= 2

    assert "journey" in output and "req/s" in output and "vs bare" in output and "p95 ms" in output
    for label in ("bare GET /health", "study loop", "quiz answer", "learner dashboard"):
        assert label in output
    assert "peak RSS per gunicorn worker" in output
    assert "study loop, 40 vs 400 reviews: p50" in output
    assert "NOT the full-size PostgreSQL run; indicative only." in output
    assert "no worker > 150 MB RSS" in output
    assert len([line for line in output.splitlines() if line.strip()[:4] in ("PASS", "FAIL")]) == 8
    assert document["machine"]["nproc"] >= 1
    return result


def test_sqlite_run(tmp_path: Path) -> None:
    output, document = run_bench(tmp_path, "--backend", "sqlite")
    result = check_report(output, document, "sqlite")
    assert result["database"].startswith("SQLite")
    assert not Path(urlsplit(result["database_url"]).path).exists()  # temporary files gone


@pytest.mark.postgres
def test_postgresql_run(tmp_path: Path) -> None:
    postgres_only()
    parts = urlsplit(os.environ["TEST_DATABASE_URL"].replace("+psycopg", ""))
    server = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
    output, document = run_bench(tmp_path, "--backend", "postgresql", "--postgres-url", server)
    result = check_report(output, document, "postgresql")
    assert result["database"].startswith("PostgreSQL")
    name = urlsplit(result["database_url"]).path.lstrip("/")
    with psycopg.connect(os.environ["TEST_DATABASE_URL"].replace("+psycopg", "")) as connection:
        left = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        assert left.fetchone() is None  # the bench database was dropped
