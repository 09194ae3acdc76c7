"""The test history's file: its tables (``SCHEMA``), its version and the migrations from older ones, how a file that
is no usable history is told apart, and the one change of shape a merge needs (``renumber_by_time``). ``history``
reads and writes through it; no other module knows the tables."""

from __future__ import annotations

import sqlite3
from pathlib import Path

VERSION = 4  # PRAGMA user_version of a history this module reads and writes


# What turns a history of an older version into the next without losing a run: version -> SQL, applied in turn up to
# VERSION. An older version with no way here is kept aside.
MIGRATIONS = {
    2: "ALTER TABLE runs ADD COLUMN tree_sha TEXT",
    3: "CREATE TABLE IF NOT EXISTS about (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
}


SQLITE_HEADER = b"SQLite format 3\x00"


SCHEMA = """
-- What the history is of and what the plugin recording into it was set to: "project" (runs of two projects never
-- mix), and the settings the report reads (analytics_baseline_runs, analytics_keep_runs, quarantine_after).
CREATE TABLE IF NOT EXISTS about (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    batch TEXT,              -- the shards of one CI run share it; NULL for a run on its own
    started REAL NOT NULL,
    commit_sha TEXT,         -- HEAD when the run started
    code_version TEXT NOT NULL,
    environment TEXT NOT NULL,
    mode TEXT NOT NULL,      -- serial, or "xdist N"
    selection TEXT NOT NULL, -- full, partial, or "shard I/N"
    kind TEXT NOT NULL,      -- what a baseline is comparable with: the mode and the selection without the shard
    tests INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    seconds REAL NOT NULL,
    tree_sha TEXT            -- the git tree of the files when they were not commit_sha's (else NULL)
);
CREATE INDEX IF NOT EXISTS runs_by_kind ON runs (kind);
CREATE TABLE IF NOT EXISTS results (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    nodeid TEXT NOT NULL,
    tier TEXT NOT NULL,
    worker TEXT NOT NULL,
    outcome TEXT NOT NULL,   -- passed, failed, error, server error, skipped
    setup REAL NOT NULL,
    call REAL NOT NULL,
    teardown REAL NOT NULL,
    reruns INTEGER NOT NULL,
    quarantined INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS results_by_run ON results (run_id);
-- Failures are few: flaky tests start there. Only they are in the index, which keeps writing a run cheap.
CREATE INDEX IF NOT EXISTS failures ON results (run_id) WHERE outcome IN ('failed', 'error');
CREATE TABLE IF NOT EXISTS regressions (  -- as the plugin found them at the end of each run
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    nodeid TEXT NOT NULL,
    seconds REAL NOT NULL,
    baseline REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS regressions_by_run ON regressions (run_id);
"""


RUN_COLUMNS = (
    "uid, batch, started, commit_sha, code_version, environment, mode, selection, kind, tests, failed, seconds, "
    "tree_sha"
)


RESULT_COLUMNS = "nodeid, tier, worker, outcome, setup, call, teardown, reruns, quarantined"


REGRESSION_COLUMNS = "nodeid, seconds, baseline"


class HistoryUnusable(Exception):
    """The file named as the history cannot be used as one; the message says why (after the file's name). ``path``:
    another file than the history's, when it is that one (a merge's)."""

    def __init__(self, why: str, path: Path | None = None) -> None:
        super().__init__(why)
        self.path = path


class NotAHistory(HistoryUnusable):
    """The file is someone else's (a text file, another database): the setting that names it is wrong."""


def renumber_by_time(db: sqlite3.Connection) -> None:
    """Give the runs their ids again in the order they started (a merge copies runs older than some already here):
    the latest runs, the runs kept and the report's order are by id. The same ids, in another order. Inside a
    transaction: the results point at the new ids when it commits."""
    moved = db.execute(
        "WITH by_time AS (SELECT id, row_number() OVER (ORDER BY started, id) AS place FROM runs), "
        "by_id AS (SELECT id, row_number() OVER (ORDER BY id) AS place FROM runs) "
        "SELECT by_time.id, by_id.id FROM by_time JOIN by_id USING (place) WHERE by_time.id != by_id.id"
    ).fetchall()
    if not moved:
        return
    db.execute("PRAGMA defer_foreign_keys = ON")  # until the commit, when every result points at its run again
    db.execute("CREATE TEMP TABLE moved (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)")
    db.executemany("INSERT INTO moved VALUES (?, ?)", moved)
    db.execute("UPDATE runs SET id = -(SELECT new FROM moved WHERE old = runs.id) WHERE id IN (SELECT old FROM moved)")
    db.execute("UPDATE runs SET id = -id WHERE id < 0")  # in two steps: ids are unique at every row
    for table in ("results", "regressions"):
        db.execute(
            f"UPDATE {table} SET run_id = (SELECT new FROM moved WHERE old = {table}.run_id) "
            "WHERE run_id IN (SELECT old FROM moved)"
        )
    db.execute("DROP TABLE moved")


def shape_of(connection: sqlite3.Connection) -> tuple[int, set[str]]:
    """The file's history version and tables; ``HistoryUnusable`` when it is not SQLite or is malformed. Locked,
    unreadable, a directory: SQLite's own error, which the caller says."""
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        if type(error) is not sqlite3.DatabaseError:
            raise
        raise HistoryUnusable("is damaged (the next run that records keeps it aside)") from None
    return version, tables


def not_a_history(tables: set[str]) -> NotAHistory:
    """Every version of the history has had its runs table: a database without one is someone else's."""
    return NotAHistory(f"is not a test history (its tables: {', '.join(sorted(tables))}); left as it is")


def refuse_another_project(db: sqlite3.Connection, project: str | None) -> None:
    """Raise ``HistoryUnusable`` when the history holds the runs of a project other than ``project``; a history that
    does not say (written before version 4) is anyone's."""
    if project is None:
        return
    row = db.execute("SELECT value FROM about WHERE key = 'project'").fetchone()
    if row is not None and row[0] != project:
        raise HistoryUnusable(f"holds the runs of project {row[0]!r}, not of {project!r}; left as it is")


def migrates(version: int) -> bool:
    """Whether ``MIGRATIONS`` turn a history of ``version`` into one of ``VERSION``."""
    return version < VERSION and all(step in MIGRATIONS for step in range(version, VERSION))


def qualified(columns: str, table: str) -> str:
    return ", ".join(f"{table}.{column.strip()}" for column in columns.split(","))
