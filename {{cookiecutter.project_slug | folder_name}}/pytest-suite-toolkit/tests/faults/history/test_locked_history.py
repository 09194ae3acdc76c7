"""A test history that cannot be written, is locked by another process, or is shared by several runs and reports at
once: the tests' exit status stays theirs, a lock is waited for, a bounded time, and no run is lost. Each fault is done
for real; each test asserts what the user sees (pytest's own summary and exit status, one line from the machinery) and
what is left on disk."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from history_project import HISTORY, recorded_runs
from suite_toolkit import history_file
from suite_toolkit.history import History
from suite_toolkit.history_rules import Measurement, Run


@pytest.mark.parametrize("exitcode", [pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED])
def test_a_history_that_cannot_be_written_leaves_the_tests_exit_status_and_says_why(project, exitcode, monkeypatch):
    (project.path / HISTORY).mkdir()  # a directory where the file should be
    if exitcode:
        monkeypatch.setenv("TWO_FAILS", "1")

    result = project.runpytest_inprocess()

    assert result.ret == exitcode
    result.stdout.fnmatch_lines([f"nothing recorded: {HISTORY}: unable to open database file"])
    result.stdout.no_fnmatch_line("*Traceback*")
    assert (project.path / HISTORY).is_dir()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes read-only files all the same")
def test_a_read_only_history_leaves_the_tests_exit_status_and_says_why(project) -> None:
    project.runpytest_inprocess().assert_outcomes(passed=2)
    history = project.path / HISTORY
    history.chmod(0o444)
    before = history.read_bytes()

    result = project.runpytest_inprocess()

    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([f"nothing recorded: {HISTORY}: attempt to write a readonly database"])
    assert history.read_bytes() == before


HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
"""


def lock(history: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the history's write lock for ``seconds``: another run writing, say."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(history), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "locked\n"
    return holder


def test_a_run_waits_for_a_history_locked_for_a_moment_and_records(project) -> None:
    project.runpytest_inprocess().assert_outcomes(passed=2)
    holder = lock(project.path / HISTORY, 2.0)

    result = project.runpytest_inprocess()

    holder.wait()
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"run 2 recorded in {HISTORY}: 2 tests, serial, full"])


def test_a_history_locked_longer_than_the_wait_leaves_the_tests_exit_status_and_says_why(project, monkeypatch):
    project.runpytest_inprocess().assert_outcomes(passed=2)
    monkeypatch.setattr(history_file, "LOCK_WAIT", 0.5)  # 30 s in use: a test need not wait that long
    holder = lock(project.path / HISTORY, 10.0)
    try:
        started = time.monotonic()
        result = project.runpytest_inprocess()
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()

    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"nothing recorded: {HISTORY}: database is locked"])
    assert waited < 10.0  # bounded: it did not wait for the other process to end
    assert recorded_runs(project) == 1  # the earlier run is intact


def test_several_runs_and_reports_at_once_lose_no_run(project) -> None:
    """Eight runs and three reports at once on one history, as a developer's terminal, the commit hook and an editor
    may: every run is recorded, every report is drawn."""
    project.runpytest_inprocess().assert_outcomes(passed=2)
    history = History(project.path / HISTORY)  # as large as a real one, so that reading it takes a while
    for number in range(30):
        run = Run(f"earlier-{number}", None, time.time() - 3600 + number, None, "code", "env", "serial", "full", 1.0)
        tests = (Measurement(f"test_big.py::test_{n}", "", "main", "passed", call=0.01) for n in range(3000))
        history.record(run, tests, keep=50)
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": ""}
    runs = [
        subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project.path,
                         env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(8)
    ]  # fmt: skip
    reports = [
        subprocess.Popen([sys.executable, "-m", "suite_toolkit.report", "--history", HISTORY, "--json", f"r{n}.json"],
                         cwd=project.path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for n in range(3)
    ]  # fmt: skip
    outputs = [process.communicate(timeout=300)[0] for process in runs + reports]

    assert [process.returncode for process in runs + reports] == [0] * 11, outputs
    assert all("nothing recorded" not in output for output in outputs), outputs
    assert recorded_runs(project) == 39
    assert all((project.path / f"r{n}.json").exists() for n in range(3))
