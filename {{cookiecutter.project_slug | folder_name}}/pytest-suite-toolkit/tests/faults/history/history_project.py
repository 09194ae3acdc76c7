"""The two-test project whose runs the history fault tests record in ``.test-history.db``, and reading that
history back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

SUITE = "import os\n\ndef test_one():\n    pass\n\ndef test_two():\n    assert os.environ.get('TWO_FAILS') != '1'\n"
HISTORY = ".test-history.db"


def rows(path: Path, query: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(query).fetchall()


def recorded_runs(project: pytest.Pytester) -> int:
    return rows(project.path / HISTORY, "SELECT COUNT(*) FROM runs")[0][0]
