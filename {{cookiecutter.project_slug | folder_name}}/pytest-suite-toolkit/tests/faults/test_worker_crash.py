"""An xdist worker that dies mid-test (a segfault, an out-of-memory kill): reported as pytest-xdist reports it, the
run goes on, and the history records the test as failed on that worker."""

from __future__ import annotations

import sqlite3

import pytest


def test_an_xdist_worker_that_crashes_is_reported_as_xdist_reports_it_and_the_run_goes_on(pytester) -> None:
    pytester.makeini("[pytest]\ntiers = tests/unit\n")
    (pytester.mkdir("tests") / "unit").mkdir()
    for name in ("one", "two", "three"):
        (pytester.path / "tests" / "unit" / f"test_{name}.py").write_text(f"def test_{name}():\n    pass\n")
    crash = pytester.path / "tests" / "unit" / "test_crash.py"
    crash.write_text("import os\n\ndef test_dies():\n    os._exit(9)  # as a segfault or an out-of-memory kill\n")

    # With pytest-testmon too: its data and the toolkit's testmon inputs take the crash report like any other.
    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "2", "-p", "testmon.pytest_testmon", "--testmon")

    result.assert_outcomes(passed=3, failed=1)  # the other tests ran, on the worker xdist started instead
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*worker 'gw?' crashed while running 'tests/unit/test_crash.py::test_dies'*"])
    result.stdout.no_fnmatch_line("*INTERNALERROR*")
    with sqlite3.connect(pytester.path / ".test-history.db") as db:
        dies = db.execute("SELECT outcome, worker LIKE 'gw_' FROM results WHERE nodeid LIKE '%test_dies'").fetchall()
        recorded = db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    assert dies == [("failed", 1)]
    assert recorded == 4
