"""Absurd settings (huge, infinite, not a number, out of range) stop the run at its start, with one line naming the
setting and the value, before any test runs (and before any xdist worker starts): also the settings of a part that
this run does not switch on (the analytics under ``--no-analytics``, the workers without ``-n auto``)."""

from __future__ import annotations

import pytest

HUGE = "100000000000000000000"  # 20 digits: more than SQLite's integers hold
ABSURD = [
    ("analytics_keep_runs", HUGE, f"{HUGE} is more than 1000000"),
    ("analytics_baseline_runs", HUGE, f"{HUGE} is more than 1000000"),
    ("analytics_min_runs", "-3", "-3 is less than 1"),
    ("analytics_min_runs", "inf", "'inf' is not a whole number"),
    ("analytics_regression_factor", "inf", "inf is more than 1000"),
    ("analytics_regression_factor", "nan", "'nan' is not a number"),
    ("analytics_regression_floor", "-inf", "-inf is not above 0"),
    ("analytics_regression_floor", "0", "0 is not above 0"),
    ("analytics_regression_floor", "1e400", "inf is more than 3600"),
    ("quarantine_reruns", HUGE, f"{HUGE} is more than 100"),
    ("quarantine_reruns", "-1", "-1 is less than 0"),
    ("quarantine_after", "0", "0 is less than 1"),
    ("quarantine_after", "2.5", "'2.5' is not a whole number"),
    ("workers_seconds_per_worker", "inf", "inf is more than 3600"),
    ("workers_seconds_per_worker", "nan", "'nan' is not a number"),
    ("workers_seconds_per_worker", "-5", "-5 is not above 0"),
    ("workers_seconds_per_worker", "eight", "'eight' is not a number"),
]
ABSURD_TIER_LIMITS = [
    ("inf", "inf is more than 86400"),
    ("nan", "'nan' is not a number"),
    ("-inf", "-inf is less than 0.01"),
    ("-5", "-5 is less than 0.01"),
    ("0", "0 is less than 0.01"),
    ("1e-7", "1e-07 is less than 0.01"),
    (HUGE, "1e+20 is more than 86400"),
    ("fifteen", "'fifteen' is not a number"),
]
RUNS = {"plain run": (), "--no-analytics": ("--no-analytics",), "-n auto": ("-p", "xdist", "-n", "auto")}


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A unit tier whose one test leaves a file behind when it runs."""
    pytester.mkdir("tests")
    pytester.mkdir("tests/unit").joinpath("test_one.py").write_text(
        "from pathlib import Path\n\ndef test_one():\n    Path('a test ran').touch()\n"
    )
    return pytester


def assert_stopped_before_any_test(result: pytest.RunResult, suite: pytest.Pytester, message: str) -> None:
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if line.strip()] == [f"ERROR: {message}"]
    assert not (suite.path / "a test ran").exists()
    assert not (suite.path / ".test-history.db").exists()


@pytest.mark.parametrize("run", RUNS.values(), ids=RUNS.keys())
@pytest.mark.parametrize(("setting", "value", "why"), ABSURD, ids=[f"{s}={v}" for s, v, _ in ABSURD])
def test_an_absurd_number_stops_the_run_with_one_line_naming_it(
    suite: pytest.Pytester, run: tuple[str, ...], setting: str, value: str, why: str
) -> None:
    suite.makeini(f"[pytest]\n{setting} = {value}\n")

    result = suite.runpytest(*run)

    assert_stopped_before_any_test(result, suite, f"{setting}: {why}")


@pytest.mark.parametrize(("seconds", "why"), ABSURD_TIER_LIMITS, ids=[seconds for seconds, _ in ABSURD_TIER_LIMITS])
def test_an_absurd_tier_limit_stops_the_run_with_one_line_naming_it(
    suite: pytest.Pytester, seconds: str, why: str
) -> None:
    suite.makeini(f"[pytest]\ntiers = tests/unit\ntier_timeouts = unit={seconds}\n")

    result = suite.runpytest("-p", "timeout")

    assert_stopped_before_any_test(result, suite, f"tier_timeouts: 'unit={seconds}': {why}")


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("analytics_keep_runs", "1000000"),
        ("analytics_regression_floor", "3600"),
        ("quarantine_reruns", "0"),
        ("workers_seconds_per_worker", "0.5"),
        ("tier_timeouts", "unit=0.01"),
        ("tier_timeouts", "unit=86400"),
    ],
)
def test_the_bounds_themselves_are_accepted(suite: pytest.Pytester, setting: str, value: str) -> None:
    suite.makeini(f"[pytest]\ntiers = tests/unit\n{setting} = {value}\n")

    result = suite.runpytest()

    result.assert_outcomes(passed=1)
