"""Each use of another package's private interface (``suite_toolkit.private_api``), run through that package: these
fail when pytest-testmon changes what the plugin relies on."""

from __future__ import annotations

import pytest

TESTMON = ("-p", "testmon.pytest_testmon", "--testmon")

READS_THE_CONFIGURATION = """
from pathlib import Path

def test_reads_the_configuration():
    assert Path("config/test.yaml").read_text() == "max_retries: 2\\n"

def test_needs_no_configuration():
    assert 1 + 1 == 2
"""

NEEDS_A_SERVER = """
import os
import pytest
from suite_toolkit.servers import ServerUnavailable

@pytest.fixture
def server():
    if os.environ.get("SERVER_DOWN") == "1":
        raise ServerUnavailable("the server is down")

def test_needs_the_server(server):
    pass

def test_needs_nothing():
    pass
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_app=READS_THE_CONFIGURATION)
    pytester.mkdir("config")
    pytester.path.joinpath("config", "test.yaml").write_text("max_retries: 2\n")
    return pytester


def test_an_unchanged_project_runs_nothing_the_second_time(project: pytest.Pytester) -> None:
    project.runpytest_subprocess(*TESTMON).assert_outcomes(passed=2)

    second = project.runpytest_subprocess(*TESTMON)

    second.stdout.fnmatch_lines(["testmon: changed files: 0, unchanged files: 1, environment: inputs-*-code-*"])
    second.stdout.fnmatch_lines(["*no tests ran*"])


def test_a_changed_input_file_runs_every_test_again(project: pytest.Pytester) -> None:
    project.runpytest_subprocess(*TESTMON).assert_outcomes(passed=2)
    project.path.joinpath("config", "test.yaml").write_text("max_retries: 3\n")

    result = project.runpytest_subprocess(*TESTMON)

    result.assert_outcomes(passed=1, failed=1)


@pytest.mark.parametrize("where", ["--testmon-env", "ini"])
def test_the_users_own_testmon_environment_is_kept(project: pytest.Pytester, where: str) -> None:
    if where == "ini":
        project.makeini('[pytest]\nenvironment_expression = "mine"\n')
    args = ("--testmon-env", "mine") if where == "--testmon-env" else ()

    result = project.runpytest_subprocess(*TESTMON, *args)

    result.stdout.fnmatch_lines(["testmon: new DB, environment: mine|inputs-*-code-*"])


def test_a_test_skipped_for_a_missing_server_is_selected_once_the_server_is_back(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_app=NEEDS_A_SERVER)
    monkeypatch.setenv("SERVER_DOWN", "1")
    pytester.runpytest_subprocess(*TESTMON).assert_outcomes(passed=1, skipped=1)
    monkeypatch.delenv("SERVER_DOWN")

    result = pytester.runpytest_subprocess(*TESTMON, "-v")

    result.assert_outcomes(passed=1)  # testmon would deselect both: neither changed
    result.stdout.fnmatch_lines(["*test_needs_the_server PASSED*"])
