"""What each test depended on beyond the code pytest-testmon traces, kept next to testmon's data file: the only
module that knows this schema.

An *owner* is a test (its node id), a test module being collected (its path, such as ``tests/test_api.py``:
what its collection did counts for each of its tests), or ``""``, the session (what counts for every test).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from suite_toolkit.files import keep_aside

SCHEMA = """
CREATE TABLE IF NOT EXISTS reads (owner TEXT NOT NULL, path TEXT NOT NULL);  -- files an owner opened
CREATE INDEX IF NOT EXISTS reads_by_owner ON reads (owner);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, sha TEXT NOT NULL);  -- their content when read
CREATE TABLE IF NOT EXISTS calls (owner TEXT NOT NULL, path TEXT NOT NULL, function TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS calls_by_owner ON calls (owner);
CREATE TABLE IF NOT EXISTS hashes (path TEXT NOT NULL, function TEXT NOT NULL, hash TEXT NOT NULL,
                                   PRIMARY KEY (path, function));  -- of the functions in calls, when called
CREATE TABLE IF NOT EXISTS executed (nodeid TEXT NOT NULL, path TEXT NOT NULL, function TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS executed_by_node ON executed (nodeid);
CREATE TABLE IF NOT EXISTS import_time (path TEXT NOT NULL, name TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS code (path TEXT PRIMARY KEY, sha TEXT NOT NULL);  -- Python files as last recorded
CREATE TABLE IF NOT EXISTS settings (path TEXT NOT NULL, key TEXT NOT NULL, hash TEXT NOT NULL);  -- by key
"""
TABLES = frozenset(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA))
# Seconds to wait for another process that holds the file. Before the tests, little: a run that cannot read runs
# every test pytest-testmon would leave out, which is safe. At the end, long: what is not written is lost.
WAIT_TO_READ = 10.0
WAIT_TO_WRITE = 60.0


class InputsUnusable(Exception):
    """The file cannot be used as this module's; the message says why (after the file's name)."""


@dataclass
class Recorded:
    """Everything stored, as plain data."""

    reads: dict[str, set[str]] = field(default_factory=dict)  # owner -> paths
    files: dict[str, str] = field(default_factory=dict)  # path -> sha
    calls: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # owner -> (path, function)
    hashes: dict[tuple[str, str], str] = field(default_factory=dict)
    executed: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # nodeid -> (path, function)
    tests: set[str] = field(default_factory=set)  # the node ids in executed, read without it
    load_executed: Callable[[], dict[str, set[tuple[str, str]]]] | None = None  # executed, when read later
    import_time: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> name -> hash
    settings: dict[str, dict[str, str]] = field(default_factory=dict)  # settings file -> key -> value's hash
    code: dict[str, str] = field(default_factory=dict)  # Python file -> sha: an unchanged one is not parsed again


class Dependencies:
    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def connect_to_read(self) -> Iterator[sqlite3.Connection]:
        """The file as it is, read-only. A file this run could not record into raises: what it holds may be older
        than pytest-testmon's data. Damaged, not this module's: ``InputsUnusable``; locked past ``WAIT_TO_READ``,
        unreadable: ``sqlite3.Error``."""
        self.refuse_a_directory()
        if not (os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)):
            raise InputsUnusable("is read-only: nothing can be recorded into it")
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=WAIT_TO_READ)) as connection:
            try:
                self.refuse_another_database(connection)
                yield connection
            except sqlite3.DatabaseError as error:
                if type(error) is not sqlite3.DatabaseError:  # locked, cannot open, a table missing
                    raise
                raise InputsUnusable("is damaged") from None  # not SQLite, or malformed

    @contextmanager
    def connect_to_write(self) -> Iterator[sqlite3.Connection]:
        """One transaction, waiting up to ``WAIT_TO_WRITE`` for another process."""
        self.refuse_a_directory()
        with closing(sqlite3.connect(self.path, timeout=WAIT_TO_WRITE)) as connection:
            self.refuse_another_database(connection)
            connection.executescript(SCHEMA)
            with connection:
                yield connection

    def refuse_a_directory(self) -> None:
        if self.path.is_dir():
            raise InputsUnusable("is a directory; left as it is")

    def refuse_another_database(self, connection: sqlite3.Connection) -> None:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables <= TABLES:  # an older file has fewer of them
            listed = ", ".join(sorted(tables))
            raise InputsUnusable(f"is not a testmon inputs file (its tables: {listed}); left as it is")

    def read(self, executed: bool = True) -> Recorded:
        """Everything stored; without ``executed`` (the largest part, needed only once something changed) when
        asked, to be read by ``read_executed``."""
        recorded = Recorded()
        if not self.path.exists():
            return recorded
        with self.connect_to_read() as db:
            for owner, path in db.execute("SELECT owner, path FROM reads"):
                recorded.reads.setdefault(owner, set()).add(path)
            recorded.files = dict(db.execute("SELECT path, sha FROM files"))
            for owner, path, function in db.execute("SELECT owner, path, function FROM calls"):
                recorded.calls.setdefault(owner, set()).add((path, function))
            recorded.hashes = {(p, f): h for p, f, h in db.execute("SELECT path, function, hash FROM hashes")}
            recorded.tests = {nodeid for (nodeid,) in db.execute("SELECT DISTINCT nodeid FROM executed")}
            if executed:
                recorded.executed = self.read_executed()
            for path, name, value in db.execute("SELECT path, name, hash FROM import_time"):
                recorded.import_time.setdefault(path, {})[name] = value
            recorded.code = dict(db.execute("SELECT path, sha FROM code"))
            for path, key, value in db.execute("SELECT path, key, hash FROM settings"):
                recorded.settings.setdefault(path, {})[key] = value
        return recorded

    def read_executed(self) -> dict[str, set[tuple[str, str]]]:
        executed: dict[str, set[tuple[str, str]]] = {}
        if self.path.exists():
            with self.connect_to_read() as db:
                for nodeid, path, function in db.execute("SELECT nodeid, path, function FROM executed"):
                    executed.setdefault(nodeid, set()).add((path, function))
        return executed

    def record(self, run: Recorded, afresh: bool, suspect: bool = False) -> str | None:
        """Write ``run`` (``write``); what was done to the file to write it, for the user, or None. A damaged file
        (checked page by page when ``suspect``: writing may not touch the damaged pages) is kept aside, never over
        an earlier one; the run is written into a fresh one when it is ``afresh``, a run that ran every test
        pytest-testmon would leave out. Else no file is left: a run that finds none runs them all."""
        try:
            if suspect and self.path.is_file() and self.malformed():
                raise sqlite3.DatabaseError("database disk image is malformed")
            self.write(run)
        except sqlite3.DatabaseError as error:
            if type(error) is not sqlite3.DatabaseError:  # locked, read-only, cannot open: the caller says so
                raise
            aside = keep_aside(self.path, "damaged")
            if not afresh:
                return f"was damaged: kept as {aside.name}; the next run runs every test and records afresh"
            self.write(run)
            return f"was damaged: kept as {aside.name}, a fresh one started"
        return None

    def malformed(self) -> bool:
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=WAIT_TO_WRITE)) as connection:
            return connection.execute("PRAGMA quick_check").fetchone() != ("ok",)

    def write(self, run: Recorded) -> None:
        """Replace what the owners of this run had, and the import-time code as it is now."""
        with self.connect_to_write() as db:
            owners = [(owner,) for owner in {*run.reads, *run.calls}]
            db.executemany("DELETE FROM reads WHERE owner = ?", owners)
            db.executemany("DELETE FROM calls WHERE owner = ?", owners)
            db.executemany("DELETE FROM executed WHERE nodeid = ?", [(nodeid,) for nodeid in run.executed])
            db.executemany("INSERT INTO reads VALUES (?, ?)", pairs(run.reads))
            db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?)", run.files.items())
            db.executemany("DELETE FROM settings WHERE path = ?", [(path,) for path in run.files])
            db.executemany(
                "INSERT INTO settings VALUES (?, ?, ?)",
                [(path, key, value) for path, keys in run.settings.items() for key, value in keys.items()],
            )
            db.executemany("INSERT INTO calls VALUES (?, ?, ?)", triples(run.calls))
            db.executemany("INSERT OR REPLACE INTO hashes VALUES (?, ?, ?)", [(*k, v) for k, v in run.hashes.items()])
            db.executemany("INSERT INTO executed VALUES (?, ?, ?)", triples(run.executed))
            if run.import_time:
                db.execute("DELETE FROM code")
                db.executemany("INSERT INTO code VALUES (?, ?)", run.code.items())
                db.execute("DELETE FROM import_time")
                db.executemany(
                    "INSERT INTO import_time VALUES (?, ?, ?)",
                    [(path, name, value) for path, names in run.import_time.items() for name, value in names.items()],
                )


def pairs(mapping: dict[str, set[str]]) -> Iterable[tuple[str, str]]:
    return [(key, value) for key, values in mapping.items() for value in values]


def triples(mapping: dict[str, set[tuple[str, str]]]) -> Iterable[tuple[str, str, str]]:
    return [(key, *value) for key, values in mapping.items() for value in values]
