"""The test history: every run of the suite in one SQLite file, and what can be read from it.

``runs`` holds a row per run (when, which commit, which code), ``results`` a row per test per run (outcome,
setup/call/teardown seconds, tier, xdist worker), and ``baselines`` the recent passing durations of each test,
kept up to date at the end of each run so that reading every baseline costs one small query.
This is the only module that knows the schema: the plugin (``analytics``) and the report (``report.data``) read and
write through it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from suite_toolkit.analysis import Baseline, Measurement, Regression, Run, median

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started REAL NOT NULL,
    commit_sha TEXT,
    code_version TEXT NOT NULL,
    tests INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    seconds REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_code ON runs (code_version);
CREATE TABLE IF NOT EXISTS results (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    nodeid TEXT NOT NULL,
    tier TEXT NOT NULL,
    worker TEXT NOT NULL,
    outcome TEXT NOT NULL,
    setup REAL NOT NULL,
    call REAL NOT NULL,
    teardown REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS results_by_run ON results (run_id);
CREATE INDEX IF NOT EXISTS results_by_outcome ON results (outcome);  -- failures are few: flaky tests start there
CREATE TABLE IF NOT EXISTS regressions (  -- as the plugin found them at the end of each run
    run_id INTEGER NOT NULL REFERENCES runs (id),
    nodeid TEXT NOT NULL,
    seconds REAL NOT NULL,
    baseline REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS baselines (
    nodeid TEXT PRIMARY KEY,
    recent TEXT NOT NULL,  -- JSON list of the latest passing durations, newest last
    median REAL NOT NULL,
    runs INTEGER NOT NULL
);
"""


class History:
    """The history file. Opened per use: nothing stays open between the start and the end of a run."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path)) as connection:
            connection.executescript(SCHEMA)
            with connection:  # one transaction: commit on success, roll back on error
                yield connection

    def baselines(self) -> dict[str, Baseline]:
        if not self.path.exists():
            return {}
        with self.connect() as db:
            rows = db.execute("SELECT nodeid, median, runs FROM baselines").fetchall()
        return {nodeid: Baseline(value, runs) for nodeid, value, runs in rows}

    def runs(self, limit: int) -> list[tuple[int, float, str | None, int, int, float]]:
        """The latest ``limit`` runs, oldest first: id, started, commit, tests, failed, seconds."""
        with self.connect() as db:
            rows = db.execute(
                "SELECT id, started, commit_sha, tests, failed, seconds FROM runs ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        return rows[::-1]

    def seconds_per_tier(self, first_run: int) -> list[tuple[int, str, float]]:
        """Run id, tier and the seconds its tests took, for each run from ``first_run`` on."""
        with self.connect() as db:
            return db.execute(
                "SELECT run_id, tier, SUM(setup + call + teardown) FROM results WHERE run_id >= ? "
                "GROUP BY run_id, tier",
                (first_run,),
            ).fetchall()

    def regressions_in(self, run_id: int) -> list[tuple[str, float, float]]:
        """The regressions the plugin found in a run: test id, seconds, baseline; most slowed down first."""
        with self.connect() as db:
            return db.execute(
                "SELECT nodeid, seconds, baseline FROM regressions WHERE run_id = ? ORDER BY seconds / baseline DESC",
                (run_id,),
            ).fetchall()

    def record(self, run: Run, measurements: list[Measurement], keep: int, slower: Iterable[Regression] = ()) -> int:
        """Write a run, its results, its regressions and the updated baselines (the last ``keep`` passing
        durations) at once."""
        failed = sum(m.outcome in ("failed", "error") for m in measurements)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as db:
            run_id = db.execute(
                "INSERT INTO runs (started, commit_sha, code_version, tests, failed, seconds) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (run.started, run.commit_sha, run.code_version, len(measurements), failed, run.seconds),
            ).lastrowid
            db.executemany(
                "INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, m.nodeid, m.tier, m.worker, m.outcome, m.setup, m.call, m.teardown) for m in measurements],
            )
            db.executemany(
                "INSERT INTO regressions VALUES (?, ?, ?, ?)",
                [(run_id, r.nodeid, r.seconds, r.baseline.median) for r in slower],
            )
            passed = {m.nodeid: m.seconds for m in measurements if m.outcome == "passed"}
            recent = dict(db.execute("SELECT nodeid, recent FROM baselines").fetchall()) if passed else {}
            updated = []
            for nodeid, seconds in passed.items():
                durations = [*json.loads(recent.get(nodeid, "[]")), seconds][-keep:]
                updated.append((nodeid, json.dumps(durations), median(durations), len(durations)))
            db.executemany("INSERT OR REPLACE INTO baselines VALUES (?, ?, ?, ?)", updated)
        assert run_id is not None
        return run_id

    def flaky(self, code_version: str | None = None) -> dict[str, str]:
        """Tests that both passed and failed on the same code: nodeid -> that code version (the latest one)."""
        if not self.path.exists():
            return {}
        same_code = "AND runs.code_version = ?" if code_version else ""
        with self.connect() as db:
            rows = db.execute(
                f"""SELECT failed.nodeid, runs.code_version
                    FROM results AS failed JOIN runs ON runs.id = failed.run_id
                    WHERE failed.outcome IN ('failed', 'error') {same_code}
                    GROUP BY failed.nodeid, runs.code_version
                    HAVING EXISTS (
                        SELECT 1 FROM results AS passed JOIN runs AS passing ON passing.id = passed.run_id
                        WHERE passed.nodeid = failed.nodeid AND passed.outcome = 'passed'
                        AND passing.code_version = runs.code_version)
                    ORDER BY MAX(runs.id)""",
                (code_version,) if code_version else (),
            ).fetchall()
        return dict(rows)
