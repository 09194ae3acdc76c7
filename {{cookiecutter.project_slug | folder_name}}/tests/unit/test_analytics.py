"""The analytics plugin (tests/plugins/analytics.py) on small suites run by pytester.

The inner tests take their time on a fake clock: pytest reads durations through ``_pytest.timing``, which
``run`` replaces for the inner run, and ``timing.sleep(s)`` moves that clock at once. Nothing here waits.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from _pytest import timing

PROJECT_ROOT = Path(__file__).resolve().parents[2]

SUITE = """
import os
from _pytest import timing

def test_steady():
    timing.sleep(0.05)

def test_slowed_down():
    timing.sleep(float(os.environ.get("SLOW_SECONDS", "0.2")))

def test_flaky():
    timing.sleep(0.001)
    assert os.environ.get("FLAKY_FAILS") != "1"
"""


@dataclass
class FakeClock:
    """pytest's clock for one inner run: it moves only when a test sleeps on it."""

    perf: float
    wall: float

    def perf_counter(self) -> float:
        return self.perf

    def time(self) -> float:
        return self.wall

    def sleep(self, seconds: float) -> None:
        self.perf += seconds
        self.wall += seconds


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    folder = pytester.mkdir("tests") / "unit"
    folder.mkdir()
    (folder / "test_suite.py").write_text(SUITE, encoding="utf-8")
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # the inner runs load only the plugins they name
    return pytester


def run(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *args: str, **env: str) -> pytest.RunResult:
    """One inner run on a fake clock; the outer test's own phases keep the real one."""
    with monkeypatch.context() as patch:
        clock = FakeClock(timing.perf_counter(), timing.time())
        for name in ("perf_counter", "time", "sleep"):
            patch.setattr(timing, name, getattr(clock, name))
        for name in ("SLOW_SECONDS", "FLAKY_FAILS"):
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        return suite.runpytest_inprocess("-p", "tests.plugins.analytics", *args)


def rows(path: Path, query: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(query).fetchall()


def test_each_test_is_recorded_with_its_phases_tier_outcome_and_worker(suite, monkeypatch) -> None:
    result = run(suite, monkeypatch, FLAKY_FAILS="1")

    result.assert_outcomes(passed=2, failed=1)
    recorded = rows(
        suite.path / ".test-history.db",
        "SELECT nodeid, tier, worker, outcome, round(call, 3) FROM results ORDER BY nodeid",
    )
    assert recorded == [
        ("tests/unit/test_suite.py::test_flaky", "unit", "main", "failed", 0.001),
        ("tests/unit/test_suite.py::test_slowed_down", "unit", "main", "passed", 0.2),
        ("tests/unit/test_suite.py::test_steady", "unit", "main", "passed", 0.05),
    ]
    assert rows(suite.path / ".test-history.db", "SELECT tests, failed FROM runs") == [(3, 1)]
    result.stdout.fnmatch_lines(["*- test analytics -*", "run 1 recorded in .test-history.db: 3 tests"])


def test_a_slowed_down_test_is_reported_once_it_has_a_baseline(suite, monkeypatch) -> None:
    for _ in range(3):
        run(suite, monkeypatch).assert_outcomes(passed=3)

    result = run(suite, monkeypatch, SLOW_SECONDS="0.9")

    result.stdout.fnmatch_lines(["regression: tests/unit/test_suite.py::test_slowed_down 0.90s, baseline 0.20s (4.5x)"])
    assert "test_steady" not in result.stdout.str().split("test analytics")[-1]


def test_a_slowdown_before_the_baseline_has_enough_runs_alerts_nothing(suite, monkeypatch) -> None:
    run(suite, monkeypatch)

    result = run(suite, monkeypatch, SLOW_SECONDS="0.9")

    result.stdout.fnmatch_lines(["no regression, no flaky test"])


@pytest.mark.parametrize(
    "durations",
    [
        ["0.2", "0.25", "0.18", "0.3", "0.22", "0.35"],  # noise: at most 1.75x the median
        ["0.01", "0.012", "0.011", "0.09"],  # 9x slower, but only 0.08 s: under the floor
    ],
    ids=["jitter", "tiny-test"],
)
def test_noise_alone_alerts_nothing(suite, monkeypatch, durations: list[str]) -> None:
    results = [run(suite, monkeypatch, SLOW_SECONDS=seconds) for seconds in durations]

    for result in results:
        result.stdout.fnmatch_lines(["no regression, no flaky test"])


def test_a_test_that_passes_and_fails_on_the_same_code_is_flaky(suite, monkeypatch) -> None:
    run(suite, monkeypatch).assert_outcomes(passed=3)

    result = run(suite, monkeypatch, FLAKY_FAILS="1")

    result.stdout.fnmatch_lines(["flaky: tests/unit/test_suite.py::test_flaky passed and failed on code *"])


def test_a_test_that_fails_after_a_code_change_is_not_flaky(suite, monkeypatch) -> None:
    run(suite, monkeypatch).assert_outcomes(passed=3)
    test_file = suite.path / "tests" / "unit" / "test_suite.py"
    test_file.write_text(SUITE.replace('!= "1"', '!= "0"'), encoding="utf-8")

    result = run(suite, monkeypatch, FLAKY_FAILS="0")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["no regression, no flaky test"])


def test_speed_markers_come_from_the_measured_baselines(suite, monkeypatch) -> None:
    unmeasured = run(suite, monkeypatch, "-m", "not medium and not slow", "--co", "-q")
    unmeasured.stdout.fnmatch_lines(["3 tests collected*"])
    run(suite, monkeypatch, SLOW_SECONDS="1.5").assert_outcomes(passed=3)

    fast = run(suite, monkeypatch, "-m", "fast", "--co", "-q")
    slow = run(suite, monkeypatch, "-m", "slow", "--co", "-q")

    fast.stdout.fnmatch_lines(["*test_steady", "*test_flaky", "2/3 tests collected (1 deselected)*"])
    slow.stdout.fnmatch_lines(["*test_slowed_down", "1/3 tests collected (2 deselected)*"])


def test_no_analytics_records_and_marks_nothing(suite, monkeypatch) -> None:
    result = run(suite, monkeypatch, "--no-analytics")

    result.assert_outcomes(passed=3)
    assert not (suite.path / ".test-history.db").exists()
    assert "test analytics" not in result.stdout.str()


def test_the_history_file_can_be_moved(suite, monkeypatch) -> None:
    run(suite, monkeypatch, "--analytics-file", "elsewhere.db").assert_outcomes(passed=3)

    assert rows(suite.path / "elsewhere.db", "SELECT COUNT(*) FROM results") == [(3,)]
    assert not (suite.path / ".test-history.db").exists()


def test_under_xdist_the_controller_writes_one_run_with_each_workers_tests(suite, monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))  # the workers import tests.plugins from here
    result = suite.runpytest_subprocess("-p", "xdist", "-p", "tests.plugins.analytics", "-n", "2")

    result.assert_outcomes(passed=3)
    history = suite.path / ".test-history.db"
    assert rows(history, "SELECT COUNT(*) FROM runs") == [(1,)]
    assert {worker for (worker,) in rows(history, "SELECT worker FROM results")} <= {"gw0", "gw1"}
    assert rows(history, "SELECT COUNT(*) FROM results") == [(3,)]
