"""Tiers: a marker per tier folder, declared for the user, applied at collection, with a time limit per tier."""

from __future__ import annotations

import pytest

TIERS = """[pytest]
tiers =
    tests/unit: fast, isolated tests
    tests/integration
"""

CHECKS_ITS_LIMIT = """
import os

def test_limit(request):
    marker = request.node.get_closest_marker("timeout")
    expected = os.environ.get("EXPECTED_LIMIT")
    assert (marker.args[0] if marker else None) == (float(expected) if expected else None)
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    for tier in ("unit", "integration"):
        folder = pytester.mkdir("tests") / tier if tier == "unit" else pytester.path / "tests" / tier
        folder.mkdir()
        (folder / f"test_{tier}.py").write_text(CHECKS_ITS_LIMIT, encoding="utf-8")
    pytester.makeini(TIERS)
    return pytester


@pytest.mark.parametrize(("selection", "selected"), [("unit", "unit"), ("integration", "integration")])
def test_a_tier_marker_selects_the_tests_of_its_folder(suite: pytest.Pytester, selection: str, selected: str) -> None:
    result = suite.runpytest("--strict-markers", "-m", selection, "--co", "-q")

    result.stdout.fnmatch_lines([f"tests/{selected}/test_{selected}.py::test_limit", "1/2 tests collected*"])


def test_each_tier_marker_is_declared_with_its_description(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--markers")

    result.stdout.fnmatch_lines(
        ["@pytest.mark.unit: fast, isolated tests", "@pytest.mark.integration: the tests under tests/integration"]
    )


def test_a_marker_the_user_declared_keeps_their_description(suite: pytest.Pytester) -> None:
    suite.makeini(TIERS + "markers =\n    unit: my words\n")

    result = suite.runpytest("--markers")

    assert result.stdout.str().count("@pytest.mark.unit:") == 1
    result.stdout.fnmatch_lines(["@pytest.mark.unit: my words"])


def test_two_tiers_with_one_name_stop_the_run(suite: pytest.Pytester) -> None:
    (suite.path / "other" / "unit").mkdir(parents=True)
    suite.makeini("[pytest]\ntiers =\n    tests/unit\n    other/unit\n")

    result = suite.runpytest()

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: tiers: 'other/unit': the tier 'unit' is also the name of */tests/unit"])


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [((), {}, "15"), (("--timeout", "5"), {}, ""), ((), {"PYTEST_TIMEOUT": "5"}, "")],
    ids=["tier-limit", "--timeout-for-all", "PYTEST_TIMEOUT-for-all"],
)
def test_each_tier_has_its_time_limit_unless_one_is_given_for_all(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], env: dict, expected: str
) -> None:
    suite.makeini(TIERS + "tier_timeouts = unit=15\n")
    monkeypatch.setenv("EXPECTED_LIMIT", expected)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    result = suite.runpytest("-p", "timeout", "tests/unit", *args)

    result.assert_outcomes(passed=1)


def test_a_test_past_its_tiers_limit_fails_and_the_run_goes_on(pytester: pytest.Pytester) -> None:
    pytester.mkdir("tests")
    pytester.mkdir("tests/unit").joinpath("test_hangs.py").write_text(
        "import threading\n\ndef test_hangs():\n    threading.Event().wait()\n\ndef test_after():\n    pass\n"
    )
    pytester.makeini("[pytest]\ntiers = tests/unit\ntier_timeouts = unit=1\n")

    result = pytester.runpytest_subprocess("-p", "timeout")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*Failed: Timeout (>1.0s) from pytest-timeout*"])


def test_a_limit_for_a_tier_that_does_not_exist_stops_the_run(suite: pytest.Pytester) -> None:
    suite.makeini(TIERS + "tier_timeouts = units=15\n")

    result = suite.runpytest("-p", "timeout")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: tier_timeouts: 'units=15': no tier is called 'units' (tiers: unit, integration)"]
    )


def test_without_pytest_timeout_the_limits_are_left_out(suite: pytest.Pytester, monkeypatch) -> None:
    suite.makeini(TIERS + "tier_timeouts = unit=15\n")
    monkeypatch.setenv("EXPECTED_LIMIT", "")

    suite.runpytest("tests/unit").assert_outcomes(passed=1)
