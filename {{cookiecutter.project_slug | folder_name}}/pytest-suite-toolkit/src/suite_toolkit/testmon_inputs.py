"""What pytest-testmon cannot trace, recorded while the tests run and used to select them again.

testmon re-runs a test when Python code that ran *inside* it changes. These escape it, and each is recorded here
(``dependencies``) and turned into tests to select:

* **Files the tests read.** An audit hook sees every ``open`` of the process; a file under the project (not Python
  code, not a tool's cache) read by a test, by the collection of a test module (a corpus that parametrizes it) or
  by the session (a conftest, ``pytest_configure``) is an input of that test, that module's tests, or every test.
  ``testmon_inputs`` adds glob patterns for files read where the hook cannot see (a subprocess, before pytest
  loads this plugin).
* **Code run while a test module is collected.** The functions called while a test module is imported and
  collected (a class body calling the library, a parametrize list built by it) count for each of its tests.
* **Code run in the processes the tests start** (``subprocesses``): the functions a Python process started during
  a test ran, and the files it opened, count for every test that ran while it was alive.
* **Import-time code**: constants, dicts, class attributes, default values, decorators. A change re-runs the tests
  that executed a function reading a changed name (or the decorated function itself), and the tests of a test
  module whose own import-time code reads it: ``testmon_module_changes = "precise"``. A change this cannot
  follow (a statement that binds no name, a file that does not parse) re-runs every test, as ``"everything"``
  does for any import-time change.

Python files are testmon's: they are never inputs here. Nothing is selected without testmon's ``--testmon``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from suite_toolkit import borrowed, settings, settings_files
from suite_toolkit.analytics import shown
from suite_toolkit.calls import Calls
from suite_toolkit.dependencies import Dependencies, InputsUnusable, Recorded
from suite_toolkit.inputs_selection import (
    INPUTS,
    Project,
    Selection,
    inputs_digest,
    select,
)
from suite_toolkit.opened_files import OPENS, SESSION
from suite_toolkit.subprocesses import Subprocesses

WORKER_OUTPUT = "suite_toolkit_inputs"  # what an xdist worker tells the controller that writes
EVERY_TEST = "every test pytest-testmon would leave out ran"


class Inputs:
    def __init__(self, config: pytest.Config, store: Dependencies, missing: bool) -> None:
        self.config = config
        self.store = store
        # Nothing known of any test's inputs: none recorded (testmon's data, made before, knows the tests), or what
        # was recorded cannot be read (``unread`` says why). This run must not narrow the selection by them.
        self.missing = missing
        self.unread: str | None = None
        self.ran_everything: list[bool] = []  # per process that selected (this one, or each xdist worker)
        self.summary: str | None = None  # the one line on the file, when something was wrong with it
        ignored = {config.getini("analytics_file"), config.getini("workers_durations_file"), store.path.name}
        code = tuple(folder.strip("/") for folder in config.getini("testmon_code"))
        self.project = Project(config.rootpath, ignored, code)
        self.precise = settings.one_of(config, "testmon_module_changes", ("precise", "everything")) == "precise"
        self.selection: Selection | None = None
        self.recorded = Recorded()  # as read before this run, when it selects
        self.settings_files = settings_files.SettingsFiles(config, config.getini("testmon_settings"))
        self.known_tests = 0
        self.ignored_without_testmon: Callable[..., bool | None] | None = None
        self.run = Recorded()
        self.calls: Calls | None = None  # records the functions run while a test module is collected
        self.collected: dict[str, set[tuple[str, str]]] = {}  # module -> functions, until a report carries them
        self.subprocesses: Subprocesses | None = None
        self.last_test = False

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self) -> None:
        # testmon decides in its pytest_configure, after this plugin's: with --no-testmon (or no --testmon), it
        # neither records nor selects, and this plugin stands down (its tracing cost 2 s per 10,000 tests, measured).
        if not (borrowed.testmon_collects(self.config) or borrowed.testmon_selects(self.config)):
            OPENS.listening = False
            self.config.pluginmanager.unregister(self)
        elif borrowed.xdist_controller(self.config):
            # Its workers run the tests and record what their sessions read; what it reads from now on (the
            # other plugins' files at the end of the run) is nobody's input.
            OPENS.owner = None
        elif borrowed.testmon_collects(self.config):
            self.subprocesses = Subprocesses(self.project.root)  # the processes this one's tests start

    def pytest_unconfigure(self) -> None:
        if self.calls is not None:
            self.calls.close()
        if self.subprocesses is not None:
            self.subprocesses.close()
            self.subprocesses = None

    # Selection: before collection, since testmon skips collecting the files whose tests it does not select.
    def selected(self) -> Selection:
        if self.selection is None:
            self.selection = self.select() or Selection(everything=True, reasons=["no recorded inputs to read"])
        return self.selection

    def select(self) -> Selection | None:
        """The tests whose recorded inputs changed; None when nothing is known of them (``unread`` says why)."""
        if not self.store.path.exists() and borrowed.testmon_datafile(self.config).exists():
            # Data of testmon's, none of this plugin's: recorded without it (maybe made by testmon in this run, on
            # the first: then every test runs anyway).
            return None
        try:
            recorded = self.recorded = self.store.read(executed=False)
        except (InputsUnusable, sqlite3.Error, OSError) as error:
            self.unread = because(error)
            return None
        recorded.load_executed = self.store.read_executed
        try:
            with OPENS.deaf():
                selection = select(
                    self.project,
                    recorded,
                    self.precise,
                    self.config.getini("testmon_inputs"),
                    self.settings_files.values,
                )
        except (InputsUnusable, sqlite3.Error) as error:  # reading ``executed``, once something changed
            self.unread = because(error)
            return None
        self.known_tests = len(recorded.tests)
        return selection

    @pytest.hookimpl(tryfirst=True)
    def pytest_ignore_collect(self, collection_path: Path) -> bool | None:
        if not borrowed.testmon_selects(self.config):
            return None
        try:
            relative = collection_path.relative_to(self.project.root).as_posix()
        except ValueError:
            return None
        selection = self.selected()
        if selection.everything:  # whatever pytest and the other plugins collect, whether testmon would or not
            if self.ignored_without_testmon is None:
                left_out = [self, borrowed.testmon_selector(self.config)]
                self.ignored_without_testmon = self.config.pluginmanager.subset_hook_caller(
                    "pytest_ignore_collect", remove_plugins=left_out
                )
            return bool(self.ignored_without_testmon(collection_path=collection_path, config=self.config))
        wanted = {*selection.modules, *(test.split("::", 1)[0] for test in selection.tests)}
        return False if relative in wanted else None  # collect it: testmon would skip it

    @pytest.hookimpl(wrapper=True, tryfirst=True)  # outside testmon's, to put back what it left out
    def pytest_collection_modifyitems(self, session: pytest.Session, items: list[pytest.Item]) -> Iterator[None]:
        everything = list(items)
        result = yield
        if borrowed.testmon_selects(self.config):
            selection = self.selected()
            kept = {id(item) for item in items}
            again = [item for item in everything if id(item) not in kept and selection.wants(item.nodeid)]
            by_testmon = len(items)
            items.extend(again)
            borrowed.take_back_deselected(self.config, again)  # they run: pytest's summary must not count them
            known = max(self.known_tests, len(everything))
            line = f"affected-only: {len(items)} of {known} tests run, {by_testmon} selected by pytest-testmon"
            if again:
                line += f"; testmon inputs: {len(again)} more tests selected ({'; '.join(selection.reasons)})"
            self.config.stash[report_key] = line
        return result

    # Recording: who opens what, and what runs while a test module is collected.
    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(self, collector: pytest.Collector) -> Iterator[pytest.CollectReport]:
        if not isinstance(collector, pytest.Module):
            return (yield)
        owner = collector.nodeid
        OPENS.owner = owner
        if self.calls is None:
            self.calls = Calls(f"{self.project.root}{os.sep}")
        try:
            with self.calls:
                return (yield)
        finally:
            OPENS.owner = SESSION
            called = (self.project.function_at(*call) for call in self.calls.made)
            self.collected.setdefault(owner, set()).update(function for function in called if function)

    def pytest_collection_finish(self) -> None:
        OPENS.owner = None  # the session's own reads are over: the conftests, configuration, collection

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[object]:
        OPENS.owner, self.last_test = item.nodeid, nextitem is None
        try:
            return (yield)
        finally:
            OPENS.owner = None

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest) -> Iterator[object]:
        """What a fixture wider than a test reads counts for every test that may use it: its module's, or all."""
        owner = OPENS.owner
        if fixturedef.scope in ("module", "class"):
            OPENS.owner = request.node.nodeid.split("::", 1)[0]
        elif fixturedef.scope in ("package", "session"):
            OPENS.owner = SESSION
        try:
            return (yield)
        finally:
            OPENS.owner = owner

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
        report = yield
        if call.when == "teardown":
            seen, OPENS.seen = OPENS.seen, []
            calls, self.collected = self.collected, {}
            report.suite_toolkit_calls = sorted((owner, *each) for owner, made in calls.items() for each in made)
            ran: set[tuple[str, str, str]] = set()
            for process in self.subprocesses.after(item.nodeid, self.last_test) if self.subprocesses else ():
                functions = {self.project.function_at(*code) for code in process.code} - {None}
                ran.update((test, *function) for test in process.tests for function in functions)
                seen += [(test, path) for test in process.tests for path in process.opened]
            report.suite_toolkit_ran = sorted(ran)  # sent by xdist workers, as the rest
            report.suite_toolkit_reads = sorted(set(seen))
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "teardown" or hasattr(self.config, "workerinput"):
            return
        for owner, path in getattr(report, "suite_toolkit_reads", ()):
            relative = self.project.relative(path)
            if relative is not None:
                self.run.reads.setdefault(owner, set()).add(relative)
        for owner, path, function in getattr(report, "suite_toolkit_calls", ()):
            self.run.calls.setdefault(owner, set()).add((path, function))
        for test, path, function in getattr(report, "suite_toolkit_ran", ()):  # in a process the test started
            self.run.calls.setdefault(test, set()).add((path, function))
            self.run.executed.setdefault(test, set()).add((path, function))
        for nodeid, files in (borrowed.testmon_executed_lines(report) or {}).items():
            functions = self.run.executed.setdefault(nodeid, set())
            for path, lines in files.items():
                by_line = self.project.lines_of(path)
                functions.update({(path, by_line[line].qualname) for line in lines if line in by_line})

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: object, error: object) -> None:
        """pytest-xdist's controller: what a worker found reading the file (a crashed worker says nothing)."""
        found = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT)
        if found:
            self.unread = self.unread or found["unread"]
            self.ran_everything.append(found["ran_everything"])

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.selection is not None:
            self.ran_everything.append(self.selection.everything)
        if hasattr(self.config, "workerinput"):
            ran_everything = bool(self.ran_everything) and all(self.ran_everything)
            self.config.workeroutput[WORKER_OUTPUT] = {"unread": self.unread, "ran_everything": ran_everything}
            return
        if not borrowed.testmon_collects(self.config):
            return
        where = shown(self.config, self.store.path)
        nothing_known = f"{where}{self.unread}" if self.unread else f"{where} was missing" if self.missing else None
        try:
            written = self.record()
        except (InputsUnusable, sqlite3.Error, OSError) as error:
            outcome = f"nothing recorded: {where}{because(error)}"
        else:
            outcome = f"{where} {written}" if written else None
        if nothing_known:  # one line: what was found before the tests, what this run did, what was done to the file
            self.summary = f"{outcome or nothing_known}; {EVERY_TEST}"
            if outcome is None:
                self.summary += ", recorded afresh" if self.run.executed else ", nothing recorded"
        else:
            self.summary = outcome

    def record(self) -> str | None:
        """Write this run's inputs (``Dependencies.record``); what was done to the file, or None."""
        if not self.run.executed:
            return None
        run = self.run
        run.reads.setdefault(SESSION, set()).update(
            relative for owner, path in OPENS.seen if owner == SESSION and (relative := self.project.relative(path))
        )
        run.files = {path: self.project.sha(path) for paths in run.reads.values() for path in paths}
        with OPENS.deaf():
            run.settings = {path: keys for path in run.files if (keys := self.settings_files.values(path))}
        run.files[INPUTS] = inputs_digest(self.project.root, self.config.getini("testmon_inputs"))
        run.hashes = {call: self.project.function_hash(*call) for calls in run.calls.values() for call in calls}
        before = self.recorded  # its unchanged Python files are not parsed again
        if self.selection is None:
            with suppress(InputsUnusable, sqlite3.Error, OSError):  # every file is parsed; the write says why
                before = self.store.read(executed=False)
        run.code = {path: self.project.sha(path) for path in self.project.python_files}
        run.import_time = {
            path: before.import_time[path]
            if self.project.unchanged(path, before) and path in before.import_time
            else self.project.source(path).import_time
            for path in self.project.python_files
        }
        # A fresh file is complete only when every test testmon would leave out ran, in every process.
        afresh = bool(self.ran_everything) and all(self.ran_everything)
        return self.store.record(run, afresh, suspect=self.unread is not None)

    def pytest_report_collectionfinish(self) -> str | None:
        return self.config.stash.get(report_key, None)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.summary:
            terminalreporter.write_sep("-", "testmon inputs")
            terminalreporter.write_line(self.summary)


def because(error: Exception) -> str:
    """Why a file cannot be used, to follow its name."""
    return f" {error}" if isinstance(error, InputsUnusable) else f": {error}"


report_key = pytest.StashKey[str]()


def configure(config: pytest.Config) -> None:
    """Called before pytest-testmon reads its environment (the plugin's ``pytest_configure`` is ``tryfirst``)."""
    if not borrowed.testmon_installed(config):
        OPENS.listening = False
        return
    datafile = borrowed.testmon_datafile(config)
    store = Dependencies(datafile.with_name(f"{datafile.name}-inputs"))
    # Before testmon makes its data file: a file of testmon's own without this one's is data recorded without it.
    missing = datafile.exists() and not store.path.exists() and not hasattr(config, "workerinput")
    config.pluginmanager.register(Inputs(config, store, missing), "suite_toolkit.testmon_inputs")
    config.pluginmanager.register(settings_files, "suite_toolkit.settings_files")  # the hook's own reader
