"""``-n auto`` respects pytest-xdist's documented overrides: ``PYTEST_XDIST_AUTO_NUM_WORKERS`` is the number of
workers, whatever was measured; ``PYTHON_CPU_COUNT`` is the number of cores (as Python 3.13's
``os.process_cpu_count`` counts them, on every Python). The header says which decided; an override that is not a
number is one warning, and the run goes on without it."""

from __future__ import annotations

import json

import pytest

XDIST = ("-p", "xdist", "-n", "auto")


@pytest.fixture
def measured(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """Two tests measured at 5 s each in the durations file, enough work for ten workers of 1 s each."""
    for name in ("PYTEST_XDIST_AUTO_NUM_WORKERS", "PYTHON_CPU_COUNT"):
        monkeypatch.delenv(name, raising=False)
    pytester.makepyfile(test_measured="def test_one(): pass\ndef test_two(): pass")
    durations = {"test_measured.py::test_one": 5.0, "test_measured.py::test_two": 5.0}
    pytester.path.joinpath(".test_durations").write_text(json.dumps(durations))
    pytester.makeini("[pytest]\nworkers_seconds_per_worker = 1\n")
    return pytester


@pytest.mark.parametrize(("workers", "shown"), [("3", "3"), ("0", "serial")])
def test_xdists_worker_count_override_wins(
    measured: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, workers: str, shown: str
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", workers)

    result = measured.runpytest_subprocess(*XDIST)

    result.stdout.fnmatch_lines(
        [f"xdist workers (-n auto): {shown}: PYTEST_XDIST_AUTO_NUM_WORKERS={workers}", "*2 passed*"]
    )


@pytest.mark.parametrize(("cores", "shown"), [("1", "serial"), ("3", "3")])
def test_python_cpu_count_is_the_number_of_cores(
    measured: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, cores: str, shown: str
) -> None:
    monkeypatch.setenv("PYTHON_CPU_COUNT", cores)

    result = measured.runpytest_subprocess(*XDIST)

    result.stdout.fnmatch_lines(
        [
            f"xdist workers (-n auto): {shown}: 10.0 s measured (.test_durations), {cores} core* (PYTHON_CPU_COUNT)",
            "*2 passed*",
        ]
    )


@pytest.mark.parametrize(
    ("variable", "value", "why"),
    [
        ("PYTEST_XDIST_AUTO_NUM_WORKERS", "many", "'many' is not a number of workers"),
        ("PYTEST_XDIST_AUTO_NUM_WORKERS", "-2", "'-2' is not a number of workers"),
        ("PYTHON_CPU_COUNT", "lots", "'lots' is not a number of cores"),
        ("PYTHON_CPU_COUNT", "0", "'0' is not a number of cores"),
    ],
)
def test_an_override_that_is_not_a_number_is_one_warning(
    measured: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, why: str
) -> None:
    """In process: Python 3.13 itself refuses to start with such a ``PYTHON_CPU_COUNT``."""
    monkeypatch.setenv(variable, value)
    measured.makeini("[pytest]\nworkers_seconds_per_worker = 100\n")  # serial, so the run stays in this process

    result = measured.runpytest(*XDIST)

    result.assert_outcomes(passed=2, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "xdist workers (-n auto): serial: 10.0 s measured (.test_durations), * cores",
            f"*PytestWarning: {variable}: {why}; -n auto ignores it",
        ]
    )


def test_python_cpu_count_default_is_no_override(measured: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_CPU_COUNT", "default")
    measured.makeini("[pytest]\nworkers_seconds_per_worker = 100\n")

    result = measured.runpytest(*XDIST)

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["xdist workers (-n auto): serial: 10.0 s measured (.test_durations), * cores"])
    result.stdout.no_fnmatch_line("*PYTHON_CPU_COUNT*")
