"""What test analytics records of each run, and where: each test's phases, tier, outcome and worker; the kind of
run; the history file moved, or in a folder that does not exist yet; one run under xdist; nothing for
``--no-analytics`` or an interrupted run. Short durations as shown."""

from __future__ import annotations

import pytest
from analytics_suite import rows, run
from suite_toolkit.analytics import seconds


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
    result.stdout.fnmatch_lines(["*- test analytics -*", "run 1 recorded in .test-history.db: 3 tests, serial, full"])


def test_the_tier_is_the_marker_not_a_part_of_the_test_id(suite, monkeypatch) -> None:
    (suite.path / "tests" / "unit" / "test_ids.py").write_text(
        'import pytest\n\n@pytest.mark.parametrize("path", ["a/b", "tests/c/d"])\ndef test_path(path):\n    pass\n'
    )
    (suite.path / "elsewhere").mkdir()
    (suite.path / "elsewhere" / "test_outside.py").write_text("def test_outside():\n    pass\n")

    run(suite, monkeypatch, "tests", "elsewhere").assert_outcomes(passed=6)

    tiers = rows(suite.path / ".test-history.db", "SELECT tier, COUNT(*) FROM results GROUP BY tier ORDER BY tier")
    assert tiers == [("", 1), ("unit", 5)]


@pytest.mark.parametrize(
    ("args", "selection"),
    [
        ((), "full"),
        (("tests",), "full"),
        (("tests/unit/test_suite.py",), "partial"),
        (("tests/unit/test_suite.py::test_steady",), "partial"),
        (("-k", "steady"), "partial"),
        (("-m", "unit"), "partial"),
        (("-p", "pytest_split.plugin", "--splits", "2", "--group", "1"), "shard 1/2"),
    ],
)
def test_each_run_is_recorded_with_its_kind(suite, monkeypatch, args: tuple[str, ...], selection: str) -> None:
    suite.makeini("[pytest]\ntiers = tests/unit\ntestpaths = tests\n")

    run(suite, monkeypatch, *args)

    recorded = rows(suite.path / ".test-history.db", "SELECT mode, selection, kind FROM runs")
    kind = f"serial, {'shards of 2' if selection.startswith('shard') else selection}"
    assert recorded == [("serial", selection, kind)]


def test_no_analytics_records_and_marks_nothing(suite, monkeypatch) -> None:
    result = run(suite, monkeypatch, "--no-analytics")

    result.assert_outcomes(passed=3)
    assert not (suite.path / ".test-history.db").exists()
    assert "test analytics" not in result.stdout.str()


@pytest.mark.parametrize("where", ["option", "setting"])
def test_the_history_file_can_be_moved(suite, monkeypatch, where: str) -> None:
    if where == "setting":
        suite.makeini("[pytest]\nanalytics_file = elsewhere.db\n")
    args = ("--analytics-file", "elsewhere.db") if where == "option" else ()

    run(suite, monkeypatch, *args).assert_outcomes(passed=3)

    assert rows(suite.path / "elsewhere.db", "SELECT COUNT(*) FROM results") == [(3,)]
    assert not (suite.path / ".test-history.db").exists()


def test_under_xdist_the_controller_writes_one_run_with_each_workers_tests(suite) -> None:
    result = suite.runpytest_subprocess("-p", "xdist", "-n", "2")

    result.assert_outcomes(passed=3)
    history = suite.path / ".test-history.db"
    assert rows(history, "SELECT COUNT(*) FROM runs") == [(1,)]
    assert {worker for (worker,) in rows(history, "SELECT worker FROM results")} <= {"gw0", "gw1"}
    assert rows(history, "SELECT tier, COUNT(*) FROM results GROUP BY tier") == [("unit", 3)]
    assert rows(history, "SELECT round(call, 3) FROM results ORDER BY nodeid") == [(0.001,), (0.2,), (0.05,)]


def test_a_history_in_a_folder_that_does_not_exist_yet_is_created_there(suite, monkeypatch) -> None:
    suite.makeini("[pytest]\nanalytics_file = build/history/tests.db\n")

    result = run(suite, monkeypatch)

    result.stdout.fnmatch_lines(["run 1 recorded in build/history/tests.db: 3 tests, *"])
    assert rows(suite.path / "build" / "history" / "tests.db", "SELECT COUNT(*) FROM results") == [(3,)]


def test_an_interrupted_run_records_nothing(suite) -> None:
    interrupts = suite.path / "tests" / "unit" / "test_interrupts.py"
    interrupts.write_text("def test_stop():\n    raise KeyboardInterrupt\n")

    result = suite.runpytest_subprocess()  # in process, the interrupt would stop this run too

    result.stdout.fnmatch_lines(["nothing recorded: the run ended early (interrupted)"])
    assert not (suite.path / ".test-history.db").exists()


@pytest.mark.parametrize(("value", "shown"), [(0.2, "0.20s"), (0.01, "0.01s"), (0.0042, "4.2ms"), (0.0, "0.0ms")])
def test_short_durations_are_shown_in_milliseconds(value: float, shown: str) -> None:
    assert seconds(value) == shown
