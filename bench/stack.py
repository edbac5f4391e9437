"""What the benchmark runs the app on: databases, gunicorn, Redis and a reverse proxy,
each a process of its own on a loopback port, and the CPU time those processes spend.

CPU is read from ``/proc/<pid>/stat`` (user + system time) of every server process
before and after a measured window: a busy machine makes requests slower, but it
does not change how much CPU each of them costs, so this is the figure to compare.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from client import Session

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_EVERY = 0.5  # seconds between two readings of the workers' memory
TICK = 1 / os.sysconf("SC_CLK_TCK")  # seconds per jiffy in /proc/<pid>/stat


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


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


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

    def pids(self) -> list[int]:
        """The master and its workers: every process that serves this gunicorn's requests."""
        return [self.process.pid, *children(self.process.pid)]

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


# --- CPU per request ----------------------------------------------------------------------


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far; None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # fields[0] is the state (field 3)
    return (int(fields[11]) + int(fields[12])) * TICK  # utime (14) and stime (15)


def postgres_backends(server: str, database: str) -> list[int]:
    """The pids of the PostgreSQL backends connected to ``database`` (the app's pool)."""
    with postgres_admin(server) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)
        ).fetchall()
    return [int(row[0]) for row in rows]


Roles = Callable[[], Mapping[str, Iterable[int]]]


class ServerCPU:
    """CPU seconds spent by the server's processes over a window, by role ("app",
    "database", "proxy", ...). ``roles`` names the pids of each role; it is asked at
    the start and at the end, so a backend the pool opens during the window counts
    from zero, and one that exits during it keeps what it had at the start."""

    def __init__(self, roles: Roles) -> None:
        self.roles = roles
        self.before: dict[str, dict[int, float]] = {}

    def _read(self) -> dict[str, dict[int, float]]:
        found: dict[str, dict[int, float]] = {}
        for role, pids in self.roles().items():
            found[role] = {}
            for pid in pids:
                seconds = cpu_seconds(pid)
                if seconds is not None:
                    found[role][pid] = seconds
        return found

    def start(self) -> None:
        self.before = self._read()

    def stop(self) -> dict[str, float]:
        after = self._read()
        spent = {}
        for role, now in after.items():
            then = self.before.get(role, {})
            spent[role] = sum(
                max(0.0, seconds - then.get(pid, 0.0)) for pid, seconds in now.items()
            )
        return spent


# --- Redis and the reverse proxy ----------------------------------------------------------


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, what: str) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        if process.poll() is not None:
            raise BenchError(f"{what} exited with {process.returncode}:\n{tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise BenchError(f"{what} did not listen on port {port} within 30 s:\n{tail(log)}")


class Daemon:
    """A server process in the foreground, its log in a file; stopped with SIGTERM."""

    what = "daemon"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.log = folder / f"{self.what}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def ports(self) -> list[int]:
        raise NotImplementedError

    def __enter__(self) -> Any:
        binary = self.command()[0]
        if not Path(binary).exists():
            raise BenchError(f"{binary} is not installed")
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                self.command(), cwd=self.folder, stdout=out, stderr=subprocess.STDOUT
            )
        try:
            for port in self.ports():
                wait_for_port(port, self.process, self.log, self.what)
        except BaseException:
            self.__exit__()
            raise
        return self

    def pids(self) -> list[int]:
        if self.process is None:
            return []
        return [self.process.pid, *children(self.process.pid)]

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Redis(Daemon):
    """A redis-server of the benchmark's own (no persistence), shared by every instance."""

    what = "redis"

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        return [
            *(binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)),
            *("--save", "", "--appendonly", "no"),
        ]

    def ports(self) -> list[int]:
        return [self.port]


HAPROXY = "/usr/sbin/haproxy"
HAPROXY_CONFIG = """\
# Written by bench/stack.py for one benchmark run; loopback only.
global
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    timeout client 120s
    timeout server 120s
    option forwardfor
    option http-server-close

{frontends}
"""
FRONTEND = """\
frontend {name}
    bind 127.0.0.1:{port}
    default_backend {name}_apps

backend {name}_apps
    balance roundrobin
{servers}
"""


class HAProxy(Daemon):
    """haproxy in front of app instances: one frontend (loopback port) per named set of
    backends, so one proxy can offer "one instance" and "both instances" side by side."""

    what = "haproxy"

    def __init__(self, folder: Path, sets: dict[str, list[int]]) -> None:
        super().__init__(folder)
        self.port = {name: free_port() for name in sets}
        frontends = "\n".join(
            FRONTEND.format(
                name=name,
                port=self.port[name],
                servers="\n".join(
                    f"    server app{n} 127.0.0.1:{app} maxconn 64" for n, app in enumerate(apps)
                ),
            )
            for name, apps in sets.items()
        )
        self.config = folder / "haproxy.cfg"
        self.config.write_text(HAPROXY_CONFIG.format(frontends=frontends))

    def command(self) -> list[str]:
        return [HAPROXY, "-db", "-f", str(self.config)]

    def ports(self) -> list[int]:
        return list(self.port.values())
