"""The small suite the analytics tests run through pytester, and how they run it and read what it recorded.

The inner tests take their time on a fake clock: the inner conftest sets each report's ``duration`` (pytest's
public measure, the one the plugin records) from a table the test controls, so nothing here waits.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

SUITE = """
import os

def test_steady():
    pass

def test_slowed_down():
    pass

def test_flaky():
    assert os.environ.get("FLAKY_FAILS") != "1"
"""

# The fake clock: the seconds each test's call takes, SLOW_SECONDS for test_slowed_down; XDIST_SLOWER times more
# under xdist, as when workers share the machine's cores; FIRST_SETUP seconds for the setup of the first test of
# the run, as a session fixture's; REVERSED runs the tests in the opposite order.
FAKE_CLOCK = """
import os
import pytest

SECONDS = {"test_steady": "0.05", "test_slowed_down": os.environ.get("SLOW_SECONDS", "0.2"), "test_flaky": "0.001"}
FACTOR = float(os.environ.get("XDIST_SLOWER", "1")) if os.environ.get("PYTEST_XDIST_WORKER") else 1.0
FIRST = []

def pytest_collection_modifyitems(items):
    if os.environ.get("REVERSED"):
        items.reverse()

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    seconds = float(SECONDS.get(item.name.split("[")[0], "0")) * FACTOR
    report.duration = seconds if call.when == "call" else 0.0
    if call.when == "setup" and not FIRST:
        FIRST.append(item)
        report.duration = float(os.environ.get("FIRST_SETUP", "0"))
    return report
"""


def run(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *args: str, **env: str) -> pytest.RunResult:
    with monkeypatch.context() as patch:
        for name in ("SLOW_SECONDS", "FLAKY_FAILS", "XDIST_SLOWER", "FIRST_SETUP", "REVERSED"):
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        return suite.runpytest_inprocess(*args)


def rows(path: Path, query: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(query).fetchall()
