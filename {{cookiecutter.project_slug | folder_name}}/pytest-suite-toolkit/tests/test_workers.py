"""``-n auto``: as many pytest-xdist workers as the measured durations of the run's tests repay.

The inner tests take their time on a fake clock (the inner conftest sets each call's ``duration``, pytest's measure,
which the test history records), so nothing here waits.
"""

from __future__ import annotations

import json

import pytest
from suite_toolkit.workers import workers_for

XDIST = ("-p", "xdist", "-n", "auto")
TESTMON = ("-p", "testmon.pytest_testmon")
FAKE_CLOCK = """
import pytest

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    report.duration = 5.0 if call.when == "call" else 0.0
    return report
"""


@pytest.fixture
def two_tests(pytester: pytest.Pytester) -> pytest.Pytester:
    """test_one.py with two tests whose calls take 5 s each on the fake clock."""
    pytester.makepyfile(test_one="def test_one(): pass\ndef test_two(): pass")
    pytester.makeconftest(FAKE_CLOCK)
    return pytester


@pytest.mark.parametrize(
    ("seconds", "cores", "workers"),
    [(0, 2, 0), (15.9, 2, 0), (16, 2, 2), (100, 2, 2), (100, 8, 8), (40, 8, 5), (16, 1, 0)],
)
def test_workers_need_enough_measured_work_and_cores(seconds: float, cores: int, workers: int) -> None:
    assert workers_for(seconds, cores) == workers


def test_n_auto_stays_serial_and_says_why_before_any_test_is_measured(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one(): pass")

    result = pytester.runpytest(*XDIST)

    result.stdout.fnmatch_lines(
        ["xdist workers (-n auto): serial: no test measured yet; every run measures its tests, the next one decides"]
    )
    result.stdout.no_fnmatch_line("*store-durations*")


def test_a_run_without_analytics_says_it_measures_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one(): pass")

    result = pytester.runpytest(*XDIST, "--no-analytics")

    result.stdout.fnmatch_lines(["xdist workers (-n auto): serial: *, this run records none (--no-analytics)"])


def test_n_auto_decides_from_the_test_history_from_the_second_run_on(two_tests: pytest.Pytester) -> None:
    two_tests.makeini("[pytest]\nworkers_seconds_per_worker = 4\n")
    two_tests.runpytest().assert_outcomes(passed=2)  # records 5 s for each test

    result = two_tests.runpytest_subprocess(*XDIST)

    result.stdout.fnmatch_lines(["xdist workers (-n auto): 2: 10.0 s measured (test history), * cores", "*2 passed*"])


def test_the_durations_file_measures_the_tests_the_history_has_not(two_tests: pytest.Pytester) -> None:
    two_tests.runpytest("test_one.py::test_one").assert_outcomes(passed=1)
    durations = {"test_one.py::test_one": 1.0, "test_one.py::test_two": 2.5}
    two_tests.path.joinpath(".test_durations").write_text(json.dumps(durations))
    two_tests.makeini("[pytest]\nworkers_seconds_per_worker = 100\n")

    result = two_tests.runpytest(*XDIST)

    result.stdout.fnmatch_lines(
        ["xdist workers (-n auto): serial: 7.5 s measured (test history; .test_durations for 1 test), * cores"]
    )


def test_n_auto_stays_serial_for_a_small_measured_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one(): pass")
    pytester.path.joinpath(".test_durations").write_text(json.dumps({"test_one.py::test_one": 3.5}))

    result = pytester.runpytest(*XDIST)

    result.stdout.fnmatch_lines(["xdist workers (-n auto): serial: 3.5 s measured (.test_durations), * cores"])


def test_each_worker_needs_the_measured_seconds_the_setting_asks(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one(): pass\ndef test_two(): pass")
    durations = {"test_one.py::test_one": 3.0, "test_one.py::test_two": 3.0}
    pytester.path.joinpath(".test_durations").write_text(json.dumps(durations))
    pytester.makeini("[pytest]\nworkers_seconds_per_worker = 2\n")

    result = pytester.runpytest_subprocess(*XDIST)

    result.stdout.fnmatch_lines(["xdist workers (-n auto): 2: 6.0 s measured (.test_durations), * cores", "*2 passed*"])


@pytest.mark.parametrize(
    ("named", "seconds"),
    [("tests/unit", "3.0"), ("tests/unit/test_a.py::test_a", "1.0"), ("tests", "13.0"), (".", "13.0")],
)
def test_only_the_tests_under_the_paths_a_run_names_count(pytester: pytest.Pytester, named: str, seconds: str) -> None:
    pytester.mkdir("tests")
    for folder, module in (("unit", "test_a"), ("e2e", "test_b")):
        pytester.mkdir(f"tests/{folder}").joinpath(f"{module}.py").write_text("def test_a(): pass\ndef test_b(): pass")
    durations = {
        "tests/unit/test_a.py::test_a": 1.0,
        "tests/unit/test_a.py::test_b": 2.0,
        "tests/e2e/test_b.py::test_a": 4.0,
        "tests/e2e/test_b.py::test_b": 6.0,
    }
    pytester.path.joinpath(".test_durations").write_text(json.dumps(durations))
    pytester.makeini("[pytest]\nworkers_seconds_per_worker = 100\n")

    result = pytester.runpytest(*XDIST, named)

    result.stdout.fnmatch_lines([f"xdist workers (-n auto): serial: {seconds} s measured (.test_durations), * cores"])


@pytest.mark.parametrize("option", [("-k", "test_two"), ("-m", "not slow"), ("--lf",)], ids=lambda o: o[0])
def test_n_auto_stays_serial_when_the_tests_are_picked_at_collection(
    two_tests: pytest.Pytester, option: tuple[str, ...]
) -> None:
    two_tests.makeini("[pytest]\nworkers_seconds_per_worker = 4\n")
    two_tests.runpytest().assert_outcomes(passed=2)

    result = two_tests.runpytest(*XDIST, *option)

    result.stdout.fnmatch_lines(
        [f"xdist workers (-n auto): serial: {option[0]} picks the tests at collection, after the workers start*"]
    )


def test_an_affected_only_run_stays_serial_and_a_first_recording_run_goes_parallel(two_tests: pytest.Pytester) -> None:
    """pytest-testmon picks the affected tests at collection, after the workers start: only its first run, which
    has no data yet and runs every test, can be shared out."""
    two_tests.makeini("[pytest]\nworkers_seconds_per_worker = 4\n")
    two_tests.runpytest("--no-testmon", *TESTMON).assert_outcomes(passed=2)

    first = two_tests.runpytest_subprocess(*TESTMON, *XDIST, "--testmon")
    affected = two_tests.runpytest_subprocess(*TESTMON, *XDIST, "--testmon")

    first.stdout.fnmatch_lines(["xdist workers (-n auto): 2: 10.0 s measured (test history), * cores", "*2 passed*"])
    affected.stdout.fnmatch_lines(
        ["xdist workers (-n auto): serial: pytest-testmon picks the affected tests at collection, after the workers*"]
    )
    assert (two_tests.path / ".testmondata").exists()
