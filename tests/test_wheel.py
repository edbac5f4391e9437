"""The package as it is deployed: a wheel, installed into a new virtual environment
and run from another folder, carries its migrations and its question bank.

The wheel is built from a copy of the sources (the checkout's own ``build/``
folder could hold files deleted since). The new environment gets quizapp from
the wheel only; its dependencies come from the environment running the tests,
so no download is needed.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "README.md", "quizapp", "migrations", "questions")
BUNDLED = {"migrations": "quizapp/_migrations", "questions": "quizapp/_questions"}
CACHES = shutil.ignore_patterns("__pycache__", "*.pyc")

pytestmark = pytest.mark.slow


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The wheel, and the copy of the sources it was built from."""
    tmp_path = tmp_path_factory.mktemp("wheel")
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=CACHES)
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path / "dist"
    run(
        sys.executable,
        *("-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"),
        *("--wheel-dir", dist, source),
        cwd=tmp_path,
    )
    (wheel,) = dist.glob("quizapp-*.whl")
    return wheel, source


def install(wheel: Path, venv: Path) -> dict[str, str]:
    """A new environment with the wheel; the running one's packages serve as dependencies.
    Returns the environment variables to run its commands with."""
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv.parent)
    python = venv / "bin" / "python"
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=venv)
    (Path(purelib.strip()) / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run(
        sys.executable,
        *("-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index"),
        wheel,
        cwd=venv.parent,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUIZAPP_", "FLASK_"))}
    env.pop("DATABASE_URL", None)
    env.pop("PYTHONPATH", None)
    return env


def check_bank(command: list[str | Path], cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    args = [str(part) for part in command]
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_the_wheel_holds_migrations_and_bank_and_no_benchmark(built: tuple[Path, Path]) -> None:
    names = set(zipfile.ZipFile(built[0]).namelist())
    for folder, packaged in BUNDLED.items():
        files = [
            path.relative_to(ROOT / folder).as_posix()
            for path in (ROOT / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        ]
        assert files
        assert {f"{packaged}/{name}" for name in files} <= names
    assert not [name for name in names if name.startswith(("bench/", "quizapp/bench/", "tests/"))]


def test_the_installed_app_checks_and_serves_its_bundled_bank(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    wheel, source = built
    venv = tmp_path / "venv"
    env = install(wheel, venv)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    quizapp = venv / "bin" / "quizapp"

    python = venv / "bin" / "python"
    found = run(python, "-c", "import quizapp; print(quizapp.__file__)", cwd=elsewhere, env=env)
    assert Path(found.strip()).is_relative_to(venv)
    # The installed command reads the bank it carries, the one of the sources it was
    # built from: the same verdict, word for word, whatever the bank's state.
    installed = check_bank([quizapp, "bank", "check"], elsewhere, env)
    from_sources = [sys.executable, "-m", "quizapp.cli", "bank", "check", "questions"]
    assert installed == check_bank(from_sources, source, env)
    assert "deck(s)" in installed[1] or "leukopenia" in installed[2]

    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [quizapp, "serve", "--port", str(port)],
            cwd=elsewhere,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        assert fetch(f"http://127.0.0.1:{port}/health", deadline)
        assert "quizapp" in fetch(f"http://127.0.0.1:{port}/", deadline)
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = log.read_text()
    assert "Loaded the bundled question bank." in output, output
    assert "No instructor account exists yet" in output
    (database,) = venv.glob("var/quizapp-instance/quizapp.db")
    with sqlite3.connect(database) as connection:
        (items,) = connection.execute("SELECT count(*) FROM item").fetchone()
    assert items > 100
