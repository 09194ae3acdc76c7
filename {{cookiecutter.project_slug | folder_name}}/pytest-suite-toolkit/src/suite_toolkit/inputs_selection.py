"""What testmon inputs select: the project's files as they are now beside what was recorded (``Project``), and
the tests a changed input, a changed settings value or changed import-time code must run again (``select``)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from suite_toolkit.dependencies import Recorded
from suite_toolkit.fingerprints import SKIPPED_FOLDERS
from suite_toolkit.opened_files import OPENS, SESSION
from suite_toolkit.source import UNNAMED, Function, SourceFile, last_part

INPUTS = "<testmon_inputs>"  # the files of the testmon_inputs setting, as one


SettingsValues = Callable[[str], "dict[str, str] | None"]  # a settings file -> its keys and values' hashes


CODE_SUFFIXES = (".py", ".pyc", ".pyo", ".pyd", ".so")


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
