"""A live server in a thread and a real headless Chromium driven by Playwright."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests._requirements import missing

CHROMIUM = Path("/usr/bin/chromium")
# As root in a closed network: no sandbox, and no background calls to other hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Werkzeug's development server closes a response's file only after draining the
# socket; when the browser has dropped the connection that drain raises first and
# the file is left to the garbage collector. Only this test server does that (the
# app runs under gunicorn), and only for static files, so only that is ignored.
DROPPED_STATIC_FILE = (
    r"ignore:Exception ignored in. <_io\.(FileIO|BufferedReader) name='[^']*/quizapp/static/"
    ":pytest.PytestUnraisableExceptionWarning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.filterwarnings(DROPPED_STATIC_FILE))


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server: str):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    other_hosts: list[str] = []
    page.on(
        "request",
        lambda request: (
            other_hosts.append(request.url) if not request.url.startswith(live_server) else None
        ),
    )
    yield page
    page.wait_for_load_state("networkidle")  # no response cut off mid-flight by closing
    context.close()
    assert other_hosts == [], f"the page loaded from other hosts: {other_hosts}"
