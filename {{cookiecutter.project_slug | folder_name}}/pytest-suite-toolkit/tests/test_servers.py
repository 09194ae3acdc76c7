"""Servers: a test whose server never answered skips with the cause, one line per server; a server lost mid-run is
an error. The inner suites use a TCP listener of their own as "the server"."""

from __future__ import annotations

import socket

import pytest

CONFTEST = """
import os
import socket
import pytest
from suite_toolkit.servers import Server

LISTENER = socket.create_server(("127.0.0.1", 0)) if os.environ.get("SERVER_UP") == "1" else None
PORT = LISTENER.getsockname()[1] if LISTENER else int(os.environ["CLOSED_PORT"])
SERVER = Server(
    "Echo", "127.0.0.1", PORT, "ECHO_URL", "echo-server --start", hello=b"", recognises=lambda reply: False,
    is_authentication_error=lambda error: False,
)
ASKED = []

def connect():
    ASKED.append(1)
    return SERVER.connect(lambda: socket.create_connection(("127.0.0.1", PORT), timeout=1).close())

def pytest_server_fixtures(config):
    return {"echo": connect}

@pytest.fixture
def echo():
    connect()
"""

TESTS = """
from conftest import ASKED, LISTENER

def test_first(echo):
    pass

def test_second(echo):
    pass

def test_asked_before_the_first_test():
    assert len(ASKED) >= 1

def test_the_server_goes_away():
    if LISTENER:
        LISTENER.close()

def test_after_it_went_away(echo):
    pass
"""


@pytest.fixture
def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        return listener.getsockname()[1]


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, closed_port: int) -> pytest.Pytester:
    monkeypatch.setenv("CLOSED_PORT", str(closed_port))
    monkeypatch.delenv("SERVER_UP", raising=False)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_echo=TESTS)
    return pytester


def test_without_the_server_its_tests_skip_with_the_cause_in_one_line(suite: pytest.Pytester, closed_port) -> None:
    result = suite.runpytest_subprocess("-rs")

    result.assert_outcomes(passed=2, skipped=3)
    cause = f"Echo at 127.0.0.1:{closed_port}: connection refused. Run `echo-server --start`, or set ECHO_URL."
    result.stdout.fnmatch_lines([f"SKIPPED [[]3] *servers.py: {cause}"])  # [[]: a literal [ for fnmatch


def test_when_servers_are_required_a_missing_one_fails(suite: pytest.Pytester, monkeypatch) -> None:
    monkeypatch.setenv("TEST_REQUIRE_SERVERS", "1")

    result = suite.runpytest_subprocess()

    result.assert_outcomes(passed=2, errors=3)
    result.stdout.fnmatch_lines(["*connection refused*[TEST_REQUIRE_SERVERS is set]*"])


def test_a_server_that_answered_and_went_away_is_an_error_not_a_skip(suite: pytest.Pytester, monkeypatch) -> None:
    monkeypatch.setenv("SERVER_UP", "1")

    result = suite.runpytest_subprocess("-p", "no:randomly")

    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(["*Echo at 127.0.0.1:* answered earlier in this run, and now: connection refused*"])


def test_a_server_is_asked_before_the_first_test_even_when_that_test_needs_none(suite: pytest.Pytester) -> None:
    result = suite.runpytest_subprocess("-k", "asked_before or went_away")

    result.assert_outcomes(passed=1, skipped=1)
