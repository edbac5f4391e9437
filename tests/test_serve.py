"""``quizapp serve`` as a new user runs it: migrate, load the bundled bank,
print the setup link, serve."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/auth/setup/[\w-]+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_migrates_prints_a_setup_link_and_serves(database_uri: str, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_uri,
        "QUIZAPP_SECRET_KEY": "test-only-serve",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "quizapp.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output = ""
        deadline = time.monotonic() + 30
        while not LINK.search(output) and time.monotonic() < deadline and server.poll() is None:
            output += server.stdout.readline()
        match = LINK.search(output)
        assert match, f"no setup link in: {output}"
        for _ in range(50):
            try:
                with urllib.request.urlopen(match.group(1)) as response:
                    page = response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert "Create the first instructor" in page
        assert "Loaded the bundled question bank. Decks: leukopenia." in output
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()
