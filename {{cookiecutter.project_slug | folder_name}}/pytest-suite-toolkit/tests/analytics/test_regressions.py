"""Regressions: a test slower than its baseline is reported once it is slow twice in a row, against the last runs
of its own kind (its tier run on its own, runs under xdist); noise, a baseline of too few runs and a session
fixture's setup landing on another first test alert nothing; the thresholds are settings; speed markers come
from the measured baselines."""

from __future__ import annotations

import pytest
from analytics_suite import rows, run


def test_a_slowed_down_test_is_reported_once_it_has_a_baseline_and_is_slow_twice_in_a_row(suite, monkeypatch) -> None:
    for _ in range(3):
        run(suite, monkeypatch).assert_outcomes(passed=3)

    once = run(suite, monkeypatch, SLOW_SECONDS="0.9")
    twice = run(suite, monkeypatch, SLOW_SECONDS="0.9")

    once.stdout.fnmatch_lines(["no regression, no flaky test"])
    twice.stdout.fnmatch_lines(
        ["regression: tests/unit/test_suite.py::test_slowed_down 0.90s, baseline 0.20s (4.5x), 0.90s the run before"]
    )
    assert "test_steady" not in twice.stdout.str().split("test analytics")[-1]


def test_a_tier_run_on_its_own_between_other_tiers_runs_is_compared_with_its_own_last_runs(suite, monkeypatch) -> None:
    suite.makeini("[pytest]\ntiers =\n    tests/unit\n    tests/integration\n")
    (suite.path / "tests" / "integration").mkdir()
    (suite.path / "tests" / "integration" / "test_other.py").write_text("def test_other():\n    pass\n")
    for tier, times in (("tests/unit", 3), ("tests/integration", 5)):
        for _ in range(times):
            run(suite, monkeypatch, tier)  # partial runs, one kind: the unit tests are in none of the last five

    run(suite, monkeypatch, "tests/unit", SLOW_SECONDS="0.9")
    result = run(suite, monkeypatch, "tests/unit", SLOW_SECONDS="0.9")

    result.stdout.fnmatch_lines(["regression: tests/unit/test_suite.py::test_slowed_down 0.90s, baseline 0.20s*"])


def test_a_slow_call_once_is_noise_not_a_regression(suite, monkeypatch) -> None:
    for _ in range(3):
        run(suite, monkeypatch).assert_outcomes(passed=3)

    results = [run(suite, monkeypatch, SLOW_SECONDS="0.9"), run(suite, monkeypatch), run(suite, monkeypatch)]

    for result in results:
        result.stdout.fnmatch_lines(["no regression, no flaky test"])


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


def test_the_thresholds_are_settings(suite, monkeypatch) -> None:
    suite.makeini(
        "[pytest]\ntiers = tests/unit\nanalytics_min_runs = 1\nanalytics_regression_factor = 1.2\n"
        "analytics_regression_floor = 0.05\n"
    )
    run(suite, monkeypatch).assert_outcomes(passed=3)
    run(suite, monkeypatch, SLOW_SECONDS="0.32").assert_outcomes(passed=3)

    result = run(suite, monkeypatch, SLOW_SECONDS="0.32")

    result.stdout.fnmatch_lines(
        ["regression: tests/unit/test_suite.py::test_slowed_down 0.32s, baseline 0.26s (1.2x)*"]
    )


def test_a_session_fixtures_setup_landing_on_another_first_test_is_no_regression(suite, monkeypatch) -> None:
    for _ in range(3):  # test_steady runs first and pays the setup: 2 s
        run(suite, monkeypatch, FIRST_SETUP="2.0").assert_outcomes(passed=3)

    reversed_order = run(suite, monkeypatch, FIRST_SETUP="2.0", REVERSED="1")  # test_flaky pays it now

    reversed_order.stdout.fnmatch_lines(["no regression, no flaky test"])
    first_setups = rows(suite.path / ".test-history.db", "SELECT nodeid, setup FROM results WHERE setup > 0")
    assert [nodeid.split("::")[1] for nodeid, _ in first_setups] == ["test_steady"] * 3 + ["test_flaky"]


def test_runs_under_xdist_are_compared_with_runs_under_xdist(suite, monkeypatch) -> None:
    for _ in range(5):
        run(suite, monkeypatch).assert_outcomes(passed=3)
    monkeypatch.setenv("XDIST_SLOWER", "10")  # each test 10x slower with two workers on the machine

    first_parallel = suite.runpytest_subprocess("-p", "xdist", "-n", "2")
    for _ in range(2):
        suite.runpytest_subprocess("-p", "xdist", "-n", "2").assert_outcomes(passed=3)
    monkeypatch.setenv("SLOW_SECONDS", "0.9")
    suite.runpytest_subprocess("-p", "xdist", "-n", "2").assert_outcomes(passed=3)  # once: noise, maybe
    slowed_down = suite.runpytest_subprocess("-p", "xdist", "-n", "2")

    first_parallel.stdout.fnmatch_lines(
        ["run 6 recorded in .test-history.db: 3 tests, xdist 2, full", "no regression*"]
    )
    slowed_down.stdout.fnmatch_lines(["regression: tests/unit/test_suite.py::test_slowed_down 9.00s, baseline 2.00s*"])
    assert "test_steady" not in slowed_down.stdout.str().split("test analytics")[-1]


def test_speed_markers_come_from_the_measured_baselines(suite, monkeypatch) -> None:
    unmeasured = run(suite, monkeypatch, "-m", "not medium and not slow", "--co", "-q")
    unmeasured.stdout.fnmatch_lines(["3 tests collected*"])
    run(suite, monkeypatch, SLOW_SECONDS="1.5").assert_outcomes(passed=3)

    fast = run(suite, monkeypatch, "-m", "fast", "--co", "-q")
    slow = run(suite, monkeypatch, "-m", "slow", "--co", "-q")

    fast.stdout.fnmatch_lines(["*test_steady", "*test_flaky", "2/3 tests collected (1 deselected)*"])
    slow.stdout.fnmatch_lines(["*test_slowed_down", "1/3 tests collected (2 deselected)*"])
