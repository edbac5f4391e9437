"""Skips for missing outside resources, turned into failures where CI requires them.

A new user's laptop may lack PostgreSQL, Chromium or the seed documents: those
tests skip with a reason. ``.ci/run`` sets ``QUIZAPP_TESTS_REQUIRE_ALL=1`` so that
the same absence fails the run instead of silently passing.
"""

from __future__ import annotations

import os

import pytest


def require_all() -> bool:
    return os.environ.get("QUIZAPP_TESTS_REQUIRE_ALL", "") not in ("", "0", "false", "no")


def missing(reason: str) -> None:
    """Skip the current test, or fail it when CI requires every resource."""
    if require_all():
        pytest.fail(f"required in CI but missing: {reason}", pytrace=False)
    pytest.skip(reason)
