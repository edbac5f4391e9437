"""The open-loop study load: many learners, each rating a card every few seconds.

A closed loop (``journeys.py``) sends the next request when the last one is
answered, so a slow server is simply asked less and its queue never shows. Here
each simulated learner rates on a schedule of their own (Poisson arrivals, one
rating every ``interval`` seconds on average) whether or not the server has
answered: a rating that has to wait for a free thread, or for the learner's
previous rating, waits on the clock, and its ``GET card`` latency is counted
from the moment it was due. A rating is the study page's ``GET`` (the card)
then the rating form's ``POST``.

Learners arrive signed in (their cookies, made once by the parent), so the
measured window holds no password hashing.
"""

from __future__ import annotations

import heapq
import http.client
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from client import Reply, Session, forms
from journeys import HOST, NOTHING_LEFT, RATING_WEIGHTS, RATINGS

STEPS = ("GET card", "POST rating")
GRACE = 10.0  # seconds after the window for ratings still on their way


@dataclass(frozen=True)
class OpenJob:
    """One client process's share of the learners, sent to it when it starts."""

    index: int
    port: int
    cookies: tuple[dict[str, str], ...]  # one signed-in learner each
    deck: str
    interval: float
    warmup: float
    duration: float
    seed: int
    threads: int


class Learner:
    """One signed-in learner: their cookies, and a lock so that their ratings go one
    after another, as one person's would."""

    def __init__(self, port: int, cookies: dict[str, str]) -> None:
        self.session = Session(HOST, port)
        self.session.cookies = dict(cookies)
        self.lock = threading.Lock()


class Tally:
    """Latencies of the ratings due inside the window, errors, and what the pages said."""

    def __init__(self, window_start: float, window_end: float) -> None:
        self.window_start = window_start
        self.window_end = window_end
        self.latencies: dict[str, list[float]] = {step: [] for step in STEPS}
        self.errors: Counter[str] = Counter()
        self.examples: list[str] = []
        self.notes: Counter[str] = Counter()
        self.served = 0  # requests answered inside the window, whenever they were due

    def counts(self, due: float) -> bool:
        return self.window_start <= due < self.window_end

    def answered(self) -> None:
        if self.window_start <= time.time() < self.window_end:
            self.served += 1

    def fail(self, step: str, message: str) -> None:
        self.errors[step] += 1
        if len(self.examples) < 3:
            self.examples.append(message)


def rate(learner: Learner, due: float, path: str, rng: random.Random, tally: Tally) -> None:
    """One rating: the card, then the rating form. The card's latency runs from when
    the rating was due, so waiting for a thread or for this learner counts."""
    counted = tally.counts(due)
    with learner.lock:
        page = _step(learner, tally, "GET card", ("GET", path, None), due, counted, 200)
        if page is None:
            return
        form = next((f for f in forms(page.text) if f.attrs.get("id") == "study-rate"), None)
        if form is None:
            if NOTHING_LEFT in page.text:
                tally.notes["no-card pages"] += 1
            else:
                tally.fail("GET card", f"GET {path}: neither a card nor '{NOTHING_LEFT}'")
            return
        fields: dict[str, Any] = form.hidden()
        fields["rating"] = str(rng.choices(RATINGS, RATING_WEIGHTS)[0])
        request = ("POST", form.action or f"{path}/review", fields)
        if _step(learner, tally, "POST rating", request, time.time(), counted, 303):
            tally.notes["ratings"] += 1


def _step(
    learner: Learner,
    tally: Tally,
    step: str,
    request: tuple[str, str, dict[str, Any] | None],
    since: float,
    counted: bool,
    expected: int,
) -> Reply | None:
    """Send one request of a rating and tally it; None (the failure tallied) unless
    it answered ``expected``."""
    method, path, fields = request
    try:
        reply = learner.session.request(method, path, fields)
    except (OSError, http.client.HTTPException) as error:
        tally.fail(step, f"{method} {path}: {type(error).__name__}: {error}")
        return None
    tally.answered()
    if counted:
        tally.latencies[step].append(time.time() - since)
    if reply.status != expected:
        tally.fail(step, f"{method} {path} answered {reply.status}, expected {expected}")
        return None
    return reply


def schedule(job: OpenJob, t0: float, end: float) -> list[tuple[float, int]]:
    """(due time, learner) of every rating: each learner starts at a random moment of
    the first interval, then rates after exponential gaps (a Poisson process)."""
    rng = random.Random(job.seed)
    due: list[tuple[float, int]] = []
    for learner in range(len(job.cookies)):
        moment = t0 + rng.uniform(0, job.interval)
        while moment < end:
            due.append((moment, learner))
            moment += rng.expovariate(1 / job.interval)
    heapq.heapify(due)
    return due


def open_main(job: OpenJob, ready: Any, start: Any, begin: Any, results: Any) -> None:
    """One client process: wait for the start, issue every rating when due, report."""
    learners = [Learner(job.port, cookies) for cookies in job.cookies]
    ready.put((job.index, None))
    if not start.wait(timeout=900) or begin.value < 0:
        return
    t0 = begin.value
    window_start, window_end = t0 + job.warmup, t0 + job.warmup + job.duration
    tally = Tally(window_start, window_end)
    due = schedule(job, t0, window_end)
    rng = random.Random(job.seed + 1)
    path = f"/study/decks/{job.deck}"
    pending = []
    time.sleep(max(0.0, t0 - time.time()))
    cpu_start: float | None = None
    pool = ThreadPoolExecutor(max_workers=job.threads)
    while due:
        moment, learner = heapq.heappop(due)
        time.sleep(max(0.0, moment - time.time()))
        if cpu_start is None and moment >= window_start:
            cpu_start = time.process_time()
        pending.append(pool.submit(rate, learners[learner], moment, path, rng, tally))
    done, late = wait(pending, timeout=max(0.0, window_end + GRACE - time.time()))
    pool.shutdown(wait=False, cancel_futures=True)  # what is still queued is reported
    cpu = time.process_time() - (cpu_start or time.process_time())
    crashed = [repr(future.exception()) for future in done if future.exception()]
    results.put(
        {
            "index": job.index,
            "latencies": tally.latencies,
            "errors": dict(tally.errors),
            "examples": tally.examples,
            "notes": dict(tally.notes),
            "crashed": crashed[:3],
            "unfinished": len(late),
            "served": tally.served,
            "window_cpu_seconds": cpu,
            "scheduled": sum(
                1 for moment, _ in schedule(job, t0, window_end) if window_start <= moment
            ),
        }
    )
