"""Fixtures for the content pipeline tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .builders import DECK, TOPICS, BankCopy


@pytest.fixture
def bank(tmp_path: Path) -> BankCopy:
    shutil.copytree(TOPICS / DECK, tmp_path / "bank" / DECK)
    return BankCopy(tmp_path / "bank")
