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

import hashlib
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pytest

from suite_toolkit import borrowed, settings, settings_files
from suite_toolkit.analytics import shown
from suite_toolkit.calls import Calls
from suite_toolkit.dependencies import Dependencies, InputsUnusable, Recorded
from suite_toolkit.fingerprints import SKIPPED_FOLDERS
from suite_toolkit.source import UNNAMED, Function, SourceFile, last_part
from suite_toolkit.subprocesses import Subprocesses

SESSION = ""
INPUTS = "<testmon_inputs>"  # the files of the testmon_inputs setting, as one
SettingsValues = Callable[[str], "dict[str, str] | None"]  # a settings file -> its keys and values' hashes
CODE_SUFFIXES = (".py", ".pyc", ".pyo", ".pyd", ".so")
WORKER_OUTPUT = "suite_toolkit_inputs"  # what an xdist worker tells the controller that writes
EVERY_TEST = "every test pytest-testmon would leave out ran"


class Opens:
    """Every file the process opens, from the moment this module is imported: before the conftests load. An audit
    hook cannot be removed, so it only appends; ``Inputs`` takes what it collected when it starts."""

    def __init__(self) -> None:
        self.owner: str | None = SESSION  # None: between tests, where other plugins read (reports, histories)
        self.seen: list[tuple[str, str]] = []  # (owner, path as opened)
        self.listening = True

    def __call__(self, event: str, args: tuple) -> None:
        if event != "open" or not self.listening or self.owner is None:
            return
        if isinstance(args[0], (str, os.PathLike)) and reads_only(args[1]):
            self.seen.append((self.owner, os.fspath(args[0])))

    @contextmanager
    def deaf(self) -> Iterator[None]:
        """What this plugin reads itself is nobody's input."""
        listening, self.listening = self.listening, False
        try:
            yield
        finally:
            self.listening = listening


def reads_only(mode: object) -> bool:
    return not isinstance(mode, str) or not any(flag in mode for flag in "wax+")


OPENS = Opens()
sys.addaudithook(OPENS)


@dataclass
class Project:
    """Which files of the project count, and their code, read once per run."""

    root: Path
    ignored: set[str]  # files of tools that live in the project folder
    code: tuple[str, ...] = ()  # the folders or files of Python code to follow; empty: all of the project's
    sources: dict[str, SourceFile] = field(default_factory=dict)
    shas: dict[str, str] = field(default_factory=dict)

    def relative(self, path: str) -> str | None:
        """``path`` relative to the project when it is an input there, else None."""
        text = self.inside(path)
        if text is None or text.endswith(CODE_SUFFIXES) or text in self.ignored:
            return None
        return None if text.rsplit("/", 1)[-1].startswith(".testmondata") else text

    def inside(self, path: str) -> str | None:
        """``path`` relative to the project, when it is in it and not in a tool's folder, else None."""
        try:
            relative = Path(os.path.abspath(path)).relative_to(self.root)
        except ValueError:
            return None
        parts = relative.parts
        if not parts or any(part.startswith(".") or part in SKIPPED_FOLDERS for part in parts[:-1]):
            return None
        return relative.as_posix()

    def function_at(self, path: str, first_line: int) -> tuple[str, str] | None:
        """The project's function whose code object starts at ``first_line`` of ``path`` (a lambda or a
        comprehension: the function holding it), as (relative path, qualified name); None for a module's or a
        class's body (import-time code, followed by name) and for code outside the project."""
        relative = self.inside(path)
        if relative is None or not relative.endswith(".py"):
            return None
        function = self.lines_of(relative).get(first_line)
        return (relative, function.qualname) if function else None

    @cached_property
    def python_files(self) -> list[str]:
        """The project's Python files to follow (the walk is done once per run)."""
        return list(self._python_files())

    def _python_files(self) -> Iterator[str]:
        for folder, folders, files in os.walk(self.root):
            folders[:] = sorted(f for f in folders if not f.startswith(".") and f not in SKIPPED_FOLDERS)
            for name in sorted(files):
                path = (Path(folder) / name).relative_to(self.root).as_posix()
                if name.endswith(".py") and (
                    not self.code or any(path == c or path.startswith(f"{c}/") for c in self.code)
                ):
                    yield path

    def source(self, path: str) -> SourceFile:
        if path not in self.sources:
            with OPENS.deaf():
                self.sources[path] = SourceFile.read(self.root / path)
        return self.sources[path]

    def lines_of(self, path: str) -> dict[int, Function]:
        """Line -> innermost function, for a Python file of the project (empty for any other file)."""
        if path not in self.sources and not (path.endswith(".py") and (self.root / path).is_file()):
            return {}
        return self.source(path).by_line

    def sha(self, path: str) -> str:
        """The file's content hash, read once per run however many tests read the file."""
        if path not in self.shas:
            try:
                with OPENS.deaf():
                    self.shas[path] = hashlib.sha256((self.root / path).read_bytes()).hexdigest()[:16]
            except OSError:
                self.shas[path] = "missing"
        return self.shas[path]

    def unchanged(self, path: str, recorded: Recorded) -> bool:
        """The Python file ``path`` has the bytes it had when ``recorded``: nothing in it needs parsing."""
        return path in recorded.code and self.sha(path) == recorded.code[path]

    def function_hash(self, path: str, function: str) -> str:
        if not (self.root / path).is_file():
            return "missing"
        if function == UNNAMED:
            return "|".join(sorted(self.source(path).import_time.values()))
        found = self.source(path).function(function)
        return found.hash if found else "missing"


@dataclass
class Selection:
    """The owners whose inputs changed since they were recorded: tests, test modules, or every test."""

    tests: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)
    everything: bool = False
    reasons: list[str] = field(default_factory=list)

    def wants(self, nodeid: str) -> bool:
        return self.everything or nodeid in self.tests or nodeid.split("::", 1)[0] in self.modules

    def add(self, owner: str, reason: str) -> None:
        if owner == SESSION:
            self.everything = True
        elif "::" in owner:
            self.tests.add(owner)
        else:
            self.modules.add(owner)
        if reason not in self.reasons and len(self.reasons) < 3:
            self.reasons.append(reason)


def select(
    project: Project, recorded: Recorded, precise: bool, patterns: Iterable[str], values: SettingsValues
) -> Selection:
    selection = Selection()
    changed_files = {path for path in recorded.files if path != INPUTS and project.sha(path) != recorded.files[path]}
    narrowed = {path: settings_readers(project, recorded, path, values) for path in changed_files}
    for owner, paths in recorded.reads.items():
        for path in paths & changed_files:
            readers = narrowed[path]
            if isinstance(readers, str):
                selection.add(owner, readers)
            elif owner == SESSION:
                readers.add_to(selection)
            else:
                readers.add_to(selection, within=owner)
    extra = inputs_digest(project.root, patterns)
    if extra != recorded.files.get(INPUTS, extra):
        selection.add(SESSION, "a file of testmon_inputs changed")
    for owner, calls in recorded.calls.items():
        for path, function in calls:
            if project.unchanged(path, recorded):
                continue
            if project.function_hash(path, function) != recorded.hashes.get((path, function)):
                where = f"run while collecting {owner}" if "::" not in owner else "run by a process a test started"
                selection.add(owner, f"{path}: {function}, {where}, changed")
    if recorded.import_time:
        changed = changed_import_time(project, recorded)
        if changed and (not precise or any(last_part(name) == UNNAMED for _, name in changed)):
            selection.add(SESSION, f"import-time code changed in {changed[0][0]}")
        elif changed:
            path, name = changed[0]
            readers = readers_of(project, recorded, {last_part(name) for _, name in changed}, f"{path}: {name} changed")
            if readers.unattributable:
                selection.add(SESSION, f"{readers.reason}, read by {readers.unattributable}")
            else:
                readers.add_to(selection)
    return selection


def settings_readers(project: Project, recorded: Recorded, path: str, values: SettingsValues) -> Readers | str:
    """The tests whose code reads a changed key of the settings file ``path`` (by the key's last part, as a name,
    an attribute or a string); or, when that cannot be told, why the whole file counts as changed."""
    before = recorded.settings.get(path)
    if before is None:
        return f"{path} changed"
    now = values(path)
    if now is None:
        return f"{path} changed, and it does not load"
    if now.keys() != before.keys():
        return f"{path} changed: keys added or removed ({', '.join(sorted(now.keys() ^ before.keys())[:3])})"
    keys = sorted(key for key in now if now[key] != before[key])
    if not keys:
        return Readers(set(), set(), "")  # comments or layout: nothing reaches the code
    readers = readers_of(project, recorded, {last_part(key) for key in keys}, f"{path}: {', '.join(keys[:3])} changed")
    if readers.unattributable or not readers.named:
        return f"{readers.reason}, read by {readers.unattributable or 'no code that names it'}"
    return readers


@dataclass
class Readers:
    """The tests (and test modules) whose code reads some names, and why they are selected."""

    tests: set[str]
    modules: set[str]
    reason: str
    unattributable: str = ""  # import-time code that reads a name and binds none: its readers cannot be told
    named: bool = True  # some code of the project reads one of the names

    def add_to(self, selection: Selection, within: str = SESSION) -> None:
        """Select them, or only those of ``within`` (a test, or a test module)."""
        module = within.split("::", 1)[0]
        for test in self.tests:
            if within in (SESSION, test, module):
                selection.add(test, self.reason)
        for each in self.modules:
            if within in (SESSION, each) or module == each:
                selection.add(within if "::" in within else each, self.reason)


def changed_import_time(project: Project, recorded: Recorded) -> list[tuple[str, str]]:
    changed = []
    before = recorded.import_time
    for path in sorted({*before, *project.python_files}):
        if project.unchanged(path, recorded):
            continue
        now = project.source(path).import_time if (project.root / path).exists() else {}
        then = before.get(path, {})
        changed += [(path, name) for name in sorted({*now, *then}) if now.get(name) != then.get(name)]
    return changed


def readers_of(project: Project, recorded: Recorded, names: set[str], reason: str) -> Readers:
    """What reads one of ``names``: import-time code (followed to the names it binds), a function a test executed
    (in its process or in one it started), or a test module's own import-time code."""
    files = project.python_files
    names = set(names)
    unattributable = ""
    growing = True
    while growing:  # X = Y + 1 at import time: a change to Y changes X
        growing = False
        for path in files:
            for bound, reads in project.source(path).import_time_reads.items():
                if reads & names and bound == UNNAMED:
                    unattributable = f"a statement of {path} that binds no name"
                elif reads & names and last_part(bound) not in names:
                    names.add(last_part(bound))
                    growing = True
    reading = {
        (path, function.qualname)
        for path in files
        for function in project.source(path).functions
        if function.reads & names or last_part(function.qualname) in names
    }
    if not recorded.executed and recorded.load_executed:
        recorded.executed = recorded.load_executed()  # read only now: nothing needs it when nothing changed
    tests = {nodeid for nodeid, functions in recorded.executed.items() if functions & reading}
    test_modules = {nodeid.split("::", 1)[0] for nodeid in recorded.tests}
    modules = {module for module in test_modules if reads_any(project, module, names)}
    return Readers(tests, modules, reason, unattributable, named=bool(reading or modules))


def reads_any(project: Project, path: str, names: set[str]) -> bool:
    """The import-time code of ``path`` (a file that may be gone) reads one of ``names``, or binds one."""
    if not (project.root / path).is_file():
        return False
    reads = project.source(path).import_time_reads.items()
    return any(read & names or last_part(bound) in names for bound, read in reads)


def inputs_digest(root: Path, patterns: Iterable[str]) -> str:
    """A short hash of the names and contents of the files matching ``patterns`` under ``root``."""
    digest = hashlib.sha256()
    with OPENS.deaf():
        for pattern in patterns:
            for path in sorted(root.glob(pattern)):
                if path.is_file():
                    digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


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
