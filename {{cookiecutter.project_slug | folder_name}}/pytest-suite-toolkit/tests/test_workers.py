"""``-n auto``: as many pytest-xdist workers as the measured durations repay."""

from __future__ import annotations

import json

import pytest
from suite_toolkit.workers import workers_for


@pytest.mark.parametrize(
    ("seconds", "cores", "workers"),
    [(0, 2, 0), (15.9, 2, 0), (16, 2, 2), (100, 2, 2), (100, 8, 8), (40, 8, 5), (16, 1, 0)],
)
def test_workers_need_enough_measured_work_and_cores(seconds: float, cores: int, workers: int) -> None:
    assert workers_for(seconds, cores) == workers


def test_n_auto_stays_serial_and_says_why_without_durations(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one(): pass")

    result = pytester.runpytest("-p", "xdist", "-n", "auto")

    result.stdout.fnmatch_lines(["xdist workers (-n auto): serial: no .test_durations yet*", "*1 passed*"])


def test_n_auto_stays_serial_for_a_small_measured_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one(): pass")
    pytester.path.joinpath(".test_durations").write_text(json.dumps({"test_one.py::test_one": 3.5}))

    result = pytester.runpytest("-p", "xdist", "-n", "auto")

    result.stdout.fnmatch_lines(["xdist workers (-n auto): serial: 3.5 s measured, * cores", "*1 passed*"])


def test_each_worker_needs_the_measured_seconds_the_setting_asks(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one(): pass\ndef test_two(): pass")
    durations = {"test_one.py::test_one": 3.0, "test_one.py::test_two": 3.0}
    pytester.path.joinpath(".test_durations").write_text(json.dumps(durations))
    pytester.makeini("[pytest]\nworkers_seconds_per_worker = 2\n")

    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "auto")

    result.stdout.fnmatch_lines(["xdist workers (-n auto): 2: 6.0 s measured, * cores", "*2 passed*"])
