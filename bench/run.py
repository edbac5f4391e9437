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
import json
import math
import multiprocessing
import os
import platform
import queue
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from client import sign_in
from journeys import HOST, JOURNEYS, ClientJob, client_main, steps_of
from openloop import STEPS, OpenJob, open_main
from stack import (
    BenchError,
    Gunicorn,
    HAProxy,
    Redis,
    Roles,
    ServerCPU,
    cpu_ticks,
    postgres_admin,
    postgres_backends,
    postgres_database_url,
    quiet_cpu_busy,
    server_url,
    tail,
)

ROOT = Path(__file__).resolve().parent.parent
SEED_COMMAND = [sys.executable, "-m", "bench.seed"]
INSTRUCTOR = "instructor@bench.example.com"
CLASS_NAME = "Bench class 1"
DEFAULT_WORKERS = 3
RSS_LIMIT_MB = 150

LABELS = {
    "bare": "bare GET /health",
    "floor": "signed-in floor GET /auth/password",
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
    mode: str = "journeys"
    interval: float = 8.0
    open_learners: tuple[int, ...] = ()
    open_start: int = 100
    open_max: int = 5000
    open_duration: float = 30.0
    open_clients: int = 2
    open_threads: int = 64

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
    parser.add_argument(
        "--mode",
        choices=["journeys", "open", "scaleout"],
        default="journeys",
        help="journeys: every journey in a closed loop (default); open: active learners on"
        " a schedule, searched upward; scaleout: one app instance against two behind haproxy",
    )
    parser.add_argument(
        "--interval", type=float, help="open: mean seconds between a learner's ratings (8)"
    )
    parser.add_argument(
        "--open-learners",
        help="open: learner counts to try, comma-separated (default: search upward)",
    )
    parser.add_argument(
        "--open-start", type=int, help="open: first count of the search (100; quick 4)"
    )
    parser.add_argument("--open-max", type=int, default=5000, help="open: search bound")
    parser.add_argument(
        "--open-duration", type=float, help="open: measured seconds per count (30; quick 2)"
    )
    parser.add_argument(
        "--open-clients", type=int, default=2, help="open: client processes (default 2)"
    )
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
        "interval": 8.0,
        "open_start": 100,
        "open_duration": 30.0,
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
        "interval": 1.0,
        "open_start": 4,
        "open_duration": 2.0,
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
    try:
        open_learners = tuple(int(n) for n in (args.open_learners or "").split(",") if n.strip())
    except ValueError:
        parser.error("--open-learners takes numbers separated by commas, e.g. 100,200")
    if args.mode == "scaleout" and backends != ("postgresql",):
        parser.error("--mode scaleout needs --backend postgresql (one database for two instances)")
    if min((*open_learners, sizes["open_start"], args.open_clients, 1)) < 1:
        parser.error("open-loop learner and client counts must be at least 1")
    if sizes["interval"] <= 0 or sizes["open_duration"] <= 0:
        parser.error("--interval and --open-duration must be positive")
    return Settings(
        backends=backends,
        postgres_url=args.postgres_url,
        class_clients=class_clients,
        workers=args.workers,
        deck=args.deck,
        json=args.json,
        mode=args.mode,
        open_learners=open_learners,
        open_max=args.open_max,
        open_clients=args.open_clients,
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
        **cpu_per_request({}, math.nan, 0),
    }


def cpu_per_request(spent: dict[str, float], clients: float, requests: int) -> dict[str, Any]:
    """Milliseconds of CPU per request served in the window: the server's by role
    (app = gunicorn master and workers, database = PostgreSQL backends, ...), their
    sum, and the clients' own (load generation, not the app's cost)."""
    per = {
        role: seconds * 1000 / requests if requests else math.nan for role, seconds in spent.items()
    }
    return {
        "server_cpu_ms": sum(per.values()) if per else math.nan,
        "server_cpu_ms_by_role": per,
        "clients_cpu_ms": clients * 1000 / requests if requests else math.nan,
    }


# --- Databases ----------------------------------------------------------------------------


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

    def roles(self, *servers: Gunicorn) -> Roles:
        """The processes whose CPU a request costs: every gunicorn process of
        ``servers``, and the PostgreSQL backends connected to this database."""

        def now() -> dict[str, list[int]]:
            found = {"app": [pid for server in servers for pid in server.pids()]}
            if self.backend == "postgresql":
                found["database"] = postgres_backends(self.server, self.name)
            return found

        return now

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


# --- Journeys ----------------------------------------------------------------------------


def learner(number: int, settings: Settings) -> str:
    return f"learner{(number - 1) % settings.learners + 1}@bench.example.com"


def learner_plan(settings: Settings) -> dict[str, list[tuple[str, ...]]]:
    """Separate learners for each journey and each client (the same in both seedings),
    so that no two clients rate one learner's cards."""
    per_client = {"bare": 1, "floor": 1, "study": settings.rotation, "quiz": 1, "dashboard": 2}
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


@dataclass
class Window:
    """What the clients of one measured window sent back, and what the machine spent."""

    reports: list[dict]
    spent: dict[str, float]  # server CPU seconds by role
    machine_busy: float

    def clients_cpu(self) -> float:
        return float(sum(report["window_cpu_seconds"] for report in self.reports))


def drive(
    target: Any, jobs: list[Any], warmup: float, duration: float, roles: Roles, patience: float
) -> Window | str:
    """Run ``target(job, ready, start, begin, results)`` in one process per job, start
    them together once all are ready, and read the server's CPU over the window (after
    the warm-up); a problem's description instead when a client could not start.

    ``roles`` names the server's processes (gunicorn, PostgreSQL backends) whose CPU
    time over the window, divided by the requests served in it, is the CPU per request.
    """
    clients = len(jobs)
    context = multiprocessing.get_context("spawn")
    ready, results = context.Queue(), context.Queue()
    start, begin = context.Event(), context.Value("d", 0.0)
    processes = [
        context.Process(target=target, args=(job, ready, start, begin, results), daemon=True)
        for job in jobs
    ]
    for process in processes:
        process.start()
    try:
        signed = gather(ready, clients, time.time() + patience, processes)
        problems = [problem for _, problem in signed if problem]
        if len(signed) < clients:
            problems.append(f"{clients - len(signed)} client(s) did not sign in in time")
        if problems:
            begin.value = -1.0  # tells the clients that signed in to leave
            start.set()
            return str(problems[0])
        begin.value = time.time() + 0.2
        start.set()
        window_start = begin.value + warmup
        time.sleep(max(0.0, window_start - time.time()))
        server_cpu = ServerCPU(roles)
        busy_before, total_before = cpu_ticks()
        server_cpu.start()
        time.sleep(max(0.0, window_start + duration - time.time()))
        spent = server_cpu.stop()
        busy_after, total_after = cpu_ticks()
        busy, total = busy_after - busy_before, total_after - total_before
        reports = gather(results, clients, time.time() + 120, processes)
        if len(reports) < clients:
            return f"{clients - len(reports)} client(s) sent no figures"
        return Window(reports, spent, busy / total if total else math.nan)
    finally:
        deadline = time.time() + 15
        for process in processes:
            process.join(timeout=max(0.1, deadline - time.time()))
            if process.is_alive():
                process.terminate()
                process.join()


def run_journey(
    journey: str,
    accounts: list[tuple[str, ...]],
    port: int,
    password: str,
    settings: Settings,
    roles: Roles,
) -> dict:
    """One client process per account set, started together; the journey's figures."""
    clients = len(accounts)
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
    patience = 60 + 2 * sum(map(len, accounts))
    window = drive(client_main, jobs, settings.warmup, settings.duration, roles, patience)
    if isinstance(window, str):
        return failed(journey, clients, window)
    summary = summarise(journey, clients, settings.duration, window.reports)
    summary["machine_cpu_busy"] = window.machine_busy
    summary["clients_cpu_cores"] = window.clients_cpu() / settings.duration
    summary.update(cpu_per_request(window.spent, window.clients_cpu(), summary["requests"]))
    return summary


def run_set(
    label: str,
    plan: list[tuple[str, int]],
    accounts: dict[str, list[tuple[str, ...]]],
    port: int,
    password: str,
    settings: Settings,
    roles: Roles,
) -> list[dict]:
    out = []
    for journey, clients in plan:
        say(f"  {label}: {LABELS[journey]}, {clients} client(s) …")
        result = run_journey(journey, accounts[journey][:clients], port, password, settings, roles)
        out.append(result)
        if result["failed"]:
            say(f"    FAILED: {result['failed']}")
    return out


def app_env(password: str, secret: str) -> dict[str, str]:
    """The environment of the seeder and of every app instance (one secret key for all)."""
    return {
        **os.environ,
        "QUIZAPP_SECRET_KEY": secret,
        "QUIZAPP_ENV_NAME": "production",
        "QUIZAPP_LOGIN_RATE_LIMIT": "100000 per minute",
        "QUIZAPP_BENCH_PASSWORD": password,
    }


def seeded(database: Database, reviews: int, settings: Settings, env: dict[str, str]) -> str:
    """A fresh database seeded with ``reviews`` review rows; its URL."""
    url = database.fresh()
    say(
        f"[{database.backend}] seeding {settings.learners} learners, {reviews} reviews, "
        f"{settings.attempts} attempts …"
    )
    took = seed(url, reviews, settings, env, database.folder / f"seed-{database.round}.log")
    say(f"  seeded in {took:.1f} s")
    return url


def run_backend(backend: str, settings: Settings, password: str, secret: str) -> dict:
    database = Database(backend, settings)
    logs = database.folder
    env = app_env(password, secret)
    plan = learner_plan(settings)
    accounts = {**plan, "class": [(INSTRUCTOR,)] * max(settings.class_clients)}
    c = settings.clients
    big_plan = [("bare", c), ("floor", c), ("study", c), ("quiz", c), ("dashboard", c)]
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
                roles = database.roles(server)
                result[name] = run_set(
                    label, journeys, accounts, server.port, password, settings, roles
                )
            if any(row["errors"] or row["failed"] for row in result[name]):
                result[f"server_log_{name}"] = tail(log, 15)
            result[f"memory_{name}"] = server.memory()
            result[f"seed_{name}_seconds"] = round(took, 1)
    finally:
        database.drop()
    return result


# --- Open loop: active learners on a schedule ------------------------------------------

P95_LIMIT_MS = 250.0  # issue 18: an active learner's request answered within this at p95


def sign_in_many(port: int, emails: list[str], password: str) -> list[dict[str, str]]:
    """Each learner's cookies after signing in through the form (a few at a time)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        sessions = list(pool.map(lambda email: sign_in(HOST, port, email, password), emails))
    for session in sessions:
        session.close()
    return [session.cookies for session in sessions]


def open_step(
    learners: list[dict[str, str]], port: int, settings: Settings, roles: Roles
) -> dict[str, Any]:
    """One count of active learners, each rating every ``interval`` s on average."""
    n = settings.open_clients
    jobs = [
        OpenJob(
            index=index,
            port=port,
            cookies=tuple(learners[index::n]),
            deck=settings.deck,
            interval=settings.interval,
            warmup=settings.interval,  # every learner has started before the window
            duration=settings.open_duration,
            seed=7919 * len(learners) + index,
            threads=settings.open_threads,
        )
        for index in range(n)
    ]
    row: dict[str, Any] = {"learners": len(learners), "failed": None}
    window = drive(open_main, jobs, settings.interval, settings.open_duration, roles, 60)
    if isinstance(window, str):
        return {**row, "failed": window, "passed": False}
    reports = window.reports
    latencies = [x for r in reports for step in STEPS for x in r["latencies"][step]]
    errors = sum(sum(r["errors"].values()) for r in reports)
    row.update(figures(latencies, settings.open_duration, errors))
    row["steps"] = {
        step: figures(
            [x for r in reports for x in r["latencies"][step]],
            settings.open_duration,
            sum(r["errors"].get(step, 0) for r in reports),
        )
        for step in STEPS
    }
    row["unfinished"] = sum(r["unfinished"] for r in reports)
    row["ratings_due"] = sum(r["scheduled"] for r in reports)
    row["notes"] = {
        name: sum(r["notes"].get(name, 0) for r in reports)
        for name in sorted({name for r in reports for name in r["notes"]})
    }
    row["examples"] = [example for r in reports for example in r["examples"]][:3]
    row["crashed"] = [crash for r in reports for crash in r["crashed"]]
    row["machine_cpu_busy"] = window.machine_busy
    row["clients_cpu_cores"] = window.clients_cpu() / settings.open_duration
    # Requests answered inside the window, whenever due: what the window's CPU paid for
    # (an overloaded server is still answering ratings due before it).
    served = sum(r["served"] for r in reports)
    row["served_rps"] = served / settings.open_duration
    row.update(cpu_per_request(window.spent, window.clients_cpu(), served))
    # What the CPU alone allows: a learner needs (CPU per rating / interval) of a core,
    # and a rating is two requests.
    per_rating = 2 * row["server_cpu_ms"] / 1000
    row["cpu_learners_per_core"] = settings.interval / per_rating if per_rating > 0 else math.nan
    row["passed"] = (
        row["p95_ms"] < P95_LIMIT_MS
        and errors == 0
        and row["unfinished"] == 0
        and not row["crashed"]
    )
    return row


def next_count(settings: Settings, tried: dict[int, bool]) -> int | None:
    """The next learner count to try: the given list in order, or a search that grows
    by half until a count fails, then halves the gap to the largest count served
    (until it is within a tenth)."""
    if settings.open_learners:
        return next((n for n in settings.open_learners if n not in tried), None)
    if not tried:
        return settings.open_start
    best = max((n for n, ok in tried.items() if ok), default=0)
    above = [n for n, ok in tried.items() if not ok and n > best]
    if not above:
        grown = min(settings.open_max, math.ceil(best * 1.5))
        return grown if grown not in tried else None
    worst = min(above)
    middle = (best + worst) // 2
    return middle if worst - best > max(2, best // 10) and middle not in tried else None


def run_open(backend: str, settings: Settings, password: str, secret: str) -> dict:
    """Active learners on the study loop at growing counts: the largest served with
    p95 under 250 ms and no error, per core."""
    database = Database(backend, settings)
    env = app_env(password, secret)
    result: dict[str, Any] = {"backend": backend, "mode": "open", "steps": []}
    tried: dict[int, bool] = {}
    try:
        result["database"] = database.version()
        url = result["database_url"] = seeded(database, settings.reviews, settings, env)
        log = database.folder / "gunicorn-open.log"
        with Gunicorn(settings.workers, {**env, "DATABASE_URL": url}, log) as server:
            roles = database.roles(server)
            cookies: list[dict[str, str]] = []
            while (count := next_count(settings, tried)) is not None:
                if count > settings.learners:
                    say(f"  {count} learners wanted, {settings.learners} seeded: stopping")
                    break
                if count > len(cookies):
                    emails = [learner(n, settings) for n in range(len(cookies) + 1, count + 1)]
                    say(f"  signing in {len(emails)} more learners …")
                    cookies += sign_in_many(server.port, emails, password)
                say(f"  {count} active learners, one rating every {settings.interval:g} s …")
                row = open_step(cookies[:count], server.port, settings, roles)
                result["steps"].append(row)
                tried[count] = row["passed"]
                say("    " + open_line(row, settings))
        if any(row["failed"] or row["errors"] for row in result["steps"]):
            result["server_log"] = tail(log, 15)
        result["memory"] = server.memory()
    finally:
        database.drop()
    result["best"] = max((n for n, ok in tried.items() if ok), default=0)
    result["best_per_core"] = result["best"] / len(os.sched_getaffinity(0))
    return result


OPEN_HEAD = (
    f"{'active':>6}{'due/s':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    f"{'errors':>8}{'late':>6}{'CPU ms/req':>12}{'app+db':>12}{'clients':>9}{'CPU/core':>10}"
)


def open_line(row: dict, settings: Settings) -> str:
    if row["failed"]:
        return f"{row['learners']:>6}  FAILED: {row['failed']}"
    return (
        f"{row['learners']:>6}{row['ratings_due'] / settings.open_duration:>8.1f}"
        f"{row['served_rps']:>8.1f}{ms(row['p50_ms']):>9}{ms(row['p95_ms']):>9}{ms(row['p99_ms']):>9}"
        f"{row['errors']:>8}{row['unfinished']:>6}{ms(row['server_cpu_ms']):>12}"
        f"{split(row):>12}{ms(row['clients_cpu_ms']):>9}{row['cpu_learners_per_core']:>10.0f}"
        f"{'  pass' if row['passed'] else '  FAIL'}"
    )


def open_report(result: dict, settings: Settings) -> list[str]:
    cores = len(os.sched_getaffinity(0))
    lines = [
        "",
        f"== Open loop · {result['database']} · {settings.learners} learners,"
        f" {settings.reviews} reviews · {settings.workers} gunicorn workers · each learner"
        f" rates every {settings.interval:g} s on average (Poisson) · {settings.open_duration:g}"
        f" s per count after {settings.interval:g} s ==",
        "active: learners rating; due/s: ratings due per second; req/s: requests answered;"
        " latency per request, a"
        " card's from when its rating was due; late: ratings unanswered 10 s after the window;"
        " CPU ms/req: server CPU per request (app+db); clients: the load generator's own;"
        " CPU/core: learners one core serves by CPU alone (interval / server CPU per rating).",
        OPEN_HEAD,
        "-" * len(OPEN_HEAD),
        *(open_line(row, settings) for row in result["steps"]),
    ]
    for row in result["steps"]:
        for example in row.get("examples", []):
            lines.append(f"  error example, {row['learners']} learners: {example}")
    if result.get("server_log"):
        lines += [f"  | {line}" for line in result["server_log"].splitlines()]
    lines.append(
        f"Largest count served with p95 < {P95_LIMIT_MS:g} ms and no error: {result['best']}"
        f" active learners on {cores} core(s), {result['best_per_core']:.1f} per core"
        + ("" if settings.full_size else " (NOT the full-size run; indicative only)")
    )
    return lines


# --- Scale-out: two app instances behind haproxy ------------------------------------------

SCALEOUT_JOURNEYS = ("bare", "floor", "study", "quiz")


def run_scaleout(backend: str, settings: Settings, password: str, secret: str) -> dict:
    """The same journeys through haproxy to one app instance, then to two (each with
    ``--workers`` workers) on one PostgreSQL database and one Redis."""
    database = Database(backend, settings)
    env = app_env(password, secret)
    result: dict[str, Any] = {"backend": backend, "mode": "scaleout"}
    folder = database.folder
    try:
        result["database"] = database.version()
        url = result["database_url"] = seeded(database, settings.reviews, settings, env)
        with Redis(folder) as redis:
            server_env = {
                **env,
                "DATABASE_URL": url,
                "QUIZAPP_RATELIMIT_STORAGE_URI": redis.url,
                "QUIZAPP_PROXY_COUNT": "1",
            }
            with (
                Gunicorn(settings.workers, server_env, folder / "gunicorn-a.log") as first,
                Gunicorn(settings.workers, server_env, folder / "gunicorn-b.log") as second,
                HAProxy(folder, {"one": [first.port], "two": [first.port, second.port]}) as proxy,
            ):
                app_roles = database.roles(first, second)

                def roles() -> dict[str, list[int]]:
                    return {**app_roles(), "proxy": proxy.pids(), "redis": redis.pids()}

                accounts = learner_plan(settings)
                plan = [(journey, settings.clients) for journey in SCALEOUT_JOURNEYS]
                for name in ("one", "two"):
                    label = f"{name} instance{'s' if name == 'two' else ''} behind haproxy"
                    result[name] = run_set(
                        label, plan, accounts, proxy.port[name], password, settings, roles
                    )
            result["memory"] = [first.memory(), second.memory()]
    finally:
        database.drop()
    return result


def scaleout_report(result: dict, settings: Settings) -> list[str]:
    lines = [
        "",
        f"== Scale-out · {result['database']} · {settings.learners} learners,"
        f" {settings.reviews} reviews · haproxy (round robin) → gunicorn × {settings.workers}"
        f" workers per instance · one Redis · {settings.clients} clients ==",
        "CPU ms/req: both instances, the PostgreSQL backends, haproxy and Redis"
        " (app+database+proxy+redis), per request.",
    ]
    for name in ("one", "two"):
        lines += ["", f"Through haproxy to {name} app instance{'s' if name == 'two' else ''}:"]
        lines += table(result[name], find(result[name], "bare", settings.clients))
    lines += ["", "Two instances against one:"]
    for row in result["one"]:
        other = find(result["two"], row["journey"], row["clients"])
        if other and not row["failed"] and not other["failed"] and row["rps"]:
            lines.append(
                f"  {row['label']}: {row['rps']:.1f} → {other['rps']:.1f} req/s"
                f" ({other['rps'] / row['rps']:.2f}×), CPU per request"
                f" {ms(row['server_cpu_ms'])} → {ms(other['server_cpu_ms'])} ms"
            )
    return lines


# --- Report ----------------------------------------------------------------------------


def ms(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.1f}"


def find(rows: list[dict], journey: str, clients: int | None = None) -> dict | None:
    for row in rows:
        if row["journey"] == journey and (clients is None or row["clients"] == clients):
            return row
    return None


def cpu_ratio(row: dict, bare: dict | None) -> float:
    """A journey's server CPU per request over the bare endpoint's (same run)."""
    if not bare or bare["failed"] or not bare["server_cpu_ms"] or math.isnan(bare["server_cpu_ms"]):
        return math.nan
    return float(row["server_cpu_ms"]) / float(bare["server_cpu_ms"])


def split(row: dict) -> str:
    """The server's CPU per request by role, e.g. "9.1+4.2" (app + database)."""
    parts = [ms(value) for value in row["server_cpu_ms_by_role"].values()]
    return "+".join(parts) if len(parts) > 1 else "—"


def table(rows: list[dict], bare: dict | None) -> list[str]:
    head = (
        f"{'journey':<38}{'clients':>8}{'req/s':>9}{'vs bare':>9}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'CPU ms/req':>12}{'× bare':>8}{'by role':>20}{'clients':>9}"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        if row["failed"]:
            lines.append(f"{row['label']:<38}{row['clients']:>8}  FAILED: {row['failed']}")
            continue
        ratio = "—"
        if bare and not bare["failed"] and bare["rps"] and row["clients"] == bare["clients"]:
            ratio = f"{row['rps'] / bare['rps']:.2f}"
        times = cpu_ratio(row, bare)
        lines.append(
            f"{row['label']:<38}{row['clients']:>8}{row['rps']:>9.1f}{ratio:>9}"
            f"{ms(row['p50_ms']):>9}{ms(row['p95_ms']):>9}{ms(row['p99_ms']):>9}{row['errors']:>8}"
            f"{ms(row['server_cpu_ms']):>12}{'—' if math.isnan(times) else f'{times:.2f}':>8}"
            f"{split(row):>20}{ms(row['clients_cpu_ms']):>9}"
        )
        if len(row["steps"]) > 1:
            for step, fig in row["steps"].items():
                name = f"  · {step}" + (" (per loop)" if step == row["loop_step"] else "")
                unit = " loops/s" if step == row["loop_step"] else ""
                lines.append(
                    f"{name:<38}{'':>8}{fig['rps']:>9.1f}{unit:<9}"
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
        "CPU ms/req: user+system CPU of gunicorn (master and workers) and of the database's"
        " PostgreSQL backends over the window (/proc/<pid>/stat), per request served;"
        " 'by role' splits it (app+db[+proxy+redis]); 'clients' is the load generators' own.",
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
    return lines + cpu_targets(result, settings)


# Issue 18: server CPU per request at most this many times the bare endpoint's.
CPU_TARGETS = {"study": 3.5, "quiz": 3.5, "dashboard": 6.0, "class": 40.0}
CPU_HISTORY_TARGET = 1.15  # study loop CPU per request, big history against small


def cpu_targets(result: dict, settings: Settings) -> list[str]:
    """Where each journey's CPU per request stands against issue 18's targets."""
    rows = result["big"]
    bare = find(rows, "bare", settings.clients)
    lines = ["CPU per request against issue 18's targets (× bare, this run):"]
    for journey, limit in CPU_TARGETS.items():
        row = find(rows, journey)
        times = cpu_ratio(row, bare) if row and not row["failed"] else math.nan
        verdict = "—" if math.isnan(times) else ("met" if times <= limit else "not met")
        shown = "—" if math.isnan(times) else f"{times:.2f}×"
        lines.append(f"  {LABELS[journey]}: {shown} (target ≤ {limit:g}×) {verdict}")
    big, small = find(rows, "study"), find(result["small"], "study")
    if big and small and not big["failed"] and not small["failed"]:
        growth = ratio(small["server_cpu_ms"], big["server_cpu_ms"])
        lines.append(
            f"  study loop at {settings.reviews} against {settings.small_reviews} reviews:"
            f" {growth:.2f}× (target ≤ {CPU_HISTORY_TARGET:g}×)"
            f" {'met' if growth <= CPU_HISTORY_TARGET else 'not met'}"
        )
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
            if settings.mode != "journeys":
                runner, reporter = MODES[settings.mode]
                result = runner(backend, settings, password, secret)
                for line in reporter(result, settings):
                    say(line)
                results.append(result)
                continue
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
    if results and settings.mode == "journeys":
        for line in verdicts(results, settings):
            say(line)
    if settings.json:
        document = {"machine": info, "settings": asdict(settings), "backends": results}
        document["problems"] = problems
        Path(settings.json).write_text(json.dumps(jsonable(document), indent=2) + "\n")
        say(f"\nWrote {settings.json}")
    runs = {"journeys": ("big", "small"), "open": ("steps",), "scaleout": ("one", "two")}
    broken = any(row["failed"] for r in results for run in runs[settings.mode] for row in r[run])
    return 1 if problems or broken else 0


MODES = {"open": (run_open, open_report), "scaleout": (run_scaleout, scaleout_report)}


if __name__ == "__main__":
    sys.exit(main())
