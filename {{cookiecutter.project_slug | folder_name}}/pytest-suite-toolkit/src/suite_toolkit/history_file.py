"""Opening the test history's file whatever state it is in: missing, of an older version (migrated), damaged or of
a version this toolkit cannot read (kept aside, a fresh one started), locked by another run (waited for), or not a
history at all (refused, left as it is). ``history.History`` adds what is written and read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from suite_toolkit.files import keep_aside
from suite_toolkit.history_schema import (
    MIGRATIONS,
    SCHEMA,
    SQLITE_HEADER,
    VERSION,
    HistoryUnusable,
    NotAHistory,
    migrates,
    not_a_history,
    shape_of,
)

# How long a write waits for another process's (another run's, a report's) before it gives up: a write takes
# milliseconds, a report reads for about a second at 10,000 tests in 50 runs.
LOCK_WAIT = 30.0


class HistoryFile:
    """The history's SQLite file, opened per use (nothing stays open between the start and the end of a run) and
    made usable when opened to write: migrated, or started afresh beside a damaged file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.notice: str | None = None  # what ``open`` did to make the file usable, for the user

    @contextmanager
    def connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection in one transaction: to write (``open``), or to read, which never changes the file."""
        connection = self.open() if write else self.open_to_read()
        try:
            with connection:  # one transaction: commit on success, roll back on error
                yield connection
        finally:
            connection.close()

    def open(self) -> sqlite3.Connection:
        """A connection to the history, made usable: migrated, or started afresh beside a file that is damaged or
        of a version this module cannot read (kept under a name that says so, never over an earlier one: ``notice``
        says where). A file that is not a history (another database, a text file) is refused (``HistoryUnusable``)
        and left as it is."""
        self.refuse_another_file()
        # As a URI: a merge attaches other histories read-only by theirs.
        connection = sqlite3.connect(self.path.resolve().as_uri(), uri=True, timeout=LOCK_WAIT)
        try:
            version, tables = shape_of(connection)
        except HistoryUnusable:  # a damaged SQLite file, or bytes no one could have meant
            connection.close()
            return self.started_afresh("was damaged", "damaged")
        connection.execute("PRAGMA foreign_keys = ON")
        if version == VERSION and "runs" in tables:  # the usual case: nothing to write
            return connection
        if tables and "runs" not in tables:
            connection.close()
            raise not_a_history(tables)
        if tables and not migrates(version):
            # Written by another version of the plugin: kept aside, not changed or lost.
            connection.close()
            return self.started_afresh(f"is of history version {version or 1}", f"v{version or 1}")
        with connection:
            for step in range(version, VERSION) if tables else ():
                connection.execute(MIGRATIONS[step])
            connection.executescript(SCHEMA)
            connection.execute(f"PRAGMA user_version = {VERSION}")
        return connection

    def refuse_another_file(self) -> None:
        """Raise ``HistoryUnusable`` when the file is text (``pyproject.toml`` given as the history): someone's own,
        not a damaged history, which is binary. Left as it is."""
        try:
            with self.path.open("rb") as file:
                start = file.read(4096)
        except (FileNotFoundError, IsADirectoryError):
            return  # made on first use; a directory: SQLite says so
        if start and not start.startswith(SQLITE_HEADER) and b"\x00" not in start:
            try:
                start.decode("utf-8")
            except UnicodeDecodeError:
                return  # binary: a damaged history
            raise NotAHistory("is a text file, not a test history; left as it is")

    def prepare(self) -> None:
        """Make the file ready to record into (``open``), before reading what the run is compared with."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.open().close()

    def open_to_read(self) -> sqlite3.Connection:
        """The history as it is, read-only; an empty one before the first run; a history of an older version,
        migrated in a copy in memory. A file that is damaged, not a history or of an unknown version raises
        ``HistoryUnusable``: the next run that records keeps a damaged one aside (``open``)."""
        memory = sqlite3.connect(":memory:")
        if not self.path.exists():
            memory.executescript(SCHEMA)
            return memory
        self.refuse_another_file()
        on_disk = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=LOCK_WAIT)
        try:
            version, tables = shape_of(on_disk)
        except (HistoryUnusable, sqlite3.Error):
            on_disk.close()
            raise
        if version == VERSION and "runs" in tables:
            return on_disk
        if "runs" in tables and migrates(version):
            on_disk.backup(memory)  # migrated in the copy: the file stays as it is
        on_disk.close()
        if not tables:
            memory.executescript(SCHEMA)
            return memory
        if "runs" not in tables:
            raise not_a_history(tables)
        if not migrates(version):
            raise HistoryUnusable(f"is of history version {version or 1}, not {VERSION}")
        for step in range(version, VERSION):
            memory.execute(MIGRATIONS[step])
        return memory

    def refuse_someone_elses(self) -> None:
        """Raise ``NotAHistory`` when the file is someone else's (checked before a run: a damaged history, a lock or a
        newer version are for the run's end to deal with)."""
        try:
            self.open_to_read().close()
        except NotAHistory:
            raise
        except (HistoryUnusable, sqlite3.Error):
            pass

    def started_afresh(self, why: str, suffix: str) -> sqlite3.Connection:
        aside = keep_aside(self.path, suffix)
        self.notice = f"{why}: kept as {aside.name}, a fresh one started"
        return self.open()
