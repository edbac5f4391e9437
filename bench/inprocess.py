"""CPU per request of one journey, measured in one process without an HTTP server.

The benchmark's own journeys (``journeys.py``) drive the app through Flask's test
client instead of a socket, one request after another. The figure is the app's
CPU while it handles each request (the client's parsing excluded) plus the CPU
of the PostgreSQL backends serving it, from ``/proc``: steady enough on a busy
machine to compare two versions of the code, and cheap enough to run after each
change. ``--profile`` adds pyinstrument's call tree of the measured requests.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \\
    QUIZAPP_BENCH_PASSWORD=... .venv/bin/python bench/inprocess.py study --requests 200

The database is one ``python -m bench.seed`` filled (see README.md); the study
and quiz journeys add ratings and answers to it, as the HTTP benchmark does.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from typing import Any

from client import Fields, Reply, local_path
from journeys import JOURNEYS, ClientJob, Recorder, steps_of
from stack import ServerCPU, postgres_backends, server_url

WARMUP_LOOPS = 20  # compiled statements, warm caches and pools before the clock starts


class AppBrowser:
    """A signed-in person talking to the app in this process; keeps the CPU the
    app spent answering (the test client's own few microseconds included)."""

    def __init__(self, app: Any, meter: list[float]) -> None:
        self.client = app.test_client()
        self.meter = meter

    def request(self, method: str, path: str, form: Fields | None = None) -> Reply:
        started = time.process_time()
        response = self.client.open(path, method=method, data=form)
        body = response.get_data(as_text=True)
        self.meter[0] += time.process_time() - started
        return Reply(response.status_code, local_path(response.headers.get("Location", "")), body)

    def close(self) -> None:
        self.client = None


def make_app(database_url: str) -> Any:
    os.environ.setdefault("QUIZAPP_SECRET_KEY", secrets.token_hex(32))
    os.environ.setdefault("QUIZAPP_ENV_NAME", "production")
    os.environ["QUIZAPP_LOGIN_RATE_LIMIT"] = "100000 per minute"
    os.environ["DATABASE_URL"] = database_url
    from quizapp.wsgi import app  # built as gunicorn builds it (gc frozen afterwards)

    return app


def learners(journey: str, count: int) -> tuple[str, ...]:
    if journey == "class":
        return ("instructor@bench.example.com",)
    return tuple(f"learner{number}@bench.example.com" for number in range(1, count + 1))


def measure(args: argparse.Namespace) -> dict[str, float]:
    url = os.environ["DATABASE_URL"]
    app = make_app(url)
    meter = [0.0]
    job = ClientJob(
        journey=args.journey,
        index=0,
        port=0,
        accounts=learners(args.journey, args.rotation),
        password=os.environ["QUIZAPP_BENCH_PASSWORD"],
        deck=args.deck,
        warmup=0.0,
        duration=0.0,
        seed=args.seed,
    )
    journey = JOURNEYS[args.journey](job, connect=lambda: AppBrowser(app, meter))
    journey.prepare()
    steps = steps_of(args.journey)[: len(JOURNEYS[args.journey].steps)]
    recorder = Recorder(steps_of(args.journey), 0.0, float("inf"))
    for _ in range(WARMUP_LOOPS):
        journey.loop(recorder)
    served = sum(len(recorder.latencies[step]) for step in steps)
    database = url.rsplit("/", 1)[1]
    server = ServerCPU(lambda: {"database": postgres_backends(server_url(url), database)})
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    statements = [0]
    from sqlalchemy import event

    from quizapp.extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_: Any) -> None:
        statements[0] += 1

    meter[0] = 0.0
    server.start()
    while sum(len(recorder.latencies[step]) for step in steps) - served < args.requests:
        if not journey.loop(recorder):
            print("the learners ran out of work; pass more --rotation", file=sys.stderr)
            break
    spent = server.stop()
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=True, show_all=False))
    requests = sum(len(recorder.latencies[step]) for step in steps) - served
    errors = sum(recorder.errors.values())
    if errors:
        print(f"{errors} errors, e.g. {recorder.examples}", file=sys.stderr)
    app_ms = meter[0] * 1000 / requests
    db_ms = spent["database"] * 1000 / requests
    return {
        "requests": requests,
        "app_ms": app_ms,
        "db_ms": db_ms,
        "statements": statements[0] / requests,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("journey", choices=sorted(JOURNEYS))
    parser.add_argument("--requests", type=int, default=100, help="requests measured (100)")
    parser.add_argument("--rotation", type=int, default=8, help="learners taking turns (8)")
    parser.add_argument("--deck", default="leukopenia")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="print pyinstrument's tree")
    args = parser.parse_args(argv)
    result = measure(args)
    print(
        f"{args.journey}: {result['requests']} requests, "
        f"{result['app_ms'] + result['db_ms']:.1f} ms CPU per request "
        f"(app {result['app_ms']:.1f} + database {result['db_ms']:.1f}), "
        f"{result['statements']:.1f} SQL statements per request, "
        f"{result['errors']} errors"
    )
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
