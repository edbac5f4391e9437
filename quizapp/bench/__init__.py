"""The load benchmark's side in the app: ``quizapp bench seed`` fills a database.

The benchmark itself (``bench/run.py``) drives a running server over HTTP.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from quizapp.bench.cli import bench_cli

    app.cli.add_command(bench_cli)
