"""Flaky tests: a test that passes and fails on the same code and environment is flaky, said once per failure
and called new by the report; in another environment, after a change to the code (what ``analytics_code`` names,
or every file git sees) or for a missing server, it is not."""

from __future__ import annotations

import socket
import subprocess

from analytics_suite import SUITE, rows, run
from suite_toolkit.history import History
from suite_toolkit.report.data import collect

FLAKY_LINE = "flaky: tests/unit/test_suite.py::test_flaky passed and failed on the same code and environment"


def test_a_test_that_passes_and_fails_on_the_same_code_is_flaky_and_said_once_per_failure(suite, monkeypatch) -> None:
    run(suite, monkeypatch).assert_outcomes(passed=3)

    failing = run(suite, monkeypatch, FLAKY_FAILS="1")
    passing_again = run(suite, monkeypatch)

    failing.stdout.fnmatch_lines([FLAKY_LINE])  # it had passed on this code: the failure shows it
    passing_again.stdout.fnmatch_lines(["no regression, no flaky test"])  # the same failure, not said twice
    assert counted_flaky(suite) == {"tests/unit/test_suite.py::test_flaky": 1}


def test_a_test_that_fails_first_is_seen_flaky_when_it_passes_and_the_report_calls_it_new(suite, monkeypatch) -> None:
    run(suite, monkeypatch, FLAKY_FAILS="1").assert_outcomes(passed=2, failed=1)

    passing = run(suite, monkeypatch)

    passing.stdout.fnmatch_lines([FLAKY_LINE])
    data = collect(History(suite.path / ".test-history.db"))
    assert [(test["nodeid"], test["new"]) for test in data["flaky"]] == [("tests/unit/test_suite.py::test_flaky", True)]


def counted_flaky(suite) -> dict[str, int]:
    """Times seen flaky, as the report and the quarantine count them."""
    return {nodeid: times for nodeid, (times, _, _) in History(suite.path / ".test-history.db").flaky_counts().items()}


def test_the_same_code_in_another_environment_is_not_flaky(suite, monkeypatch) -> None:
    run(suite, monkeypatch).assert_outcomes(passed=3)
    monkeypatch.setattr("suite_toolkit.analytics.environment", lambda: "another-python")  # say, a new dependency

    result = run(suite, monkeypatch, FLAKY_FAILS="1")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["no regression, no flaky test"])


def test_in_a_git_repository_the_code_is_every_file_git_sees(suite, monkeypatch) -> None:
    (suite.path / "helpers.py").write_text("LIMIT = 1\n")  # a flat layout: code beside the tests, not in src/
    (suite.path / ".gitignore").write_text("*.log\n")
    for command in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "1"]):
        subprocess.run(["git", *command], cwd=suite.path, check=True)
    run(suite, monkeypatch).assert_outcomes(passed=3)
    (suite.path / "run.log").write_text("ignored by git: not the code\n")
    (suite.path / "tests" / "unit" / "__pycache__").mkdir(exist_ok=True)
    (suite.path / "tests" / "unit" / "__pycache__" / "test_suite.cpython-3.pyc").write_bytes(b"not ignored: bytecode")

    same_code = run(suite, monkeypatch, FLAKY_FAILS="1")
    (suite.path / "helpers.py").write_text("LIMIT = 2\n")  # changed, not committed
    changed_code = run(suite, monkeypatch, FLAKY_FAILS="1")
    (suite.path / "new_module.py").write_text("")  # untracked, not ignored
    new_file = run(suite, monkeypatch)

    same_code.stdout.fnmatch_lines(["flaky: *test_flaky passed and failed on the same code and environment"])
    changed_code.stdout.fnmatch_lines(["no regression, no flaky test"])
    new_file.stdout.fnmatch_lines(["no regression, no flaky test"])
    versions = rows(suite.path / ".test-history.db", "SELECT code_version, commit_sha FROM runs ORDER BY id")
    assert len({version for version, _ in versions}) == 3
    assert len({commit for _, commit in versions}) == 1
    assert versions[0][1] is not None


def test_a_setup_error_from_a_missing_server_is_the_servers_not_a_flaky_test(suite, monkeypatch) -> None:
    listening = socket.create_server(("127.0.0.1", 0))  # the server, up for the first run
    port = listening.getsockname()[1]
    (suite.path / "tests" / "unit" / "test_server.py").write_text(SERVER_SUITE.format(port=port))
    run(suite, monkeypatch, "tests/unit/test_server.py").assert_outcomes(passed=1)
    listening.close()  # down for the second; servers are required, as on CI

    result = run(suite, monkeypatch, "tests/unit/test_server.py", TEST_REQUIRE_SERVERS="1")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["server errors: 1 test(s) could not set up for a server *test_uses_the_server*"])
    result.stdout.no_fnmatch_line("flaky:*")
    assert rows(suite.path / ".test-history.db", "SELECT outcome FROM results ORDER BY run_id") == [
        ("passed",),
        ("server error",),
    ]


SERVER_SUITE = """
import socket
import pytest
from suite_toolkit.servers import Server

THING = Server("Thing", "127.0.0.1", {port}, "THING_URL", "make thing-up", hello=b"", recognises=lambda reply: True,
               is_authentication_error=lambda error: False)

@pytest.fixture
def thing():
    connection = THING.connect(lambda: socket.create_connection(("127.0.0.1", {port}), timeout=1))
    yield
    connection.close()

def test_uses_the_server(thing):
    pass
"""


def test_a_test_that_fails_after_a_code_change_is_not_flaky(suite, monkeypatch) -> None:
    run(suite, monkeypatch).assert_outcomes(passed=3)
    test_file = suite.path / "tests" / "unit" / "test_suite.py"
    test_file.write_text(SUITE.replace('!= "1"', '!= "0"'), encoding="utf-8")

    result = run(suite, monkeypatch, FLAKY_FAILS="0")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["no regression, no flaky test"])


def test_the_code_is_what_analytics_code_names(suite, monkeypatch) -> None:
    suite.makeini("[pytest]\nanalytics_code = mypackage\n")  # a flat layout: the tests are not "the code"
    run(suite, monkeypatch).assert_outcomes(passed=3)
    test_file = suite.path / "tests" / "unit" / "test_suite.py"
    test_file.write_text(SUITE.replace('!= "1"', '!= "0"'), encoding="utf-8")

    result = run(suite, monkeypatch, FLAKY_FAILS="0")

    result.stdout.fnmatch_lines(["flaky: tests/unit/test_suite.py::test_flaky passed and failed on the same code*"])
