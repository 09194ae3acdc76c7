"""The test history as plain data: everything the report and the CI summary show, and the JSON the report writes.

The shards of one CI run (runs with the same ``batch``) are one run here: their tests and tiers added up, the
longest shard's seconds, and a full run when the shards cover all N of N. "The tests" are those of the latest full
run and of the runs after it: a test that no longer exists is not counted, listed or drawn.
"""

from __future__ import annotations

from datetime import datetime, timezone

from suite_toolkit.analysis import kind_of_selection, speed_of
from suite_toolkit.history import History

RUNS_SHOWN = 100
SLOWEST_SHOWN = 15
BASELINE_RUNS = 5  # the plugin's default analytics_baseline_runs
# A run's counts in the data -> their columns in ``History.runs``
COUNTS = {"tests": "tests", "passed": "passed", "failed": "failures", "errors": "errors",
          "server_errors": "server_errors", "skipped": "skipped"}  # fmt: skip


def collect(history: History, quarantine_after: int = 2, latest_ids: list[int] | None = None) -> dict:
    """Everything the page shows, as plain data (this is also the JSON output). "The latest run" (its regressions,
    failures, slowest tests; what the CI summary describes) is the newest run, with the other shards of its batch;
    or the runs ``latest_ids`` names (a CI run's, just merged: none when it recorded nothing)."""
    runs = group_batches(history.runs(RUNS_SHOWN))
    run_of = {run_id: run for run in runs for run_id in run["ids"]}
    for run_id, tier, seconds in history.seconds_per_tier(list(run_of)) if runs else []:
        tiers = run_of[run_id]["tiers"]
        tiers[tier or "other"] = round(tiers.get(tier or "other", 0.0) + seconds, 4)
    tests = current_tests(history, runs)
    counts = history.outcome_counts()
    flaky = history.flaky_counts()
    # Baselines from the latest full runs (the shards of a CI run together are one), else the latest runs.
    full_runs = [run for run in runs if run["full"]][-BASELINE_RUNS:] or runs[-BASELINE_RUNS:]
    baselines = history.baselines([run_id for run in full_runs for run_id in run["ids"]])
    table = []
    for nodeid, (tier, outcome) in tests.items():
        baseline = baselines.get(nodeid)
        passed, failed = counts.get(nodeid, (0, 0))
        table.append(
            {
                "nodeid": nodeid,
                "tier": tier,
                "baseline": round(baseline.median, 4) if baseline else None,
                "runs": baseline.runs if baseline else 0,
                "speed": speed_of(baseline.median) if baseline else None,
                "last_outcome": outcome,
                "pass_rate": percent(passed, passed + failed),
                "flaky": flaky.get(nodeid, (0, 0, False))[0],
            }
        )
    table.sort(key=lambda test: -1 if test["baseline"] is None else test["baseline"], reverse=True)
    if latest_ids is None:
        latest_ids = runs[-1]["ids"] if runs else []
    latest = history.results_of(latest_ids) if latest_ids else []  # the latest run's tests (of each shard)
    tier_of = {nodeid: tier for nodeid, (tier, _) in tests.items()}
    return {
        "runs": [{key: value for key, value in run.items() if key != "ids"} for run in runs],
        "latest": [run["id"] for run in runs if set(run["ids"]) & set(latest_ids)],
        "speeds": {speed: sum(test["speed"] == speed for test in table) for speed in ("fast", "medium", "slow")},
        "tests": table,
        "slowest": [test for test in table if test["baseline"] is not None][:SLOWEST_SHOWN],
        "regressions": [
            {
                "nodeid": nodeid,
                "tier": tier,
                "seconds": round(seconds, 4),
                "baseline": round(baseline, 4),
                "factor": round(seconds / baseline, 2) if baseline else None,
            }
            for nodeid, tier, seconds, baseline in history.regressions_in(latest_ids)
        ],
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
            if nodeid in tests and times >= quarantine_after and not quarantined
        ],
        "quarantine_after": quarantine_after,
        "latest_failed": [
            {"nodeid": nodeid, "tier": tier, "outcome": outcome, "quarantined": bool(quarantined)}
            for nodeid, tier, outcome, _, quarantined in latest
            if outcome in ("failed", "error", "server error")
        ],
        "latest_slowest": [
            {"nodeid": nodeid, "tier": tier, "outcome": outcome, "seconds": round(seconds, 4)}
            for nodeid, tier, outcome, seconds, _ in sorted(latest, key=lambda row: row[3], reverse=True)[
                :SLOWEST_SHOWN
            ]
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
