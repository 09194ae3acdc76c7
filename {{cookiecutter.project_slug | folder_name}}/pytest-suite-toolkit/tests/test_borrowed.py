"""Uses of another package's private interface (``suite_toolkit.borrowed``), run through that package, that
no other test covers: these fail when pytest-testmon changes what the plugin relies on. ``test_testmon_selection.py``
runs the others (testmon's plugin names, its executed lines, its data file) through testmon too."""

from __future__ import annotations

import pytest

TESTMON = ("-p", "testmon.pytest_testmon", "--testmon")

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
