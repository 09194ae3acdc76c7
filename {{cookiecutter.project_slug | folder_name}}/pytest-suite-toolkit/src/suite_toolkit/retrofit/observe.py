"""``observe``: one run of the suite as it is, recording what each test actually does (``OBSERVED``).

``observe()`` runs pytest in the project with this module as a plugin (``-p suite_toolkit.retrofit.observe
--retrofit-observe=PATH``). Python's audit hooks see what any library does through Python's socket, sqlite3, os
and subprocess modules: connections, database files, processes started, files opened for writing. Sleeping has no
audit event, so ``time.sleep`` and ``asyncio.sleep`` are wrapped for the run.

What happens while a test runs (its setup, call and teardown) is that test's. A session-scoped fixture is set up
during the first test that needs it, so what a fixture of the project does in its setup is also recorded with its
definition: ``plan`` counts it for every test that uses the fixture. Only the pytest process is seen, not the
processes it starts, and only a serial run: under pytest-xdist the tests run in workers, which write nothing
(``observe()`` passes ``-n 0``).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from suite_toolkit.retrofit import OBSERVED

# The clients a connection's port stands for; "sqlite" comes from its own audit event.
CLIENT_PORTS = {5432: "postgresql", 6379: "redis", 3306: "mysql", 80: "http", 443: "http", 8000: "http", 8080: "http"}
# Where each audit event that starts a program carries its command: argv, or a shell command line (os.system).
COMMAND_ARGUMENT = {"subprocess.Popen": 1, "os.exec": 1, "os.posix_spawn": 1, "os.system": 0}
# Plugins that would write into the project, or run the tests in processes this plugin does not see, and the
# options that turn them off even when the project's addopts turn them on (the last one given wins). Each is
# passed only when its plugin is installed: pytest refuses an option no plugin declares. {folder}: this run's own
# folder (pytest-benchmark makes its storage folder at start; a benchmark runs once, untimed, as a test).
TURNED_OFF = {
    "benchmark": ["--benchmark-disable", "--benchmark-storage=file://{folder}/benchmarks"],
    "pytest-testmon": ["--no-testmon"],
    "pytest_cov": ["--no-cov"],
    "xdist": ["-n", "0"],
}
OUTCOME_RANK = ["passed", "skipped", "failed", "error"]  # a test's outcome is the worst of its phases'


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("suite-retrofit", "suite-retrofit observe")
    group.addoption("--retrofit-observe", metavar="PATH", help="write what each test does to PATH (JSON)")


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("retrofit_observe")
    if path and not hasattr(config, "workerinput"):
        config.pluginmanager.register(Observer(config, Path(path)), "suite_toolkit.retrofit.observer")


@dataclass
class Effects:
    """What a test, or a fixture's setup, did."""

    connections: list[list[str | int]] = field(default_factory=list)
    clients: list[str] = field(default_factory=list)
    subprocesses: list[str] = field(default_factory=list)

    def add(self, kind: str, value: object) -> None:
        values = getattr(self, kind)
        if value not in values:
            values.append(value)


@dataclass
class TestRecord:
    file: str
    fixtures: list[str]
    effects: Effects = field(default_factory=Effects)
    outcome: str = "passed"
    seconds: float = 0.0
    sleeps: float = 0.0
    writes: list[str] = field(default_factory=list)

    def json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "outcome": self.outcome,
            "seconds": round(self.seconds, 6),
            **vars(self.effects),
            "sleeps": round(self.sleeps, 6),
            "writes": self.writes,
            "fixtures": self.fixtures,
        }


@dataclass
class FixtureRecord:
    name: str
    file: str
    line: int
    effects: Effects = field(default_factory=Effects)

    def json(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, **vars(self.effects)}


class Observer:
    def __init__(self, config: pytest.Config, output: Path) -> None:
        self.output = output
        self.root = str(config.rootpath)
        # Where a test may write without changing the project: tmp_path is in the system's temporary folder, or
        # in --basetemp (which may be in the project).
        folder = tempfile.gettempdir()
        self.temporary = tuple({os.path.join(folder, ""), os.path.join(os.path.realpath(folder), "")})
        basetemp = config.getoption("basetemp")
        self.basetemp = tuple([os.path.join(os.path.abspath(basetemp), "")] if basetemp else [])
        self.tests: dict[str, TestRecord] = {}
        self.definitions: dict[object, FixtureRecord | None] = {}  # by FixtureDef
        self.test: TestRecord | None = None  # the test running, None between tests
        self.fixtures_set_up: list[FixtureRecord | None] = []  # innermost last; None: not the project's
        self.originals = (time.sleep, asyncio.sleep)
        sys.addaudithook(self.audit)  # a hook cannot be removed: it does nothing once self.test is None
        time.sleep, asyncio.sleep = self.sleep, self.asyncio_sleep

    def pytest_unconfigure(self) -> None:
        time.sleep, asyncio.sleep = self.originals

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterator[None]:
        file = item.nodeid.split("::")[0]
        self.test = self.tests.setdefault(item.nodeid, TestRecord(file, list(getattr(item, "fixturenames", []))))
        try:
            return (yield)
        finally:
            self.test = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = self.tests.get(report.nodeid)
        if record is None:
            return
        record.seconds += report.duration
        outcome = ("failed" if report.when == "call" else "error") if report.failed else report.outcome
        record.outcome = max(record.outcome, outcome, key=OUTCOME_RANK.index)

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef: pytest.FixtureDef[object]) -> Iterator[object]:
        if fixturedef not in self.definitions:
            self.definitions[fixturedef] = self.project_definition(fixturedef)
        self.fixtures_set_up.append(self.definitions[fixturedef])
        try:
            return (yield)
        finally:
            self.fixtures_set_up.pop()

    def project_definition(self, fixturedef: pytest.FixtureDef[object]) -> FixtureRecord | None:
        function = inspect.unwrap(getattr(fixturedef.func, "__func__", fixturedef.func))
        code = getattr(function, "__code__", None)
        file = code and self.in_project(code.co_filename)
        if not file or "site-packages" in file:
            return None
        return FixtureRecord(fixturedef.argname, file, code.co_firstlineno)

    def pytest_sessionfinish(self) -> None:
        fixtures: dict[str, list[dict[str, object]]] = {}
        for record in self.definitions.values():
            if record is not None:
                fixtures.setdefault(record.name, []).append(record.json())
        observed = {
            "version": 1,
            "tests": {nodeid: record.json() for nodeid, record in self.tests.items()},
            "fixtures": {
                name: sorted(found, key=lambda d: (d["file"], d["line"])) for name, found in sorted(fixtures.items())
            },
        }
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.output.write_text(json.dumps(observed, indent=1) + "\n", encoding="utf-8")

    def in_project(self, path: str) -> str | None:
        """``path`` relative to the root when it is under it."""
        absolute = os.path.abspath(path)
        inside = os.path.commonpath([absolute, self.root]) == self.root
        return os.path.relpath(absolute, self.root).replace(os.sep, "/") if inside else None

    def effect(self, kind: str, value: object) -> None:
        self.test.effects.add(kind, value)
        if self.fixtures_set_up and self.fixtures_set_up[-1] is not None:
            self.fixtures_set_up[-1].effects.add(kind, value)

    def audit(self, event: str, args: tuple) -> None:
        # An exception raised here would be raised in the test: every argument is checked before it is used.
        if self.test is None:
            return
        if event == "socket.connect":
            self.connected(*args)
        elif event == "open":
            if isinstance(args[0], (str, bytes)) and isinstance(args[2], int) and args[2] & (os.O_WRONLY | os.O_RDWR):
                self.wrote(os.fsdecode(args[0]))
        elif event == "sqlite3.connect":
            self.effect("clients", "sqlite")
            database = args[0]
            if isinstance(database, (str, bytes, os.PathLike)):
                name = os.fsdecode(database)
                if name != ":memory:" and not name.startswith("file:"):  # a file sqlite creates, or writes to
                    self.wrote(name)
        elif event in COMMAND_ARGUMENT:
            self.effect("subprocesses", command_line(args[COMMAND_ARGUMENT[event]]))

    def connected(self, sock: object, address: object) -> None:
        family = getattr(sock, "family", None)
        if family == getattr(socket, "AF_UNIX", None) and isinstance(address, (str, bytes)):
            # A server on a Unix socket (redis-server --unixsocket): a connection as much as one on a port. Named by
            # the socket's file name: its folder is a new temporary one in each test.
            self.effect("connections", [f"unix:{os.path.basename(os.fsdecode(address))}", 0])
            return
        internet = family in (socket.AF_INET, socket.AF_INET6)
        if internet and isinstance(address, tuple) and len(address) >= 2 and isinstance(address[1], int):
            host, port = str(address[0]), address[1]
            self.effect("connections", [host, port])
            if port in CLIENT_PORTS:
                self.effect("clients", CLIENT_PORTS[port])

    def wrote(self, path: str) -> None:
        absolute = os.path.abspath(path)
        written = self.in_project(absolute)
        # The project itself may be in the temporary folder (a checkout in CI): its files count there too.
        elsewhere = written is None and absolute.startswith((*self.temporary, "/dev/"))
        if elsewhere or absolute.startswith(self.basetemp) or "__pycache__" in absolute or absolute == str(self.output):
            return
        if (written or absolute) not in self.test.writes:
            self.test.writes.append(written or absolute)

    def sleep(self, seconds: float) -> None:
        if self.test is not None:
            self.test.sleeps += seconds
        self.originals[0](seconds)

    async def asyncio_sleep(self, delay: float, result: object = None) -> object:
        if self.test is not None:
            self.test.sleeps += delay
        return await self.originals[1](delay, result)


def command_line(argv: object) -> str:
    if isinstance(argv, (str, bytes, os.PathLike)):
        return os.fsdecode(argv)
    if isinstance(argv, (list, tuple)):
        return " ".join(
            os.fsdecode(part) if isinstance(part, (str, bytes, os.PathLike)) else str(part) for part in argv
        )
    return str(argv)


def observe(root: Path, pytest_args: list[str], python: str = sys.executable) -> dict:
    """Run the suite in ``root`` once, with ``python`` (an interpreter with pytest and this package), and return
    what each test did (``OBSERVED``, also written there). Nothing in the project changes but ``.suite-retrofit/``:
    no pytest cache, no test history, no testmon or coverage data. pytest's output goes to this process's. It
    raises RuntimeError when pytest ran no tests to the end (a usage error, an interruption, an internal error)."""
    output = root / OBSERVED
    output.parent.mkdir(exist_ok=True)
    (output.parent / ".gitignore").write_text("*\n", encoding="utf-8")  # as .pytest_cache has: never committed
    output.unlink(missing_ok=True)  # a run that dies must not leave the last run's observation behind
    command = [python, "-m", "pytest", "-p", "suite_toolkit.retrofit.observe", f"--retrofit-observe={output}"]
    command += ["-p", "no:cacheprovider", "--no-analytics"]
    for plugin in sorted(installed_plugins(python) & TURNED_OFF.keys()):
        command += [option.format(folder=output.parent) for option in TURNED_OFF[plugin]]
    status = subprocess.run([*command, *pytest_args], cwd=root).returncode
    if status not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not output.is_file():
        raise RuntimeError(f"pytest did not run the suite to the end (exit status {status}): {' '.join(command)}")
    observed = {**json.loads(output.read_text(encoding="utf-8")), "pytest_args": list(pytest_args)}
    output.write_text(json.dumps(observed, indent=1) + "\n", encoding="utf-8")  # for apply, which runs it again
    return observed


def installed_plugins(python: str) -> set[str]:
    """The pytest plugins ``python`` loads by itself (their entry point names)."""
    script = "from importlib.metadata import entry_points\nfor e in entry_points(group='pytest11'): print(e.name)"
    return set(subprocess.run([python, "-c", script], capture_output=True, text=True, check=True).stdout.split())
