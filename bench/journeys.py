"""What one benchmark client does: sign in, then repeat one user journey until time is up.

Each client is its own OS process (see :func:`client_main`), so that no Python
lock makes one client wait for another. A client signs in before the timed
window, starts with the others at a shared wall-clock instant, loops without
think time, and keeps only the latencies of requests that complete inside the
measured window (after the warm-up); errors count from the first timed request.
"""

from __future__ import annotations

import http.client
import random
import re
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from client import Browser, Form, Reply, SetupError, forms, links, log_in, sign_in

HOST = "127.0.0.1"
NOTHING_LEFT = "Nothing more to study here for now"
# Mostly Again and Hard, so that rated cards stay in learning and the queue lasts.
RATINGS = (1, 2, 3, 4)
RATING_WEIGHTS = (0.45, 0.30, 0.20, 0.05)
QUESTION_URL = re.compile(r"^/quiz/attempt/\d+/\d+$")
MAX_LOOPS = 10_000_000  # a bound, far beyond any real run


@dataclass(frozen=True)
class ClientJob:
    """Everything one client process needs; sent to it when it starts."""

    journey: str
    index: int
    port: int
    accounts: tuple[str, ...]
    password: str
    deck: str
    warmup: float
    duration: float
    seed: int
    class_name: str = "Bench class 1"


class Recorder:
    """Latencies per step inside the measured window, and every failure."""

    def __init__(self, steps: tuple[str, ...], window_start: float, window_end: float) -> None:
        self.window_start = window_start
        self.window_end = window_end
        self.latencies: dict[str, list[float]] = {step: [] for step in steps}
        self.errors: Counter[str] = Counter()
        self.examples: list[str] = []

    def call(
        self,
        step: str,
        session: Browser,
        method: str,
        path: str,
        form: dict[str, Any] | None = None,
        expect: int = 200,
    ) -> Reply | None:
        """One timed request; ``None`` (and an error counted) unless it answers ``expect``."""
        started = time.perf_counter()
        try:
            reply = session.request(method, path, form)
        except (OSError, http.client.HTTPException) as error:
            self.fail(step, f"{method} {path}: {type(error).__name__}: {error}")
            return None
        self.record(step, time.perf_counter() - started)
        if reply.status != expect:
            self.fail(
                step, f"{method} {path} answered {reply.status}, expected {expect}{gist(reply)}"
            )
            return None
        return reply

    def record(self, step: str, seconds: float) -> None:
        if self.window_start <= time.time() <= self.window_end:
            self.latencies[step].append(seconds)

    def fail(self, step: str, message: str) -> None:
        self.errors[step] += 1
        if len(self.examples) < 3:
            self.examples.append(message)


def gist(reply: Reply) -> str:
    """A few words on what came back instead: where it redirected, or the page title."""
    if reply.location:
        return f" (to {reply.location})"
    title = re.search(r"<title>(.*?)</title>", reply.text, re.S)
    text = title.group(1) if title else re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", reply.text))
    return f" ({text.strip()[:100]})"


class Journey:
    """One kind of user visit. ``loop`` is one iteration; it returns False when this
    client has nothing left to do (every learner out of cards)."""

    steps: tuple[str, ...] = ()
    # A pseudo-step: the latency of a whole iteration (its requests back to back).
    loop_step: str | None = None

    def __init__(self, job: ClientJob, connect: Callable[[], Browser] | None = None) -> None:
        self.job = job
        self.connect = connect  # None: over HTTP to ``job.port``
        self.rng = random.Random(job.seed)
        self.notes: Counter[str] = Counter()

    def sign_in(self, email: str) -> Browser:
        if self.connect is not None:
            return log_in(self.connect(), email, self.job.password)
        return sign_in(HOST, self.job.port, email, self.job.password)

    def prepare(self) -> None:
        raise NotImplementedError

    def loop(self, recorder: Recorder) -> bool:
        raise NotImplementedError


class Bare(Journey):
    """``GET /health``: one ``SELECT 1`` through the whole stack, the yardstick."""

    steps = ("GET /health",)

    def prepare(self) -> None:
        self.session = self.sign_in(self.job.accounts[0])

    def loop(self, recorder: Recorder) -> bool:
        recorder.call("GET /health", self.session, "GET", "/health")
        return True


class Floor(Journey):
    """``GET /auth/password``: the cheapest signed-in page (load the session and the
    account, render the layout and one form, no other query): what any signed-in
    page costs before it does its own work."""

    steps = ("GET /auth/password",)

    def prepare(self) -> None:
        self.session = self.sign_in(self.job.accounts[0])

    def loop(self, recorder: Recorder) -> bool:
        recorder.call("GET /auth/password", self.session, "GET", "/auth/password")
        return True


class Study(Journey):
    """The flashcard loop: fetch the next card, rate it, again. A learner who runs
    out of cards hands over to the next one in this client's rotation."""

    steps = ("GET card", "POST rating")
    loop_step = "card + rating"

    def prepare(self) -> None:
        self.sessions = [self.sign_in(email) for email in self.job.accounts]
        self.current = 0
        self.misses = 0  # learners in a row found without a card
        self.path = f"/study/decks/{self.job.deck}"

    def loop(self, recorder: Recorder) -> bool:
        session = self.sessions[self.current]
        started = time.perf_counter()
        page = recorder.call("GET card", session, "GET", self.path)
        if page is None:
            return True
        form = next((f for f in forms(page.text) if f.attrs.get("id") == "study-rate"), None)
        if form is None:
            if NOTHING_LEFT not in page.text:
                recorder.fail("GET card", f"GET {self.path}: neither a card nor '{NOTHING_LEFT}'")
                return True
            self.notes["no-card pages"] += 1
            self.current = (self.current + 1) % len(self.sessions)
            self.misses += 1
            if self.misses >= len(self.sessions):
                self.notes["clients out of cards"] += 1
                return False
            return True
        self.misses = 0
        fields: dict[str, Any] = form.hidden()
        fields["rating"] = str(self.rng.choices(RATINGS, RATING_WEIGHTS)[0])
        action = form.action or f"{self.path}/review"
        if recorder.call("POST rating", session, "POST", action, fields, expect=303):
            recorder.record("card + rating", time.perf_counter() - started)
            self.notes["ratings"] += 1
        return True


def answer_fields(form: Form, rng: random.Random) -> dict[str, Any]:
    """Some answer of the right shape: one radio, one or two boxes, or "4" typed."""
    fields: dict[str, Any] = form.hidden()
    options = form.named("answer")
    kinds = {option.get("type") for option in options}
    values = [option.get("value", "") for option in options]
    if "radio" in kinds:
        fields["answer"] = rng.choice(values)
    elif "checkbox" in kinds:
        fields["answer"] = rng.sample(values, rng.randint(1, min(2, len(values))))
    else:
        fields["answer"] = "4"
    return fields


class Quiz(Journey):
    """Quick quizzes, answered question by question with the feedback page between."""

    steps = ("GET /quiz/", "POST quick start", "GET question", "POST answer", "GET feedback")
    loop_step = "question + answer"

    def prepare(self) -> None:
        self.session = self.sign_in(self.job.accounts[0])
        self.question: str | None = None

    def start(self, recorder: Recorder) -> str | None:
        page = recorder.call("GET /quiz/", self.session, "GET", "/quiz/")
        if page is None:
            return None
        action = f"/quiz/{self.job.deck}/quick"
        form = next((f for f in forms(page.text) if f.action == action), None)
        if form is None:
            recorder.fail("GET /quiz/", f"GET /quiz/: no quick-start form for {action}")
            return None
        reply = recorder.call(
            "POST quick start", self.session, "POST", action, form.hidden(), expect=302
        )
        if reply is None:
            return None
        if not QUESTION_URL.match(reply.location):
            recorder.fail("POST quick start", f"POST {action} went to {reply.location!r}")
            return None
        self.notes["quizzes started"] += 1
        return reply.location

    def loop(self, recorder: Recorder) -> bool:
        if self.question is None:
            self.question = self.start(recorder)
            return True
        question, self.question = self.question, None
        started = time.perf_counter()
        page = recorder.call("GET question", self.session, "GET", question)
        if page is None:
            return True
        form = next((f for f in forms(page.text) if f.named("answer")), None)
        if form is None:
            recorder.fail("GET question", f"GET {question}: no answer form")
            return True
        fields = answer_fields(form, self.rng)
        reply = recorder.call("POST answer", self.session, "POST", question, fields, expect=302)
        if reply is None:
            return True
        recorder.record("question + answer", time.perf_counter() - started)
        page = recorder.call("GET feedback", self.session, "GET", reply.location)
        if page is None:
            return True
        onward = {text: href for href, text in links(page.text)}
        if "See your results" in onward:
            self.notes["quizzes finished"] += 1
        elif "Next question" in onward:
            self.question = onward["Next question"]
        else:
            recorder.fail("GET feedback", f"GET {reply.location}: no 'Next question' link")
        return True


class Dashboard(Journey):
    """A learner's own progress page, each client's learners in turn."""

    steps = ("GET /progress/",)

    def prepare(self) -> None:
        self.sessions = [self.sign_in(email) for email in self.job.accounts]
        self.turn = 0

    def loop(self, recorder: Recorder) -> bool:
        self.turn = (self.turn + 1) % len(self.sessions)
        recorder.call("GET /progress/", self.sessions[self.turn], "GET", "/progress/")
        return True


class ClassView(Journey):
    """An instructor's page of the first bench class (roster and mastery grid)."""

    steps = ("GET class page",)

    def prepare(self) -> None:
        self.session = self.sign_in(self.job.accounts[0])
        page = self.session.request("GET", "/classes/")
        found = [href for href, text in links(page.text) if text == self.job.class_name]
        if page.status != 200 or not found:
            raise SetupError(f"GET /classes/ ({page.status}) has no link to {self.job.class_name}")
        self.path = found[0]

    def loop(self, recorder: Recorder) -> bool:
        recorder.call("GET class page", self.session, "GET", self.path)
        return True


JOURNEYS: dict[str, type[Journey]] = {
    "bare": Bare,
    "floor": Floor,
    "study": Study,
    "quiz": Quiz,
    "dashboard": Dashboard,
    "class": ClassView,
}


def steps_of(journey: str) -> tuple[str, ...]:
    kind = JOURNEYS[journey]
    return kind.steps + ((kind.loop_step,) if kind.loop_step else ())


def client_main(job: ClientJob, ready: Any, start: Any, begin: Any, results: Any) -> None:
    """One client process: sign in, say so, wait for the start, loop, send the figures."""
    journey = JOURNEYS[job.journey](job)
    try:
        journey.prepare()
    except (SetupError, OSError, http.client.HTTPException) as error:
        ready.put((job.index, f"{type(error).__name__}: {error}"))
        return
    ready.put((job.index, None))
    if not start.wait(timeout=900) or begin.value < 0:
        return
    t0 = begin.value
    recorder = Recorder(steps_of(job.journey), t0 + job.warmup, t0 + job.warmup + job.duration)
    crashed = None
    time.sleep(max(0.0, t0 - time.time()))
    cpu = time.process_time()
    window_cpu: float | None = None  # CPU used when the measured window opened
    try:
        for _ in range(MAX_LOOPS):
            if window_cpu is None and time.time() >= recorder.window_start:
                window_cpu = time.process_time()
            if time.time() >= recorder.window_end or not journey.loop(recorder):
                break
    except Exception:  # a parsing slip must still report what was measured
        crashed = traceback.format_exc(limit=3)
    window_cpu = time.process_time() - (cpu if window_cpu is None else window_cpu)
    cpu = time.process_time() - cpu
    results.put(
        {
            "index": job.index,
            "latencies": recorder.latencies,
            "errors": dict(recorder.errors),
            "examples": recorder.examples,
            "notes": dict(journey.notes),
            "crashed": crashed,
            "cpu_seconds": cpu,
            "window_cpu_seconds": window_cpu,
        }
    )
