"""pytest-testmon as the suite uses it: nothing re-runs when nothing changed, and a changed configuration file
re-runs everything (tests/plugins/testmon_inputs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]

TESTS = """
import yaml
from pathlib import Path

def retries():
    return yaml.safe_load(Path("config/test.yaml").read_text())["max_retries"]

def test_reads_the_configuration():
    assert retries() == 2

def test_needs_no_configuration():
    assert 1 + 1 == 2
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))  # the subprocess imports tests.plugins from here
    pytester.makepyfile(test_app=TESTS)
    pytester.mkdir("config")
    pytester.path.joinpath("config", "test.yaml").write_text("max_retries: 2\n")
    return pytester


def run_with_testmon(project: pytest.Pytester) -> pytest.RunResult:
    quiet = ("-p", "no:randomly", "-W", "ignore::pytest.PytestDeprecationWarning")
    return project.runpytest_subprocess("-p", "tests.plugins.testmon_inputs", "--testmon", *quiet)


def test_an_unchanged_project_runs_nothing_the_second_time(project: pytest.Pytester) -> None:
    run_with_testmon(project).assert_outcomes(passed=2)

    second = run_with_testmon(project)

    second.stdout.fnmatch_lines(["testmon: changed files: 0, unchanged files: 1, *", "*no tests ran*"])
    assert second.ret == pytest.ExitCode.OK  # testmon turns "no tests ran" into success itself


def test_a_changed_configuration_file_runs_the_tests_again(project: pytest.Pytester) -> None:
    run_with_testmon(project).assert_outcomes(passed=2)
    project.path.joinpath("config", "test.yaml").write_text("max_retries: 3\n")

    result = run_with_testmon(project)

    result.assert_outcomes(passed=1, failed=1)
