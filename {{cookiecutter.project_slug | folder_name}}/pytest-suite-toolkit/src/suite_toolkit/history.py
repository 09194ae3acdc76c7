"""The test history: every run of the suite in one SQLite file, and what can be read from it.

``runs`` holds a row per run: when, which commit (HEAD then, and the git tree of the files when they were not
HEAD's: a run of changes committed later, ``fingerprints.commits_made_of`` finds the commit), which code and
environment, and what kind of run it was (serial or under xdist with N workers; the whole suite, a part of it, or
one of N shards), with a ``uid`` that stays the same when histories are merged and the ``batch`` of shards it
belongs to. ``results`` holds a row per test per run
(outcome, setup/call/teardown seconds, tier, xdist worker, reruns, quarantined) and ``regressions`` what the plugin
found at the end of each run. Baselines are not stored: they are read from the results of the latest runs of the
same kind, so a merge is a plain copy and a test that no longer exists leaves them with the runs it was in.
Only the latest ``keep`` runs are kept.

It, ``history_file`` (opening the file whatever state it is in) and ``history_schema`` (the tables, the version,
migrations) are the only modules that know the schema: the plugin (``analytics``), the quarantine and the report
(``report``) read and write through ``History``.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from statistics import median

from suite_toolkit.history_file import HistoryFile
from suite_toolkit.history_rules import Baseline, Measurement, Regression, Run
from suite_toolkit.history_schema import (
    REGRESSION_COLUMNS,
    RESULT_COLUMNS,
    RUN_COLUMNS,
    HistoryUnusable,
    qualified,
    refuse_another_project,
    renumber_by_time,
)

OWN_FAILURES = ("failed", "error")  # a server error is the server's, a skip is no outcome


class History(HistoryFile):
    """The history: runs recorded and merged, and what the plugin, the quarantine and the report read."""

    def about(self) -> dict[str, str]:
        """What the history is of, and the settings of the run that recorded last (see ``about`` in ``SCHEMA``)."""
        if not self.path.exists():
            return {}
        with self.connect() as db:
            return dict(db.execute("SELECT key, value FROM about"))

    # Writing

    def record(
        self,
        run: Run,
        measurements: Iterable[Measurement],
        keep: int,
        slower: Iterable[Regression] = (),
        about: Mapping[str, str] | None = None,
    ) -> int:
        """Write a run, its results and its regressions at once, and ``about`` it (the project, the settings); drop
        runs older than the latest ``keep``. The measurements are read once, one at a time. A history of another
        project is refused (``HistoryUnusable``), its runs left as they are."""
        about = dict(about or {})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect(write=True) as db:
            db.execute("BEGIN IMMEDIATE")  # the write lock before the project is read: no other run slips in between
            refuse_another_project(db, about.get("project"))
            db.executemany("INSERT OR REPLACE INTO about VALUES (?, ?)", about.items())
            run_id = db.execute(
                f"INSERT INTO runs ({RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)",
                (
                    *(run.uid, run.batch, run.started, run.commit_sha, run.code_version, run.environment),
                    *(run.mode, run.selection, run.kind, run.seconds, run.tree_sha),
                ),
            ).lastrowid
            counts = {"tests": 0, "failed": 0}
            db.executemany(
                "INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", result_rows(run_id, measurements, counts)
            )
            db.execute(
                "UPDATE runs SET tests = ?, failed = ? WHERE id = ?", (counts["tests"], counts["failed"], run_id)
            )
            db.executemany(
                "INSERT INTO regressions VALUES (?, ?, ?, ?)",
                [(run_id, r.nodeid, r.seconds, r.baseline.median) for r in slower],
            )
            self.drop_older_runs(db, keep)
        assert run_id is not None
        return run_id

    def merge(self, others: Sequence[Path], keep: int) -> list[int]:
        """Copy into this history the runs of ``others`` it does not have yet (by ``uid``), with their results and
        regressions; the ids the copied runs have here. Shards of one CI run, each recorded into its own copy of
        the history, become one history again. Run ids stay in the order the runs started. Nothing is copied when
        one of ``others`` cannot be read or holds the runs of another project (``HistoryUnusable``, the file named
        first). One transaction per file: ATTACH cannot happen inside one."""
        self.refuse_other_projects(others)
        copied: list[str] = []
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = self.open()
        try:
            for other in others:
                copied += self.copy_new_runs(db, other)
            with db:
                db.execute("BEGIN")
                renumber_by_time(db)
                self.drop_older_runs(db, keep)
            marks = ", ".join("?" * len(copied))
            ids = db.execute(f"SELECT id FROM runs WHERE uid IN ({marks}) ORDER BY id", copied)
            return [run_id for (run_id,) in ids]
        finally:
            db.close()

    def refuse_other_projects(self, others: Sequence[Path]) -> None:
        """Raise ``HistoryUnusable`` naming the first of ``others`` that cannot be read or holds the runs of another
        project than this history's (or than the others')."""
        project = self.about().get("project")
        for other in others:  # all checked before anything is copied
            try:
                theirs = History(other).about().get("project")
            except HistoryUnusable as error:
                raise HistoryUnusable(f"{error}: nothing merged", other) from None
            if project is not None and theirs is not None and theirs != project:
                why = f"holds the runs of project {theirs!r}, not of {project!r}: nothing merged"
                raise HistoryUnusable(why, other)
            project = project or theirs

    def copy_new_runs(self, db: sqlite3.Connection, other: Path) -> list[str]:
        """Copy the runs of ``other`` that ``db`` does not have (by ``uid``), with their results and regressions,
        in one transaction (ATTACH cannot happen inside one); their uids."""
        db.execute("ATTACH DATABASE ? AS other", (f"{other.resolve().as_uri()}?mode=ro",))
        try:
            # A shard that recorded nothing uploads the history as it was restored: maybe an older version.
            present = {row[1] for row in db.execute("PRAGMA other.table_info(runs)")}
            selected = ", ".join(c if c in present else "NULL" for c in RUN_COLUMNS.split(", "))
            with db:
                last = db.execute("SELECT coalesce(max(id), 0) FROM main.runs").fetchone()[0]
                db.execute(
                    f"INSERT INTO main.runs ({RUN_COLUMNS}) SELECT {selected} FROM other.runs "
                    "WHERE uid NOT IN (SELECT uid FROM main.runs) ORDER BY started"
                )
                for table, columns in (("results", RESULT_COLUMNS), ("regressions", REGRESSION_COLUMNS)):
                    copied_columns = qualified(columns, "copied")
                    db.execute(
                        f"INSERT INTO main.{table} (run_id, {columns}) SELECT new.id, {copied_columns} "
                        f"FROM other.{table} AS copied JOIN other.runs AS old ON old.id = copied.run_id "
                        "JOIN main.runs AS new ON new.uid = old.uid WHERE new.id > ?",
                        (last,),
                    )
                if db.execute("SELECT 1 FROM other.sqlite_master WHERE name = 'about'").fetchone():
                    db.execute("INSERT OR IGNORE INTO main.about SELECT key, value FROM other.about")
                return [uid for (uid,) in db.execute("SELECT uid FROM main.runs WHERE id > ?", (last,))]
        finally:
            db.execute("DETACH DATABASE other")

    @staticmethod
    def drop_older_runs(db: sqlite3.Connection, keep: int) -> None:
        db.execute("DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?)", (keep,))

    # Reading

    def latest_runs(self, count: int, kind: str | None = None, full_only: bool = False) -> list[int]:
        """The ids of the latest ``count`` runs of ``kind`` (any kind when None; only runs of the whole suite with
        ``full_only``), newest first."""
        if not self.path.exists():
            return []
        conditions = (["kind = ?"] if kind is not None else []) + (["selection = 'full'"] if full_only else [])
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        with self.connect() as db:
            rows = db.execute(
                f"SELECT id FROM runs {where} ORDER BY id DESC LIMIT ?", (*([kind] if kind is not None else []), count)
            )
            return [run_id for (run_id,) in rows]

    def baselines(
        self, run_ids: Sequence[int], nodeids: Iterable[str] | None = None, calls: bool = False, last: int = 0
    ) -> dict[str, Baseline]:
        """Each test's baseline over ``run_ids``: the median of its passing durations there (its ``last`` ones, when
        given), setup, call and teardown (only the call's with ``calls``; only of ``nodeids`` when given: at the
        end of a run, the few tests slow enough to be a regression)."""
        wanted = None if nodeids is None else list(nodeids)
        if not run_ids or wanted == []:  # no test slow enough: nothing to read
            return {}
        durations: dict[str, list[float]] = defaultdict(list)
        with self.connect() as db:
            only = ""
            if wanted is not None:
                db.execute("CREATE TEMP TABLE wanted (nodeid TEXT PRIMARY KEY)")
                db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((nodeid,) for nodeid in wanted))
                only = "AND nodeid IN (SELECT nodeid FROM wanted)"
            seconds = "call" if calls else "setup + call + teardown"
            rows = db.execute(
                f"SELECT nodeid, {seconds} FROM results WHERE outcome = 'passed' "
                f"AND run_id IN ({', '.join('?' * len(run_ids))}) {only} ORDER BY run_id",
                tuple(run_ids),
            )
            for nodeid, duration in rows:
                durations[nodeid].append(duration)
        if last:
            durations = defaultdict(list, {nodeid: values[-last:] for nodeid, values in durations.items()})
        return {nodeid: Baseline(median(values), len(values), values[-1]) for nodeid, values in durations.items()}

    def latest_durations(self) -> dict[str, float]:
        """Each test's seconds (setup, call and teardown) in the latest run it passed in; empty, and no file
        created, before the first run. One pass in SQLite (0.4 s at 10,000 tests in 50 runs, measured)."""
        if not self.path.exists():
            return {}
        with self.connect() as db:
            # With max(), SQLite takes the row's other columns from the row holding the maximum.
            rows = db.execute(
                "SELECT nodeid, max(run_id), setup + call + teardown FROM results WHERE outcome = 'passed' "
                "GROUP BY nodeid"
            )
            return {nodeid: seconds for nodeid, _, seconds in rows}

    def runs(self, limit: int) -> list[dict]:
        """The latest ``limit`` runs, oldest first, as dicts of the ``runs`` columns with their outcome counts."""
        with self.connect() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(
                f"""SELECT * FROM (SELECT id, {RUN_COLUMNS} FROM runs ORDER BY id DESC LIMIT ?) AS latest
                    LEFT JOIN (SELECT run_id,
                        sum(outcome = 'passed') AS passed, sum(outcome = 'failed') AS failures,
                        sum(outcome = 'error') AS errors, sum(outcome = 'server error') AS server_errors,
                        sum(outcome = 'skipped') AS skipped
                        FROM results GROUP BY run_id) AS counts ON counts.run_id = latest.id
                    ORDER BY id""",
                (limit,),
            ).fetchall()
        return [dict(row) for row in rows]

    def seconds_per_tier(self, run_ids: Sequence[int]) -> list[tuple[int, str, float]]:
        """Run id, tier and the seconds its tests took, for each of ``run_ids``."""
        with self.connect() as db:
            return db.execute(
                "SELECT run_id, tier, SUM(setup + call + teardown) FROM results "
                f"WHERE run_id IN ({', '.join('?' * len(run_ids))}) GROUP BY run_id, tier",
                tuple(run_ids),
            ).fetchall()

    def results_of(self, run_ids: Sequence[int]) -> list[tuple[str, str, str, float, int]]:
        """Node id, tier, outcome, seconds and whether quarantined, of each test in ``run_ids``."""
        with self.connect() as db:
            return db.execute(
                "SELECT nodeid, tier, outcome, setup + call + teardown, quarantined FROM results "
                f"WHERE run_id IN ({', '.join('?' * len(run_ids))})",
                tuple(run_ids),
            ).fetchall()

    def outcome_counts(self) -> dict[str, tuple[int, int]]:
        """Each test's passing runs and runs it failed on its own (failed, error), in the history kept."""
        with self.connect() as db:
            rows = db.execute(
                "SELECT nodeid, sum(outcome = 'passed'), sum(outcome IN ('failed', 'error')) "
                "FROM results GROUP BY nodeid"
            ).fetchall()
        return {nodeid: (passed, failed) for nodeid, passed, failed in rows}

    def regressions_in(self, run_ids: Sequence[int]) -> list[tuple[str, str, float, float]]:
        """The regressions the plugin found in ``run_ids``: test id, tier, seconds, baseline; most slowed first."""
        with self.connect() as db:
            return db.execute(
                "SELECT r.nodeid, coalesce(t.tier, ''), r.seconds, r.baseline FROM regressions AS r "
                "LEFT JOIN results AS t ON t.run_id = r.run_id AND t.nodeid = r.nodeid "
                f"WHERE r.run_id IN ({', '.join('?' * len(run_ids))}) ORDER BY r.seconds / r.baseline DESC",
                tuple(run_ids),
            ).fetchall()

    def flaky_in(self, run_ids: Sequence[int]) -> dict[str, str]:
        """The tests seen flaky in ``run_ids`` (``FLAKY``): nodeid -> how it showed."""
        if not self.path.exists() or not run_ids:
            return {}
        marks = ", ".join("?" * len(run_ids))
        # Only the runs of the same code and environment as these can prove a failure here or before flaky.
        same = (
            f"AND (r.code_version, r.environment) IN (SELECT code_version, environment FROM runs WHERE id IN ({marks}))"
        )
        with self.connect() as db:
            query = FLAKY.format(same=same, these=f"AND run_id IN ({marks})")
            rows = db.execute(query, (*run_ids, *run_ids, *run_ids)).fetchall()
        return {nodeid: how for nodeid, run_id, _, how in rows if run_id in run_ids}

    def flaky_counts(self) -> dict[str, tuple[int, int, bool]]:
        """Every test seen flaky in the history kept (``FLAKY``): nodeid -> (times, the last run it was, whether it
        was quarantined in any of them), the test seen flaky last, last."""
        if not self.path.exists():
            return {}
        with self.connect() as db:
            rows = db.execute(FLAKY.format(same="", these="")).fetchall()
        counts: dict[str, tuple[int, int, bool]] = {}
        for nodeid, run_id, quarantined, _ in rows:
            times, last, was = counts.get(nodeid, (0, 0, False))
            counts[nodeid] = (times + 1, max(last, run_id), was or bool(quarantined))
        return dict(sorted(counts.items(), key=lambda item: item[1][1]))


# The one rule for "flaky", which the plugin's summary, the report, the CI annotations and the quarantine all read: a
# test is seen flaky once for each failure (failed, error) of its own on code and an environment on which it also
# passed, in the run that showed it: the failing run when it had passed before, else the first run it passed in
# after; and in each run it passed in on a rerun. Rows: nodeid, run id, quarantined, how it showed. ``{same}`` and
# ``{these}`` narrow the runs looked at. Failures are few: the query starts from them (an index holds only them).
FLAKY = """
WITH failures AS (
    SELECT f.run_id, f.nodeid, f.quarantined, r.code_version, r.environment FROM results AS f
    JOIN runs AS r ON r.id = f.run_id WHERE f.outcome IN ('failed', 'error') {same}),
passes AS (
    SELECT p.run_id, p.nodeid, r.code_version, r.environment FROM results AS p
    JOIN runs AS r ON r.id = p.run_id WHERE p.outcome = 'passed' AND p.nodeid IN (SELECT nodeid FROM failures) {same})
SELECT f.nodeid, CASE WHEN min(p.run_id) < f.run_id THEN f.run_id ELSE min(p.run_id) END, f.quarantined,
    'passed and failed on the same code and environment'
FROM failures AS f JOIN passes AS p
    ON p.nodeid = f.nodeid AND p.code_version = f.code_version AND p.environment = f.environment
GROUP BY f.run_id, f.nodeid
UNION ALL
SELECT nodeid, run_id, quarantined, 'passed on a rerun' FROM results AS rerun
WHERE outcome = 'passed' AND reruns > 0 {these}
"""


def result_rows(run_id: int, measurements: Iterable[Measurement], counts: dict[str, int]) -> Iterator[tuple]:
    """The ``results`` rows of ``measurements``, read once, one at a time, counting the tests and failures."""
    for m in measurements:
        counts["tests"] += 1
        counts["failed"] += m.outcome in OWN_FAILURES
        yield (run_id, m.nodeid, m.tier, m.worker, m.outcome, m.setup, m.call, m.teardown, m.reruns, m.quarantined)
