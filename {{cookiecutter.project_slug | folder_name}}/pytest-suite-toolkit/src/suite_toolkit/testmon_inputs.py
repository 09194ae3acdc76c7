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
* **Import-time code**: constants, dicts, class attributes, default values, decorators. A change re-runs the tests
  that executed a function reading a changed name (or the decorated function itself), and the tests of a test
  module whose own import-time code reads it: ``testmon_module_changes = "precise"``. A change this cannot
  follow (a statement that binds no name, a file that does not parse) re-runs every test, as ``"everything"``
  does for any import-time change.

Python files are testmon's: they are never inputs here. Nothing is selected without testmon's ``--testmon``.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import FrameType

import pytest

from suite_toolkit import private_api, settings
from suite_toolkit.dependencies import Dependencies, Recorded
from suite_toolkit.fingerprints import SKIPPED_FOLDERS
from suite_toolkit.source import UNNAMED, Function, SourceFile, last_part

SESSION = ""
CODE_SUFFIXES = (".py", ".pyc", ".pyo", ".pyd", ".so")


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
        absolute = Path(os.path.abspath(path))
        try:
            relative = absolute.relative_to(self.root)
        except ValueError:
            return None
        parts = relative.parts
        if not parts or any(part.startswith(".") or part in SKIPPED_FOLDERS for part in parts[:-1]):
            return None
        text = relative.as_posix()
        if text.endswith(CODE_SUFFIXES) or text in self.ignored or parts[-1].startswith(".testmondata"):
            return None
        return text

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

    def function_hash(self, path: str, function: str) -> str:
        if function == UNNAMED:
            return "|".join(sorted(self.source(path).import_time.values()))
        return "|".join(f.hash for f in self.source(path).functions_named(function)) or "missing"


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
        if len(self.reasons) < 5:
            self.reasons.append(reason)


def select(project: Project, recorded: Recorded, precise: bool, patterns: Iterable[str]) -> Selection:
    selection = Selection()
    for owner, paths in recorded.reads.items():
        for path in paths:
            if project.sha(path) != recorded.files.get(path):
                selection.add(owner, f"{path} changed")
    extra = inputs_digest(project.root, patterns)
    if extra != recorded.files.get("<testmon_inputs>", extra):
        selection.add(SESSION, "a file of testmon_inputs changed")
    for owner, calls in recorded.calls.items():
        for path, function in calls:
            if project.function_hash(path, function) != recorded.hashes.get((path, function)):
                selection.add(owner, f"{path}: {function}, run while collecting {owner}, changed")
    if recorded.import_time:
        changed = changed_import_time(project, recorded.import_time)
        if changed and (not precise or any(last_part(name) == UNNAMED for _, name in changed)):
            selection.add(SESSION, f"import-time code changed in {changed[0][0]}")
        elif changed:
            follow_names(project, recorded, {last_part(name) for _, name in changed}, changed, selection)
    return selection


def changed_import_time(project: Project, before: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    changed = []
    for path in sorted({*before, *project.python_files}):
        now = project.source(path).import_time if (project.root / path).exists() else {}
        then = before.get(path, {})
        changed += [(path, name) for name in sorted({*now, *then}) if now.get(name) != then.get(name)]
    return changed


def follow_names(
    project: Project, recorded: Recorded, names: set[str], changed: list[tuple[str, str]], selection: Selection
) -> None:
    """Select what reads a changed name: at import time (followed to the names it binds), in a function a test
    executed, or in a test module's own import-time code."""
    files = project.python_files
    growing = True
    while growing:  # X = Y + 1 at import time: a change to Y changes X
        growing = False
        for path in files:
            for bound, reads in project.source(path).import_time_reads.items():
                if reads & names and last_part(bound) not in names:
                    names.add(last_part(bound))
                    growing = True
    reading = {
        (path, function.qualname)
        for path in files
        for function in project.source(path).functions
        if function.reads & names or last_part(function.qualname) in names
    }
    for nodeid, functions in recorded.executed.items():
        if functions & reading:
            selection.add(nodeid, f"{changed[0][0]}: {changed[0][1]} changed, and the test runs code that reads it")
    test_modules = {nodeid.split("::", 1)[0] for nodeid in recorded.executed}
    for module in test_modules:
        if (project.root / module).exists() and any(
            reads & names or last_part(bound) in names
            for bound, reads in project.source(module).import_time_reads.items()
        ):
            selection.add(module, f"{changed[0][0]}: {changed[0][1]} changed, read while collecting {module}")


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
    def __init__(self, config: pytest.Config, store: Dependencies) -> None:
        self.config = config
        self.store = store
        ignored = {config.getini("analytics_file"), config.getini("workers_durations_file"), store.path.name}
        code = tuple(folder.strip("/") for folder in config.getini("testmon_code"))
        self.project = Project(config.rootpath, ignored, code)
        self.precise = settings.one_of(config, "testmon_module_changes", ("precise", "everything")) == "precise"
        self.selection: Selection | None = None
        self.known_files: set[str] = set()
        self.run = Recorded()
        self.calls: set[tuple[str, str]] = set()  # made while the current test module is collected

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self) -> None:
        # testmon decides in its pytest_configure, after this plugin's: with --no-testmon (or no --testmon), it
        # neither records nor selects, and this plugin stands down (its tracing cost 2 s per 10,000 tests, measured).
        if not (private_api.testmon_collects(self.config) or private_api.testmon_selects(self.config)):
            OPENS.listening = False
            self.config.pluginmanager.unregister(self)

    # Selection: before collection, since testmon skips collecting the files whose tests it does not select.
    def selected(self) -> Selection:
        if self.selection is None:
            recorded = self.store.read()
            self.selection = select(self.project, recorded, self.precise, self.config.getini("testmon_inputs"))
            self.known_files = {nodeid.split("::", 1)[0] for nodeid in recorded.executed}
        return self.selection

    @pytest.hookimpl(tryfirst=True)
    def pytest_ignore_collect(self, collection_path: Path) -> bool | None:
        if not private_api.testmon_selects(self.config):
            return None
        try:
            relative = collection_path.relative_to(self.project.root).as_posix()
        except ValueError:
            return None
        selection = self.selected()
        if selection.everything:
            wanted = self.known_files
        else:
            wanted = {*selection.modules, *(test.split("::", 1)[0] for test in selection.tests)}
        return False if relative in wanted else None  # collect it: testmon would skip it

    @pytest.hookimpl(wrapper=True, tryfirst=True)  # outside testmon's, to put back what it left out
    def pytest_collection_modifyitems(self, session: pytest.Session, items: list[pytest.Item]) -> Iterator[None]:
        everything = list(items)
        result = yield
        if private_api.testmon_selects(self.config):
            selection = self.selected()
            kept = {id(item) for item in items}
            again = [item for item in everything if id(item) not in kept and selection.wants(item.nodeid)]
            items.extend(again)
            if again:
                reasons = "; ".join(selection.reasons)
                self.config.stash[report_key] = f"testmon inputs: {len(again)} more tests selected ({reasons})"
        return result

    # Recording: who opens what, and what runs while a test module is collected.
    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(self, collector: pytest.Collector) -> Iterator[pytest.CollectReport]:
        if not isinstance(collector, pytest.Module):
            return (yield)
        owner = collector.nodeid
        OPENS.owner, self.calls = owner, set()
        sys.setprofile(self.profile)
        try:
            return (yield)
        finally:
            sys.setprofile(None)
            OPENS.owner = SESSION
            self.run.calls.setdefault(owner, set()).update(self.calls)

    def profile(self, frame: FrameType, event: str, arg: object) -> None:
        # Functions only: a module's or a class's body is import-time code, which the names analysis follows.
        if event == "call" and frame.f_code.co_flags & inspect.CO_OPTIMIZED:
            path = frame.f_code.co_filename
            if path.startswith(self.root_prefix) and path.endswith(".py") and "site-packages" not in path:
                self.calls.add((path[len(self.root_prefix) :], frame.f_code.co_name))

    @property
    def root_prefix(self) -> str:
        return f"{self.project.root}{os.sep}"

    def pytest_collection_finish(self) -> None:
        OPENS.owner = None  # the session's own reads are over: the conftests, configuration, collection

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterator[object]:
        OPENS.owner = item.nodeid
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
            report.suite_toolkit_reads = sorted({(owner, path) for owner, path in seen})  # sent by xdist workers
            calls = self.run.calls
            report.suite_toolkit_calls = sorted((owner, *each) for owner, made in calls.items() for each in made)
            self.run.calls.clear()
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
        for nodeid, files in (private_api.testmon_executed_lines(report) or {}).items():
            functions = self.run.executed.setdefault(nodeid, set())
            for path, lines in files.items():
                by_line = self.project.lines_of(path)
                functions.update({(path, by_line[line].qualname) for line in lines if line in by_line})

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(self.config, "workerinput") or not private_api.testmon_collects(self.config):
            return
        if not self.run.executed:
            return
        run = self.run
        run.reads.setdefault(SESSION, set()).update(
            relative for owner, path in OPENS.seen if owner == SESSION and (relative := self.project.relative(path))
        )
        run.files = {path: self.project.sha(path) for paths in run.reads.values() for path in paths}
        run.files["<testmon_inputs>"] = inputs_digest(self.project.root, self.config.getini("testmon_inputs"))
        run.hashes = {call: self.project.function_hash(*call) for calls in run.calls.values() for call in calls}
        run.import_time = {path: self.project.source(path).import_time for path in self.project.python_files}
        self.store.write(run)

    def pytest_report_collectionfinish(self) -> str | None:
        return self.config.stash.get(report_key, None)


report_key = pytest.StashKey[str]()


def configure(config: pytest.Config) -> None:
    """Called before pytest-testmon reads its environment (the plugin's ``pytest_configure`` is ``tryfirst``)."""
    if not private_api.testmon_installed(config):
        OPENS.listening = False
        return
    datafile = private_api.testmon_datafile(config)
    store = Dependencies(datafile.with_name(f"{datafile.name}-inputs"))
    config.pluginmanager.register(Inputs(config, store), "suite_toolkit.testmon_inputs")
