"""The test history as plain data: everything the report and the CI summary show, and the JSON the report writes.

The shards of one CI run (runs with the same ``batch``) are one run here: their tests and tiers added up, the
longest shard's seconds, and a full run when the shards cover all N of N. "The tests" are those of the latest full
run and of the runs after it: a test that no longer exists is not counted, listed or drawn.

A run's ``commit`` is the commit whose files it tested: HEAD when it ran, when git's files were HEAD's; else the
commit made of its files afterwards (the pre-commit hook's runs, ``make test`` before ``git commit``), which
``committed`` finds in git; else HEAD, with ``uncommitted`` true: changes that are in no commit (yet).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timezone

from suite_toolkit.history import History
from suite_toolkit.history_rules import kind_of_selection, speed_of
from suite_toolkit.settings import default

RUNS_SHOWN = 100
SLOWEST_SHOWN = 15
# (HEAD then, tree, when) of runs of changes not committed then -> the commit made of each (HEAD then, tree)
Committed = Callable[[Iterable[tuple[str | None, str, float]]], dict[tuple[str | None, str], str]]
# A run's counts in the data -> their columns in ``History.runs``
COUNTS = {"tests": "tests", "passed": "passed", "failed": "failures", "errors": "errors",
          "server_errors": "server_errors", "skipped": "skipped"}  # fmt: skip


def collect(
    history: History,
    quarantine_after: int | None = None,
    latest_ids: list[int] | None = None,
    committed: Committed | None = None,
) -> dict:
    """Everything the page shows, as plain data (this is also the JSON output). "The latest run" (its regressions,
    failures, slowest tests; what the CI summary describes) is the newest run, with the other shards of its batch;
    or the runs ``latest_ids`` names (a CI run's, just merged: none when it recorded nothing). ``committed``
    (``fingerprints.commits_made_of`` in the project's repository) names the commits runs of uncommitted changes
    were made for; without it, they are HEAD's with ``uncommitted`` true. The settings (``quarantine_after``
    unless given, ``analytics_baseline_runs``) are those of the run that recorded last, as the plugin had them."""
    about = history.about()
    if quarantine_after is None:
        quarantine_after = int(about.get("quarantine_after", str(default("quarantine_after"))))
    baseline_runs = int(about.get("analytics_baseline_runs", str(default("analytics_baseline_runs"))))
    runs = group_batches(history.runs(RUNS_SHOWN))
    name_commits(runs, committed)
    add_tier_seconds(history, runs)
    tests = current_tests(history, runs)
    flaky = history.flaky_counts()
    table = tests_table(history, runs, tests, flaky, baseline_runs)
    if latest_ids is None:
        latest_ids = runs[-1]["ids"] if runs else []
    latest = history.results_of(latest_ids) if latest_ids else []  # the latest run's tests (of each shard)
    return {
        "runs": [{key: value for key, value in run.items() if key != "ids"} for run in runs],
        "latest": [run["id"] for run in runs if set(run["ids"]) & set(latest_ids)],
        "speeds": {speed: sum(test["speed"] == speed for test in table) for speed in ("fast", "medium", "slow")},
        "tests": table,
        "slowest": [test for test in table if test["baseline"] is not None][:SLOWEST_SHOWN],
        "regressions": regressions_of(history, latest_ids),
        **flaky_lists(flaky, tests, latest_ids, quarantine_after),
        "quarantine_after": quarantine_after,
        "baseline_runs": baseline_runs,
        **latest_lists(latest),
    }


def flaky_lists(
    flaky: dict[str, tuple[int, int, bool]], tests: dict[str, tuple[str, str]], latest_ids: list[int], after: int
) -> dict[str, list[dict]]:
    """The flaky tests among the current ones, and those flaky ``after`` times or more that are not quarantined."""
    tier_of = {nodeid: tier for nodeid, (tier, _) in tests.items()}
    return {
        "flaky": [
            {
                "nodeid": nodeid,
                "tier": tier_of.get(nodeid, ""),
                "times": times,
                "last_run": last,
                "new": times == 1 and last in latest_ids,
                "quarantined": quarantined,
            }
            for nodeid, (times, last, quarantined) in flaky.items()
            if nodeid in tests
        ],
        "quarantine_candidates": [
            {"nodeid": nodeid, "tier": tier_of.get(nodeid, ""), "times": times}
            for nodeid, (times, _, quarantined) in sorted(flaky.items(), key=lambda item: -item[1][0])
            if nodeid in tests and times >= after and not quarantined
        ],
    }


def add_tier_seconds(history: History, runs: list[dict]) -> None:
    """Each run's seconds per tier (a test of no tier: ``other``), the shards of a batch added up."""
    run_of = {run_id: run for run in runs for run_id in run["ids"]}
    for run_id, tier, seconds in history.seconds_per_tier(list(run_of)) if runs else []:
        tiers = run_of[run_id]["tiers"]
        tiers[tier or "other"] = round(tiers.get(tier or "other", 0.0) + seconds, 4)


def tests_table(
    history: History,
    runs: list[dict],
    tests: dict[str, tuple[str, str]],
    flaky: dict[str, tuple[int, int, bool]],
    baseline_runs: int,
) -> list[dict]:
    """A row per test, slowest baseline first: its baseline (from the latest full runs, the shards of a CI run
    together being one, else the latest runs), speed, last outcome, pass rate and flaky count."""
    full_runs = [run for run in runs if run["full"]][-baseline_runs:] or runs[-baseline_runs:]
    baselines = history.baselines([run_id for run in full_runs for run_id in run["ids"]])
    counts = history.outcome_counts()
    table = []
    for nodeid, (tier, outcome) in tests.items():
        baseline = baselines.get(nodeid)
        passed, failed = counts.get(nodeid, (0, 0))
        table.append(
            {
                "nodeid": nodeid,
                "tier": tier,
                "baseline": round(baseline.median, 4) if baseline else None,
                "baseline_runs": baseline.runs if baseline else 0,  # the passing runs its median is over
                "speed": speed_of(baseline.median) if baseline else None,
                "last_outcome": outcome,
                "runs": passed + failed,  # in the history kept, with an outcome of its own: what pass % is over
                "passed": passed,
                "pass_rate": percent(passed, passed + failed),
                "flaky": flaky.get(nodeid, (0, 0, False))[0],
            }
        )
    table.sort(key=lambda test: -1 if test["baseline"] is None else test["baseline"], reverse=True)
    return table


def regressions_of(history: History, latest_ids: list[int]) -> list[dict]:
    return [
        {
            "nodeid": nodeid,
            "tier": tier,
            "seconds": round(seconds, 4),
            "baseline": round(baseline, 4),
            "factor": round(seconds / baseline, 2) if baseline else None,
        }
        for nodeid, tier, seconds, baseline in history.regressions_in(latest_ids)
    ]


def latest_lists(latest: list[tuple[str, str, str, float, int]]) -> dict[str, list[dict]]:
    """The latest run's failures and its slowest tests."""
    slowest = sorted(latest, key=lambda row: row[3], reverse=True)[:SLOWEST_SHOWN]
    return {
        "latest_failed": [
            {"nodeid": nodeid, "tier": tier, "outcome": outcome, "quarantined": bool(quarantined)}
            for nodeid, tier, outcome, _, quarantined in latest
            if outcome in ("failed", "error", "server error")
        ],
        "latest_slowest": [
            {"nodeid": nodeid, "tier": tier, "outcome": outcome, "seconds": round(seconds, 4)}
            for nodeid, tier, outcome, seconds, _ in slowest
        ],
    }


def group_batches(rows: list[dict]) -> list[dict]:
    """The runs, oldest first, with the shards of one batch as one run."""
    runs: list[dict] = []
    by_batch: dict[str, dict] = {}
    for row in rows:
        run = by_batch.get(row["batch"]) if row["batch"] else None
        if run is None:
            run = {
                "id": row["id"],
                "ids": [],
                "started": datetime.fromtimestamp(row["started"], timezone.utc).isoformat(timespec="seconds"),
                "commit": row["commit_sha"],
                "tree": row["tree_sha"],  # set when its files were not the commit's: name_commits looks further
                "code": row["code_version"],
                "mode": row["mode"],
                "selection": row["selection"],
                "full": row["selection"] == "full",
                "kind": row["kind"],
                "shards": [],
                **dict.fromkeys(COUNTS, 0),
                "seconds": 0.0,
                "tiers": {},
            }
            runs.append(run)
            if row["batch"]:
                by_batch[row["batch"]] = run
        run["ids"].append(row["id"])
        for key, column in COUNTS.items():
            run[key] += row[column] or 0
        run["seconds"] = round(max(run["seconds"], row["seconds"]), 3)  # shards run side by side
        if row["selection"].startswith("shard "):
            run["shards"].append(row["selection"])
    for run in runs:
        if run["shards"]:
            run.update(shard_coverage(run.pop("shards")))
        else:
            del run["shards"]
        ran = run["passed"] + run["failed"] + run["errors"]
        run["pass_rate"] = percent(run["passed"], ran)
    return runs


def name_commits(runs: list[dict], committed: Committed | None) -> None:
    """Each run's ``commit``: the commit made of its files when they were not HEAD's (``committed`` finds it); and
    ``uncommitted``, true when no commit was made of them. (A run recorded before the history kept trees names HEAD
    as it was.)"""
    pending = [(run["commit"], run["tree"], epoch_of(run["started"])) for run in runs if run["tree"]]
    made = committed(pending) if committed and pending else {}
    for run in runs:
        tree = run.pop("tree")
        found = made.get((run["commit"], tree)) if tree else None
        run["commit"] = found or run["commit"]
        run["uncommitted"] = bool(tree) and found is None


def epoch_of(started: str) -> float:
    return datetime.fromisoformat(started).timestamp()


def commit_text(run: dict) -> str:
    """A run's commit in words: ``abc1234``, ``abc1234 + uncommitted changes``, or ``uncommitted changes``."""
    commit = (run.get("commit") or "")[:7]
    if run.get("uncommitted"):
        return f"{commit} + uncommitted changes" if commit else "uncommitted changes"
    return commit


def shard_coverage(shards: list[str]) -> dict:
    """``shard I/N`` for each shard of a batch: a full run when all N are there."""
    groups = {int(shard.split()[1].split("/")[0]) for shard in shards}
    total = int(shards[0].rsplit("/", 1)[1])
    if len(shards) == 1:
        return {"selection": shards[0], "full": False}
    complete = groups == set(range(1, total + 1))
    return {"selection": f"{len(groups)} of {total} shards", "full": complete, "kind": kind_of_selection(shards[0])}


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def current_tests(history: History, runs: list[dict]) -> dict[str, tuple[str, str]]:
    """The tests of the latest full run and of the runs after it: nodeid -> (tier, latest outcome)."""
    last_full = max((index for index, run in enumerate(runs) if run["full"]), default=len(runs) - 1)
    tests: dict[str, tuple[str, str]] = {}
    for run in runs[max(last_full, 0) :]:
        for nodeid, tier, outcome, _seconds, _quarantined in history.results_of(run["ids"]):
            tests[nodeid] = (tier, outcome)
    return tests
