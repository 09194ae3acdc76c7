"""Every setting the plugin registers is in its README's table, with the default the plugin uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from suite_toolkit.settings import SETTINGS

README = Path(__file__).resolve().parent.parent / "README.md"
ROW = re.compile(r"^\| `(\w+)` \| (?:`([^`]*)`|none) \|", re.MULTILINE)


def shown(default: object) -> str:
    return " ".join(default) if isinstance(default, list) else str(default)


def test_the_readme_lists_every_setting_with_its_default() -> None:
    documented = {name: value or "" for name, value in ROW.findall(README.read_text(encoding="utf-8"))}

    assert documented == {name: shown(setting.default) for name, setting in SETTINGS.items()}


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("analytics_min_runs = three", "analytics_min_runs: 'three' is not a whole number"),
        ("analytics_baseline_runs = 0", "analytics_baseline_runs: 0 is less than 1"),
        ("analytics_regression_factor = x2", "analytics_regression_factor: 'x2' is not a number"),
        ("analytics_regression_floor = -1", "analytics_regression_floor: -1 is not above 0"),
        ("tier_timeouts = unit=5", "tier_timeouts: 'unit=5': no tier is called 'unit' (the tiers setting names none)"),
        ("tiers = tests/nowhere", "tiers: 'tests/nowhere': no such folder under *"),
        ("tiers =\n    tests\n    tests", "tiers: 'tests': the tier 'tests' is listed twice"),
    ],
)
def test_a_setting_that_cannot_be_used_stops_the_run_before_any_test(
    pytester: pytest.Pytester, setting: str, message: str
) -> None:
    pytester.mkdir("tests").joinpath("test_one.py").write_text("def test_one():\n    pass\n")
    pytester.makeini(f"[pytest]\n{setting}\n")

    result = pytester.runpytest()

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {message}"])
    assert not (pytester.path / ".test-history.db").exists()


def test_a_bad_worker_setting_stops_a_run_with_n_auto(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one():\n    pass\n")
    pytester.path.joinpath(".test_durations").write_text('{"test_one.py::test_one": 1.0}')
    pytester.makeini("[pytest]\nworkers_seconds_per_worker = fast\n")

    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "auto")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: workers_seconds_per_worker: 'fast' is not a number"])
