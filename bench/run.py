"""Load benchmark: the app under gunicorn on a seeded database, driven over HTTP.

For each backend (SQLite, PostgreSQL) it seeds a fresh database with
``python -m bench.seed``, starts gunicorn with several workers, and runs each user
journey with many concurrent signed-in clients (one OS process each): the bare
``GET /health``, the study loop, quiz answers, the learner dashboard and the
instructor's class view. It reports requests per second, p50/p95/p99 latency and
errors per journey and per step, each journey's throughput as a share of the bare
endpoint's, the peak resident memory of every gunicorn worker, and the study loop
at two history sizes (seeded again with few review rows). It ends with PASS/FAIL
against the targets of issue 8, which are set for the full-size PostgreSQL run.

    .venv/bin/python bench/run.py                      # both backends, full size
    .venv/bin/python bench/run.py --quick --backend sqlite

See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing
import os
import platform
import queue
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from client import Session
from journeys import JOURNEYS, ClientJob, client_main, steps_of

ROOT = Path(__file__).resolve().parent.parent
SEED_COMMAND = [sys.executable, "-m", "bench.seed"]
INSTRUCTOR = "instructor@bench.example.com"
CLASS_NAME = "Bench class 1"
DEFAULT_WORKERS = 3
RSS_LIMIT_MB = 150
SAMPLE_EVERY = 0.5  # seconds between two readings of the workers' memory

LABELS = {
    "bare": "bare GET /health",
    "study": "study loop",
    "quiz": "quiz answer",
    "dashboard": "learner dashboard",
    "class": "class view",
}
# The steps each latency target is judged on (each must meet it).
CORE_STEPS = {
    "study": ("GET card", "POST rating"),
    "quiz": ("GET question", "POST answer"),
}


@dataclass(frozen=True)
class Settings:
    backends: tuple[str, ...]
    postgres_url: str
    learners: int
    reviews: int
    small_reviews: int
    attempts: int
    class_size: int
    questions: int
    clients: int
    class_clients: tuple[int, ...]
    rotation: int
    workers: int
    duration: float
    warmup: float
    deck: str
    json: str | None

    @property
    def full_size(self) -> bool:
        return (
            self.learners >= 10_000
            and self.reviews >= 1_000_000
            and self.small_reviews <= 10_000
            and self.clients == 16
        )


def parse_args(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(
        description="Load-test quizapp under gunicorn on SQLite and PostgreSQL.",
    )
    parser.add_argument(
        "--backend",
        choices=["sqlite", "postgresql", "both"],
        default="both",
        help="default %(default)s",
    )
    parser.add_argument(
        "--postgres-url",
        default="postgresql://postgres@127.0.0.1:5432/",
        help="server on which to create the bench database (a database in the URL is ignored;"
        " default %(default)s)",
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes for a smoke run")
    parser.add_argument("--learners", type=int, help="learner accounts (10000; quick 40)")
    parser.add_argument("--reviews", type=int, help="review rows, big run (1000000; quick 400)")
    parser.add_argument(
        "--small-reviews", type=int, help="review rows, small run (10000; quick 40)"
    )
    parser.add_argument("--attempts", type=int, help="quiz attempts (20000; quick 40)")
    parser.add_argument("--class-size", type=int, help="learners per class (500; quick 20)")
    parser.add_argument("--questions", type=int, help="questions for the classes (200; quick 20)")
    parser.add_argument("--clients", type=int, help="concurrent clients (16; quick 2)")
    parser.add_argument(
        "--class-clients",
        default="1,4",
        help="concurrent instructors for the class view, comma-separated (default %(default)s)",
    )
    parser.add_argument(
        "--rotation", type=int, help="learners per study client, used in turn (8; quick 3)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help="gunicorn workers (default %(default)s)",
    )
    parser.add_argument("--duration", type=float, help="measured seconds per journey (20; quick 1)")
    parser.add_argument("--warmup", type=float, help="discarded seconds first (3; quick 0)")
    parser.add_argument(
        "--deck", default="leukopenia", help="deck to study and quiz (default %(default)s)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write every figure as JSON")
    args = parser.parse_args(argv)
    full = {
        "learners": 10_000,
        "reviews": 1_000_000,
        "small_reviews": 10_000,
        "attempts": 20_000,
        "class_size": 500,
        "questions": 200,
        "clients": 16,
        "rotation": 8,
        "duration": 20.0,
        "warmup": 3.0,
    }
    quick = {
        "learners": 40,
        "reviews": 400,
        "small_reviews": 40,
        "attempts": 40,
        "class_size": 20,
        "questions": 20,
        "clients": 2,
        "rotation": 3,
        "duration": 1.0,
        "warmup": 0.0,
    }
    sizes = {
        name: getattr(args, name) if getattr(args, name) is not None else default
        for name, default in (quick if args.quick else full).items()
    }
    try:
        class_clients = tuple(int(n) for n in args.class_clients.split(",") if n.strip())
    except ValueError:
        parser.error("--class-clients takes numbers separated by commas, e.g. 1,4")
    if min((*class_clients, sizes["clients"], sizes["rotation"], args.workers, 1)) < 1:
        parser.error("client, rotation and worker counts must be at least 1")
    if sizes["duration"] <= 0 or sizes["warmup"] < 0:
        parser.error("--duration must be positive and --warmup not negative")
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    return Settings(
        backends=backends,
        postgres_url=args.postgres_url,
        class_clients=class_clients,
        workers=args.workers,
        deck=args.deck,
        json=args.json,
        **sizes,
    )


def say(message: str) -> None:
    print(message, flush=True)


# --- Figures ----------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile by linear interpolation between closest ranks; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def figures(latencies: list[float], seconds: float, errors: int = 0) -> dict[str, Any]:
    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "errors": errors,
    }


def summarise(journey: str, clients: int, duration: float, reports: list[dict]) -> dict:
    """One journey's figures from its clients' reports: the whole journey (every
    request of every step) and each step; the loop pseudo-step counts loops, not requests."""
    kind = JOURNEYS[journey]
    steps = {}
    for step in steps_of(journey):
        latencies = [x for report in reports for x in report["latencies"][step]]
        errors = sum(report["errors"].get(step, 0) for report in reports)
        steps[step] = figures(latencies, duration, errors)
    requests = [x for report in reports for step in kind.steps for x in report["latencies"][step]]
    notes: dict[str, int] = {}
    for report in reports:
        for name, count in report["notes"].items():
            notes[name] = notes.get(name, 0) + count
    return {
        "journey": journey,
        "label": LABELS[journey],
        "clients": clients,
        **figures(requests, duration, sum(sum(r["errors"].values()) for r in reports)),
        "steps": steps,
        "loop_step": kind.loop_step,
        "notes": notes,
        "examples": [example for report in reports for example in report["examples"]][:5],
        "crashed": [report["crashed"] for report in reports if report["crashed"]],
        "failed": None,
    }


def failed(journey: str, clients: int, problem: str) -> dict:
    return {
        "journey": journey,
        "label": LABELS[journey],
        "clients": clients,
        **figures([], 1.0),
        "steps": {},
        "loop_step": None,
        "notes": {},
        "examples": [],
        "crashed": [],
        "failed": problem,
        "machine_cpu_busy": math.nan,
        "clients_cpu_cores": math.nan,
    }


# --- Databases ----------------------------------------------------------------------------


class BenchError(Exception):
    """The run cannot go on: no database server, seeding failed, gunicorn did not start."""


def server_url(url: str) -> str:
    """The PostgreSQL server of ``url``, without a database."""
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://", 1))
    return urlunsplit(("postgresql", parts.netloc, "/", "", ""))


def postgres_database_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


@contextmanager
def postgres_admin(server: str) -> Any:
    import psycopg

    try:
        connection = psycopg.connect(postgres_database_url(server, "postgres"), autocommit=True)
    except psycopg.OperationalError as error:
        raise BenchError(f"cannot reach PostgreSQL at {server}: {error}") from error
    with connection:
        try:
            yield connection
        except psycopg.Error as error:
            raise BenchError(f"PostgreSQL at {server}: {error}") from error


class Database:
    """A fresh database for each seeding, removed at the end: a SQLite file in a
    temporary folder, or a PostgreSQL database of this run's own name."""

    def __init__(self, backend: str, settings: Settings) -> None:
        self.backend = backend
        self.server = server_url(settings.postgres_url)
        self.name = f"quizapp_bench_{os.getpid()}"
        self.folder = Path(tempfile.mkdtemp(prefix="quizapp-bench-"))
        self.round = 0
        self.url = ""

    def fresh(self) -> str:
        self.round += 1
        if self.backend == "sqlite":
            self.url = f"sqlite:///{self.folder / f'bench-{self.round}.db'}"
            for old in self.folder.glob(f"bench-{self.round - 1}.db*"):
                old.unlink()
        else:
            from psycopg import sql

            with postgres_admin(self.server) as admin:
                name = sql.Identifier(self.name)
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
                admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
            self.url = postgres_database_url(self.server, self.name)
        return self.url

    def version(self) -> str:
        if self.backend == "sqlite":
            return f"SQLite {sqlite3.sqlite_version}"
        with postgres_admin(self.server) as admin:
            row = admin.execute("SHOW server_version").fetchone()
        return f"PostgreSQL {row[0] if row else '?'}"

    def drop(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.backend == "postgresql" and self.round:
            from psycopg import sql

            with postgres_admin(self.server) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(self.name)
                    )
                )


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def seed(url: str, reviews: int, settings: Settings, env: dict[str, str], log: Path) -> float:
    command = [
        *SEED_COMMAND,
        *("--learners", str(settings.learners)),
        *("--reviews", str(reviews)),
        *("--attempts", str(settings.attempts)),
        *("--class-size", str(settings.class_size)),
        *("--questions", str(settings.questions)),
    ]
    started = time.perf_counter()
    with log.open("w") as out:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env={**env, "DATABASE_URL": url},
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        raise BenchError(f"seeding failed ({' '.join(command[1:])}):\n{tail(log)}")
    return time.perf_counter() - started


# --- gunicorn ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(child) for child in text.split()]
    except OSError:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
        return found


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


class Gunicorn:
    """gunicorn on a free loopback port, and its workers' peak memory while it runs."""

    def __init__(self, workers: int, env: dict[str, str], log: Path) -> None:
        self.workers = workers
        self.env = env
        self.log = log
        self.port = free_port()
        self.peaks: dict[int, int] = {}  # worker pid -> peak VmRSS in kB
        self.master_peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> Gunicorn:
        command = [
            *(sys.executable, "-m", "gunicorn", "quizapp.wsgi:app"),
            *("--workers", str(self.workers)),
            *("--bind", f"127.0.0.1:{self.port}"),
            *("--graceful-timeout", "10"),
        ]
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        try:
            self._wait_ready()
        except BaseException:
            self._stop_process()
            raise
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def _wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"gunicorn exited with {self.process.returncode}:\n{tail(self.log)}"
                )
            if len(children(self.process.pid)) >= self.workers and self._healthy():
                return
            time.sleep(0.2)
        raise BenchError(
            f"gunicorn did not answer /health within {timeout:.0f} s:\n{tail(self.log)}"
        )

    def _healthy(self) -> bool:
        session = Session("127.0.0.1", self.port, timeout=5)
        try:
            return session.request("GET", "/health").status == 200
        except (OSError, http.client.HTTPException):
            return False
        finally:
            session.close()

    def _sample(self) -> None:
        while True:
            for pid in children(self.process.pid):
                kb = rss_kb(pid)
                if kb is not None:
                    self.peaks[pid] = max(kb, self.peaks.get(pid, 0))
            self.master_peak = max(self.master_peak, rss_kb(self.process.pid) or 0)
            if self._stop.wait(SAMPLE_EVERY):
                return

    def _stop_process(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sampler.join()
        self._stop_process()

    def memory(self) -> dict[str, Any]:
        return {
            "workers_peak_mb": [round(kb / 1024, 1) for _, kb in sorted(self.peaks.items())],
            "master_peak_mb": round(self.master_peak / 1024, 1),
        }


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def quiet_cpu_busy(seconds: float = 2.0) -> float:
    """How busy the machine is while the benchmark itself runs nothing: other work."""
    busy_before, total_before = cpu_ticks()
    time.sleep(seconds)
    busy, total = cpu_ticks()
    return (busy - busy_before) / (total - total_before) if total > total_before else 0.0


# --- Journeys ----------------------------------------------------------------------------


def learner(number: int, settings: Settings) -> str:
    return f"learner{(number - 1) % settings.learners + 1}@bench.example.com"


def learner_plan(settings: Settings) -> dict[str, list[tuple[str, ...]]]:
    """Separate learners for each journey and each client (the same in both seedings),
    so that no two clients rate one learner's cards."""
    per_client = {"bare": 1, "study": settings.rotation, "quiz": 1, "dashboard": 2}
    plan, first = {}, 1
    for journey, count in per_client.items():
        plan[journey] = [
            tuple(learner(first + client * count + k, settings) for k in range(count))
            for client in range(settings.clients)
        ]
        first += settings.clients * count
    if first - 1 > settings.learners:
        say(f"  note: {first - 1} learners wanted, {settings.learners} seeded; some are shared")
    return plan


def gather(channel: Any, count: int, deadline: float, processes: list[Any]) -> list[Any]:
    """Up to ``count`` messages before ``deadline``, or fewer once every client is gone."""
    got: list[Any] = []
    while len(got) < count and time.time() < deadline:
        try:
            got.append(channel.get(timeout=0.5))
        except queue.Empty:
            if not any(process.is_alive() for process in processes):
                break
    return got


def run_journey(
    journey: str, accounts: list[tuple[str, ...]], port: int, password: str, settings: Settings
) -> dict:
    """Start one client process per account set, start them together, collect the figures."""
    clients = len(accounts)
    context = multiprocessing.get_context("spawn")
    ready, results = context.Queue(), context.Queue()
    start, begin = context.Event(), context.Value("d", 0.0)
    jobs = [
        ClientJob(
            journey=journey,
            index=index,
            port=port,
            accounts=accounts[index],
            password=password,
            deck=settings.deck,
            warmup=settings.warmup,
            duration=settings.duration,
            seed=1000 * list(JOURNEYS).index(journey) + index,
            class_name=CLASS_NAME,
        )
        for index in range(clients)
    ]
    processes = [
        context.Process(target=client_main, args=(job, ready, start, begin, results), daemon=True)
        for job in jobs
    ]
    for process in processes:
        process.start()
    try:
        signed = gather(ready, clients, time.time() + 60 + 2 * sum(map(len, accounts)), processes)
        problems = [problem for _, problem in signed if problem]
        if len(signed) < clients:
            problems.append(f"{clients - len(signed)} client(s) did not sign in in time")
        if problems:
            begin.value = -1.0  # tells the clients that signed in to leave
            start.set()
            return failed(journey, clients, problems[0])
        begin.value = time.time() + 0.2
        start.set()
        window_start = begin.value + settings.warmup
        time.sleep(max(0.0, window_start - time.time()))
        busy_before, total_before = cpu_ticks()
        time.sleep(max(0.0, window_start + settings.duration - time.time()))
        busy_after, total_after = cpu_ticks()
        busy, total = busy_after - busy_before, total_after - total_before
        reports = gather(results, clients, time.time() + 120, processes)
        if len(reports) < clients:
            return failed(journey, clients, f"{clients - len(reports)} client(s) sent no figures")
        summary = summarise(journey, clients, settings.duration, reports)
        summary["machine_cpu_busy"] = busy / total if total else math.nan
        span = settings.warmup + settings.duration
        summary["clients_cpu_cores"] = sum(r["cpu_seconds"] for r in reports) / span
        return summary
    finally:
        deadline = time.time() + 10
        for process in processes:
            process.join(timeout=max(0.1, deadline - time.time()))
            if process.is_alive():
                process.terminate()
                process.join()


def run_set(
    label: str,
    plan: list[tuple[str, int]],
    accounts: dict[str, list[tuple[str, ...]]],
    port: int,
    password: str,
    settings: Settings,
) -> list[dict]:
    out = []
    for journey, clients in plan:
        say(f"  {label}: {LABELS[journey]}, {clients} client(s) …")
        result = run_journey(journey, accounts[journey][:clients], port, password, settings)
        out.append(result)
        if result["failed"]:
            say(f"    FAILED: {result['failed']}")
    return out


def run_backend(backend: str, settings: Settings, password: str, secret: str) -> dict:
    database = Database(backend, settings)
    logs = database.folder
    env = {
        **os.environ,
        "QUIZAPP_SECRET_KEY": secret,
        "QUIZAPP_ENV_NAME": "production",
        "QUIZAPP_LOGIN_RATE_LIMIT": "100000 per minute",
        "QUIZAPP_BENCH_PASSWORD": password,
    }
    plan = learner_plan(settings)
    accounts = {**plan, "class": [(INSTRUCTOR,)] * max(settings.class_clients)}
    c = settings.clients
    big_plan = [("bare", c), ("study", c), ("quiz", c), ("dashboard", c)]
    big_plan += [("class", n) for n in settings.class_clients]
    small_plan = [("bare", c), ("study", c)]
    result: dict[str, Any] = {"backend": backend}
    try:
        result["database"] = database.version()
        runs = [("big", settings.reviews, big_plan), ("small", settings.small_reviews, small_plan)]
        for name, reviews, journeys in runs:
            url = result["database_url"] = database.fresh()
            say(
                f"[{backend}] seeding {settings.learners} learners, {reviews} reviews, "
                f"{settings.attempts} attempts …"
            )
            took = seed(url, reviews, settings, env, logs / f"seed-{name}.log")
            say(f"  seeded in {took:.1f} s; gunicorn with {settings.workers} workers")
            server_env = {**env, "DATABASE_URL": url}
            result[f"quiet_cpu_busy_{name}"] = quiet_cpu_busy()
            log = logs / f"gunicorn-{name}.log"
            with Gunicorn(settings.workers, server_env, log) as server:
                label = f"{reviews} reviews"
                result[name] = run_set(label, journeys, accounts, server.port, password, settings)
            if any(row["errors"] or row["failed"] for row in result[name]):
                result[f"server_log_{name}"] = tail(log, 15)
            result[f"memory_{name}"] = server.memory()
            result[f"seed_{name}_seconds"] = round(took, 1)
    finally:
        database.drop()
    return result


# --- Report ----------------------------------------------------------------------------


def ms(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.1f}"


def find(rows: list[dict], journey: str, clients: int | None = None) -> dict | None:
    for row in rows:
        if row["journey"] == journey and (clients is None or row["clients"] == clients):
            return row
    return None


def table(rows: list[dict], bare: dict | None) -> list[str]:
    head = (
        f"{'journey':<34}{'clients':>8}{'req/s':>9}{'vs bare':>9}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        if row["failed"]:
            lines.append(f"{row['label']:<34}{row['clients']:>8}  FAILED: {row['failed']}")
            continue
        ratio = "—"
        if bare and not bare["failed"] and bare["rps"] and row["clients"] == bare["clients"]:
            ratio = f"{row['rps'] / bare['rps']:.2f}"
        lines.append(
            f"{row['label']:<34}{row['clients']:>8}{row['rps']:>9.1f}{ratio:>9}"
            f"{ms(row['p50_ms']):>9}{ms(row['p95_ms']):>9}{ms(row['p99_ms']):>9}{row['errors']:>8}"
        )
        if len(row["steps"]) > 1:
            for step, fig in row["steps"].items():
                name = f"  · {step}" + (" (per loop)" if step == row["loop_step"] else "")
                unit = " loops/s" if step == row["loop_step"] else ""
                lines.append(
                    f"{name:<34}{'':>8}{fig['rps']:>9.1f}{unit:<9}"
                    f"{ms(fig['p50_ms']):>9}{ms(fig['p95_ms']):>9}{ms(fig['p99_ms']):>9}"
                    f"{fig['errors']:>8}"
                )
    return lines


def ratio(small: float, big: float) -> float:
    return big / small if small and not math.isnan(small) and not math.isnan(big) else math.nan


def history_ratio(result: dict, clients: int) -> dict | None:
    big, small = find(result["big"], "study", clients), find(result["small"], "study", clients)
    if not big or not small or big["failed"] or small["failed"]:
        return None
    return {
        "p50_ms": [small["p50_ms"], big["p50_ms"], ratio(small["p50_ms"], big["p50_ms"])],
        "p95_ms": [small["p95_ms"], big["p95_ms"], ratio(small["p95_ms"], big["p95_ms"])],
        "rps": [small["rps"], big["rps"], ratio(small["rps"], big["rps"])],
    }


def targets(result: dict, settings: Settings) -> list[dict]:
    """PASS/FAIL against issue 8's targets (set for the full-size PostgreSQL run)."""
    c = settings.clients
    rows = result["big"]
    bare = find(rows, "bare", c)
    checks: list[dict] = []

    def check(name: str, passed: bool, detail: str) -> None:
        checks.append({"target": name, "passed": passed, "detail": detail})

    for journey in ("study", "quiz"):
        row = find(rows, journey, c)
        label = LABELS[journey]
        if not row or row["failed"]:
            check(f"{label} p95 < 50 ms at {c} clients", False, "did not run")
            check(f"{label} ≥ 50% of bare throughput", False, "did not run")
            continue
        worst = max(CORE_STEPS[journey], key=lambda step: row["steps"][step]["p95_ms"])
        p95 = row["steps"][worst]["p95_ms"]
        check(
            f"{label} p95 < 50 ms at {c} clients",
            p95 < 50,
            f"{ms(p95)} ms (slowest step: {worst}; whole journey {ms(row['p95_ms'])} ms)",
        )
        share = row["rps"] / bare["rps"] if bare and not bare["failed"] and bare["rps"] else 0.0
        check(f"{label} ≥ 50% of bare throughput", share >= 0.5, f"{share:.0%}")
    errors = sum(row["errors"] for run in ("big", "small") for row in result[run])
    broken = [row["label"] for run in ("big", "small") for row in result[run] if row["failed"]]
    check(
        "zero errors",
        errors == 0 and not broken,
        f"{errors} error(s)" + (f"; did not run: {', '.join(broken)}" if broken else ""),
    )
    history = history_ratio(result, c)
    if history is None:
        check("study loop at big history ≤ 1.3× small", False, "did not run")
    else:
        p50, p95 = history["p50_ms"][2], history["p95_ms"][2]
        check(
            f"study loop at {settings.reviews} reviews ≤ 1.3× its latency at "
            f"{settings.small_reviews}",
            p50 <= 1.3 and p95 <= 1.3,
            f"p50 {p50:.2f}×, p95 {p95:.2f}×",
        )
    first = min(settings.class_clients)
    row = find(rows, "class", first)
    if not row or row["failed"]:
        check("class view < 300 ms", False, "did not run")
    else:
        check(
            f"class view p95 < 300 ms ({first} instructor)",
            row["p95_ms"] < 300,
            f"{ms(row['p95_ms'])} ms (class of {min(settings.class_size, settings.learners)})",
        )
    peaks = result["memory_big"]["workers_peak_mb"] + result["memory_small"]["workers_peak_mb"]
    top = max(peaks, default=math.nan)
    check(f"no worker > {RSS_LIMIT_MB} MB RSS", top <= RSS_LIMIT_MB, f"largest {ms(top)} MB")
    return checks


def cpu_label(row: dict) -> str:
    return f"{row['label']} ×{row['clients']}" if row["journey"] == "class" else row["label"]


def report(result: dict, settings: Settings) -> list[str]:
    c = settings.clients
    lines = [
        "",
        f"== {result['database']} · {settings.learners} learners · {settings.attempts} attempts"
        f" · {settings.workers} gunicorn workers · {settings.duration:g} s per journey"
        f" after {settings.warmup:g} s warm-up ==",
        "Latency is per HTTP request; '(per loop)' rows time a whole loop's requests together.",
        "",
        f"With {settings.reviews} review rows:",
        *table(result["big"], find(result["big"], "bare", c)),
        "",
        f"With {settings.small_reviews} review rows:",
        *table(result["small"], find(result["small"], "bare", c)),
        "",
    ]
    for run in ("big", "small"):
        for row in result[run]:
            if row["notes"]:
                notes = ", ".join(
                    f"{name}: {count}" for name, count in sorted(row["notes"].items())
                )
                lines.append(f"{row['label']} ({run} run, {row['clients']} clients): {notes}")
            for example in row["examples"]:
                lines.append(f"  error example, {row['label']}: {example}")
            for crash in row["crashed"]:
                lines.append(f"  client crashed, {row['label']}: {crash.strip().splitlines()[-1]}")
    for run in ("big", "small"):
        if result.get(f"server_log_{run}"):
            lines.append(f"last lines of gunicorn's log ({run} run):")
            lines += [f"  | {line}" for line in result[f"server_log_{run}"].splitlines()]
    for run in ("big", "small"):
        usage = ", ".join(
            f"{cpu_label(row)} {row['machine_cpu_busy']:.0%}/{row['clients_cpu_cores']:.2f}"
            for row in result[run]
            if not row["failed"]
        )
        lines.append(
            f"CPU in the windows ({run} run; machine busy / cores the clients used): {usage}"
        )
    quiet = max(result[f"quiet_cpu_busy_{run}"] for run in ("big", "small"))
    if quiet > 0.1:
        lines.append(
            f"WARNING: the machine was {quiet:.0%} busy before gunicorn started, with the"
            " benchmark idle: other work shares the CPU with the app and distorts these figures."
        )
    for run, reviews in (("big", settings.reviews), ("small", settings.small_reviews)):
        memory = result[f"memory_{run}"]
        workers = ", ".join(f"{mb:.1f}" for mb in memory["workers_peak_mb"]) or "—"
        lines.append(
            f"memory ({reviews} reviews): peak RSS per gunicorn worker {workers} MB"
            f" (master {memory['master_peak_mb']:.1f} MB)"
        )
    history = result["history"]
    if history:
        lines.append(
            f"study loop, {settings.small_reviews} vs {settings.reviews} reviews: "
            f"p50 {ms(history['p50_ms'][0])} → {ms(history['p50_ms'][1])} ms "
            f"({history['p50_ms'][2]:.2f}×), "
            f"p95 {ms(history['p95_ms'][0])} → {ms(history['p95_ms'][1])} ms "
            f"({history['p95_ms'][2]:.2f}×), "
            f"throughput {history['rps'][0]:.1f} → {history['rps'][1]:.1f} req/s "
            f"({history['rps'][2]:.2f}×)"
        )
    else:
        lines.append("study loop, small vs big history: not measured (a run failed)")
    return lines


def verdicts(results: list[dict], settings: Settings) -> list[str]:
    """The PASS/FAIL lines of every backend, together at the end of the output."""
    lines = [
        "",
        "== Targets of issue 8, set for the full-size PostgreSQL run (10000 learners,"
        " 1000000 reviews, 16 clients, 2 cores) ==",
    ]
    for result in results:
        official = settings.full_size and result["backend"] == "postgresql"
        lines.append(
            f"{result['database']}: "
            + (
                "full-size run."
                if official
                else "NOT the full-size PostgreSQL run; indicative only."
            )
        )
        for target in result["targets"]:
            verdict = "PASS" if target["passed"] else "FAIL"
            lines.append(f"  {verdict}  {target['target']}: {target['detail']}")
    return lines


def read_first(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def machine() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "cpu_model": read_first("/proc/cpuinfo", "model name"),
        "memory_gb": round(int(read_first("/proc/meminfo", "MemTotal").split()[0]) / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "gunicorn": metadata.version("gunicorn"),
        "sqlite": sqlite3.sqlite_version,
        "git_commit": git("rev-parse", "HEAD") or "unknown",
        "git_dirty": bool(git("status", "--porcelain")),
    }


def jsonable(value: Any) -> Any:
    """NaN (an empty percentile) becomes null, which JSON can hold."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


def main(argv: list[str] | None = None) -> int:
    settings = parse_args(argv)
    info = machine()
    say(
        f"quizapp load benchmark · {info['nproc']} CPU(s) {info['cpu_model']} · "
        f"{info['memory_gb']} GB RAM · Python {info['python']} · gunicorn {info['gunicorn']} · "
        f"commit {info['git_commit'][:10]}{' (dirty)' if info['git_dirty'] else ''}"
    )
    password = secrets.token_urlsafe(18)
    secret = secrets.token_hex(32)
    results, problems = [], []
    for backend in settings.backends:
        try:
            result = run_backend(backend, settings, password, secret)
        except BenchError as error:
            problems.append(f"{backend}: {error}")
            say(f"[{backend}] ABORTED: {error}")
            continue
        result["history"] = history_ratio(result, settings.clients)
        result["targets"] = targets(result, settings)
        for line in report(result, settings):
            say(line)
        results.append(result)
    if results:
        for line in verdicts(results, settings):
            say(line)
    if settings.json:
        document = {"machine": info, "settings": asdict(settings), "backends": results}
        document["problems"] = problems
        Path(settings.json).write_text(json.dumps(jsonable(document), indent=2) + "\n")
        say(f"\nWrote {settings.json}")
    broken = any(row["failed"] for r in results for run in ("big", "small") for row in r[run])
    return 1 if problems or broken else 0


if __name__ == "__main__":
    sys.exit(main())
