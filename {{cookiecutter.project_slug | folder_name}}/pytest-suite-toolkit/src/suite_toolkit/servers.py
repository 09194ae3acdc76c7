"""Servers the tests share with everything else on a machine: when to skip, when to fail, and whose things a run
may touch.

* A test skips only when its server never answered in this run, with one line giving the cause (refused, timed
  out, authentication failed, not that kind of server) and the fix; ``-rs`` prints one line per server, not per
  test. With ``TEST_REQUIRE_SERVERS=1`` (CI) that is a failure. A server that answered earlier in the run and then
  fails is an error naming it, never a skip: before the first test, each server that the selected tests need is
  asked once (the fixtures named by the ``pytest_server_fixtures`` hook, see ``hookspecs``).
* A setup or teardown error caused by a server (one that fails as above, or a connection error of a client library)
  is marked on its report (``server_error``), so the test history counts it as the server's, not as the test's
  outcome: a database that was down is not a flaky test.
* Tests skipped for a missing server ran nothing: pytest-testmon does not record them, so the next run, with the
  server, selects them.
* Whatever a run creates on a server is named for its owner (``owner``): the run, shared by its xdist workers,
  and the process, so two checkouts, two CI jobs or two workers never meet, and a run cleans up only its own.

A fixture connects through ``Server.connect``::

    SEARCH = Server("Search", host, port, "SEARCH_URL_TEST", "make search-up", hello=..., recognises=..., ...)

    @pytest.fixture(scope="session")
    def search_client():
        return SEARCH.connect(lambda: SearchClient(url))
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NoReturn, TypeVar

import pytest

from suite_toolkit.borrowed import forget_in_testmon

REQUIRE_SERVERS_VAR = "TEST_REQUIRE_SERVERS"
CONNECT_TIMEOUT = 3.0  # seconds; a server on this machine or the next answers in milliseconds
T = TypeVar("T")


class ServerUnavailable(pytest.skip.Exception):
    """A skip because a server is missing; the summary folds these into one line per server."""


class ServerFailed(pytest.fail.Exception):
    """A failure because a server is missing (when servers are required) or stopped answering."""


# Client libraries share no base class for "could not talk to the server": the database drivers' OperationalError
# and InterfaceError (DB-API names), the clients' own ConnectionError and TimeoutError (not always the built-in
# ones) are told by name, anywhere in the exception's class hierarchy or in the chain of exceptions that caused it.
CONNECTION_ERRORS = {"OperationalError", "InterfaceError", "ConnectionError", "TimeoutError"}


def caused_by_server(error: BaseException | None) -> bool:
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, (ServerFailed, ConnectionError, socket.gaierror)):
            return True
        if CONNECTION_ERRORS & {kind.__name__ for kind in type(error).__mro__}:
            return True
        error = error.__cause__ or error.__context__
    return False


def owner(testrun_uid: str, worker_id: str) -> str:
    """Who this process is on a shared server, such as ``1f2e3d4c-gw0``: the run, the same for all its xdist workers,
    and the worker (``master`` without xdist); the arguments are pytest-xdist's fixtures of those names."""
    return f"{testrun_uid[:8]}-{worker_id}"


@dataclass
class Server:
    """A server the tests need, as this process knows it: where it is and whether it has answered yet."""

    kind: str  # what people call it
    host: str
    port: int
    url_variable: str  # the environment variable that holds its URL
    start: str  # the command that starts one
    hello: bytes  # bytes this kind of server answers at once...
    recognises: Callable[[bytes], bool]  # ...with a reply this tells apart from any other server's
    is_authentication_error: Callable[[BaseException], bool]
    answered: bool = False
    missing: str | None = None  # why it did not answer, once it has not: later tests skip without waiting again

    def __str__(self) -> str:
        return f"{self.kind} at {self.host}:{self.port}"

    def connect(self, connect: Callable[[], T]) -> T:
        """``connect()``'s result. When it fails: a skip if the server never answered in this run, else an error."""
        if self.missing is not None:
            raise ServerUnavailable(self.missing)
        try:
            result = connect()
        except Exception as error:  # each client library raises its own kinds; diagnose() tells them apart
            failure = error
        else:
            self.answered = True
            return result
        self.unavailable(failure)  # outside the except block, so the report is one message, not a chain

    def unavailable(self, error: Exception) -> NoReturn:
        cause, fix = self.diagnose(error)
        if self.answered:
            raise ServerFailed(
                f"{self} answered earlier in this run, and now: {cause} ({first_line(error)})", pytrace=False
            )
        message = f"{self}: {cause}. {fix}"
        if os.environ.get(REQUIRE_SERVERS_VAR, "") not in ("", "0"):
            raise ServerFailed(f"{message} [{REQUIRE_SERVERS_VAR} is set]", pytrace=False)
        self.missing = message
        raise ServerUnavailable(message)

    def diagnose(self, error: Exception) -> tuple[str, str]:
        """The cause of ``error`` in words, and the fix. Client libraries word a refused port, a silent one and a
        server of another kind alike, so the port is asked directly."""
        check_url = f"Check the host, port, user and password in {self.url_variable}."
        if self.is_authentication_error(error):
            return "authentication failed", f"Check the user name and password in {self.url_variable}."
        try:
            connection = socket.create_connection((self.host, self.port), timeout=CONNECT_TIMEOUT)
        except socket.gaierror:
            return f"no host called {self.host!r}", check_url
        except ConnectionRefusedError:
            return "connection refused", f"Run `{self.start}`, or set {self.url_variable}."
        except TimeoutError:
            return f"no answer within {CONNECT_TIMEOUT:g} s", check_url
        except OSError as reason:  # no route to the host...
            return first_line(reason), check_url
        with connection:
            try:
                connection.sendall(self.hello)
                reply = connection.recv(64)
            except OSError:  # timed out, or reset: whatever listens there does not speak the protocol
                reply = b""
        if not self.recognises(reply):
            return f"what listens there does not answer as {self.kind}", f"Is that the right port? {check_url}"
        return f"the server refused: {first_line(error)}", check_url


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def check_needed(items: Iterable[pytest.Item], needed_by: dict[str, Callable[[], object]]) -> None:
    """Before the first test, call ``needed_by[fixture]()`` for each server fixture a selected test needs. A server
    that answers now and fails later in the run is then an error; the tests that need one that does not answer
    skip (or fail, when servers are required) as they start."""
    wanted = {name for item in items for name in getattr(item, "fixturenames", ())} & needed_by.keys()
    for name in sorted(wanted):
        with contextlib.suppress(pytest.skip.Exception, pytest.fail.Exception):  # each test that needs it says so
            needed_by[name]()


class ServerChecks:
    def __init__(self) -> None:
        self.skipped: set[str] = set()  # tests skipped for a missing server

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        needed_by: dict[str, Callable[[], object]] = {}
        for fixtures in session.config.hook.pytest_server_fixtures(config=session.config):
            needed_by.update(fixtures)
        check_needed(session.items, needed_by)

    @pytest.hookimpl(wrapper=True, tryfirst=True)  # tryfirst: outside pytest-testmon's wrapper, to see what it adds
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
        report = yield
        if call.excinfo is not None and call.excinfo.errisinstance(ServerUnavailable):
            # Every skip for a missing server at one place, so that `-rs` prints one line per server, not per test.
            report.longrepr = (__file__, None, str(call.excinfo.value.msg))
            self.skipped.add(item.nodeid)
        elif report.failed and call.when != "call" and call.excinfo is not None:
            report.server_error = caused_by_server(call.excinfo.value)  # sent to the xdist controller with the report
        if call.when == "teardown":
            forget_in_testmon(report, self.skipped)
        return report


def configure(config: pytest.Config) -> None:
    config.pluginmanager.register(ServerChecks(), "suite_toolkit.servers")
