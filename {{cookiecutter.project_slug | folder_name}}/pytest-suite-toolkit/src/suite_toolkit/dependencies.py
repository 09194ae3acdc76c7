"""What each test depended on beyond the code pytest-testmon traces, kept next to testmon's data file: the only
module that knows this schema.

An *owner* is a test (its node id), a test module being collected (its path, such as ``tests/test_api.py``:
what its collection did counts for each of its tests), or ``""``, the session (what counts for every test).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

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
"""


@dataclass
class Recorded:
    """Everything stored, as plain data."""

    reads: dict[str, set[str]] = field(default_factory=dict)  # owner -> paths
    files: dict[str, str] = field(default_factory=dict)  # path -> sha
    calls: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # owner -> (path, function)
    hashes: dict[tuple[str, str], str] = field(default_factory=dict)
    executed: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # nodeid -> (path, function)
    import_time: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> name -> hash


class Dependencies:
    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=60)) as connection:
            connection.executescript(SCHEMA)
            with connection:
                yield connection

    def read(self) -> Recorded:
        recorded = Recorded()
        if not self.path.exists():
            return recorded
        with self.connect() as db:
            for owner, path in db.execute("SELECT owner, path FROM reads"):
                recorded.reads.setdefault(owner, set()).add(path)
            recorded.files = dict(db.execute("SELECT path, sha FROM files"))
            for owner, path, function in db.execute("SELECT owner, path, function FROM calls"):
                recorded.calls.setdefault(owner, set()).add((path, function))
            recorded.hashes = {(p, f): h for p, f, h in db.execute("SELECT path, function, hash FROM hashes")}
            for nodeid, path, function in db.execute("SELECT nodeid, path, function FROM executed"):
                recorded.executed.setdefault(nodeid, set()).add((path, function))
            for path, name, value in db.execute("SELECT path, name, hash FROM import_time"):
                recorded.import_time.setdefault(path, {})[name] = value
        return recorded

    def write(self, run: Recorded) -> None:
        """Replace what the owners of this run had, and the import-time code as it is now."""
        with self.connect() as db:
            owners = [(owner,) for owner in {*run.reads, *run.calls}]
            db.executemany("DELETE FROM reads WHERE owner = ?", owners)
            db.executemany("DELETE FROM calls WHERE owner = ?", owners)
            db.executemany("DELETE FROM executed WHERE nodeid = ?", [(nodeid,) for nodeid in run.executed])
            db.executemany("INSERT INTO reads VALUES (?, ?)", pairs(run.reads))
            db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?)", run.files.items())
            db.executemany("INSERT INTO calls VALUES (?, ?, ?)", triples(run.calls))
            db.executemany("INSERT OR REPLACE INTO hashes VALUES (?, ?, ?)", [(*k, v) for k, v in run.hashes.items()])
            db.executemany("INSERT INTO executed VALUES (?, ?, ?)", triples(run.executed))
            if run.import_time:
                db.execute("DELETE FROM import_time")
                db.executemany(
                    "INSERT INTO import_time VALUES (?, ?, ?)",
                    [(path, name, value) for path, names in run.import_time.items() for name, value in names.items()],
                )


def pairs(mapping: dict[str, set[str]]) -> Iterable[tuple[str, str]]:
    return [(key, value) for key, values in mapping.items() for value in values]


def triples(mapping: dict[str, set[tuple[str, str]]]) -> Iterable[tuple[str, str, str]]:
    return [(key, *value) for key, values in mapping.items() for value in values]
