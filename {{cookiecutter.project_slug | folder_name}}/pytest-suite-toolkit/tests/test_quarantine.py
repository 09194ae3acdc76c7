"""The quarantine marker: rerun with pytest-rerunfailures, reported, not failing the run; candidates from the
history; ``--quarantined`` to confirm a fix."""

from __future__ import annotations

import sqlite3

import pytest

SUITE = """
import os
from pathlib import Path

import pytest

def test_steady():
    pass

@pytest.mark.quarantine(reason="fails when told")
def test_quarantined():
    assert os.environ.get("QUARANTINED_FAILS") != "1"

def test_fails_once_then_passes(tmp_path_factory):
    # Fails the first time in a run and passes when run again: what a rerun hides.
    marker = Path(os.environ["ATTEMPTS_FILE"])
    attempts = int(marker.read_text()) + 1 if marker.exists() else 1
    marker.write_text(str(attempts))
    assert attempts > 1 or os.environ.get("ONCE_FAILS") != "1"

def test_other():
    assert os.environ.get("OTHER_FAILS") != "1"
"""


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    (pytester.mkdir("tests") / "test_suite.py").write_text(SUITE, encoding="utf-8")
    pytester.makeini("[pytest]\naddopts = -p rerunfailures -p pytest_repeat\n")
    monkeypatch.setenv("ATTEMPTS_FILE", str(pytester.path / "attempts"))
    for name in ("QUARANTINED_FAILS", "ONCE_FAILS", "OTHER_FAILS"):
        monkeypatch.delenv(name, raising=False)
    return pytester


def run(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *args: str, **env: str) -> pytest.RunResult:
    (suite.path / "attempts").unlink(missing_ok=True)
    with monkeypatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        return suite.runpytest_inprocess(*args)


def outcomes(suite: pytest.Pytester) -> list[tuple]:
    with sqlite3.connect(suite.path / ".test-history.db") as db:
        return db.execute(
            "SELECT run_id, substr(nodeid, instr(nodeid, '::') + 2), outcome, reruns, quarantined FROM results "
            "WHERE nodeid LIKE '%quarantined' OR nodeid LIKE '%once%' ORDER BY run_id, nodeid"
        ).fetchall()


def test_a_quarantined_test_is_rerun_and_its_failure_reported_without_failing_the_run(suite, monkeypatch) -> None:
    result = run(suite, monkeypatch, QUARANTINED_FAILS="1")

    assert result.parseoutcomes() == {"passed": 3, "failed": 1, "rerun": 2}
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        ["*- quarantine -*", "1 quarantined test(s) failed; they do not fail the run:", "  *::test_quarantined"]
    )
    assert ("test_quarantined", "failed", 2, 1) in [row[1:] for row in outcomes(suite)]


def test_another_failure_still_fails_the_run(suite, monkeypatch) -> None:
    result = run(suite, monkeypatch, QUARANTINED_FAILS="1", OTHER_FAILS="1")

    assert result.parseoutcomes() == {"passed": 2, "failed": 2, "rerun": 2}
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["1 quarantined test(s) failed; the run fails for the other failures:"])


def test_the_marker_is_declared_and_reruns_are_a_setting(suite, monkeypatch) -> None:
    suite.makeini("[pytest]\naddopts = -p rerunfailures --strict-markers\nquarantine_reruns = 0\n")

    result = run(suite, monkeypatch, QUARANTINED_FAILS="1")

    result.assert_outcomes(passed=3, failed=1)
    assert result.ret == pytest.ExitCode.OK


def test_a_test_that_passes_on_a_rerun_is_flaky(suite, monkeypatch) -> None:
    (suite.path / "conftest.py").write_text(
        "import pytest\n\ndef pytest_collection_modifyitems(items):\n"
        "    for item in items:\n        item.add_marker(pytest.mark.flaky(reruns=1))\n"
    )

    result = run(suite, monkeypatch, ONCE_FAILS="1")

    assert result.parseoutcomes() == {"passed": 4, "rerun": 1}
    result.stdout.fnmatch_lines(["flaky: tests/test_suite.py::test_fails_once_then_passes passed on a rerun"])


def test_quarantined_runs_the_marked_tests_and_the_candidates_without_reruns(suite, monkeypatch) -> None:
    suite.makeini("[pytest]\naddopts = -p rerunfailures -p pytest_repeat\nquarantine_after = 2\n")
    for _ in range(2):  # fails twice, passes twice, on the same code: flaky twice, a candidate
        run(suite, monkeypatch, OTHER_FAILS="1")
        run(suite, monkeypatch)

    confirm = run(suite, monkeypatch, "--quarantined", "--count", "3", "--no-analytics", "-v", QUARANTINED_FAILS="1")

    confirm.stdout.fnmatch_lines(["*3 failed, 3 passed, 6 deselected*"])  # 3 runs each: quarantined, test_other
    assert "rerun" not in confirm.stdout.str().splitlines()[-1]
    assert confirm.ret == pytest.ExitCode.TESTS_FAILED  # a failure here means the fix is not one
    confirm.stdout.fnmatch_lines(["*::test_quarantined[[]1-3[]] FAILED*", "*::test_other[[]1-3[]] PASSED*"])
    assert "test_steady" not in confirm.stdout.str()
