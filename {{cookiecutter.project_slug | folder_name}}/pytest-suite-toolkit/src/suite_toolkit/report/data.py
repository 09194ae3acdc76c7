"""The test history as plain data: everything the report shows, and the JSON it writes."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone

from suite_toolkit.analysis import speed_of
from suite_toolkit.history import History

RUNS_SHOWN = 50
SLOWEST_SHOWN = 15


def collect(history: History) -> dict:
    """Everything the page shows, as plain data (this is also the JSON output)."""
    runs = history.runs(RUNS_SHOWN)
    per_tier = history.seconds_per_tier(runs[0][0]) if runs else []
    slower = history.regressions_in(runs[-1][0]) if runs else []
    baselines = sorted(
        ((nodeid, baseline.median, baseline.runs) for nodeid, baseline in history.baselines().items()),
        key=lambda row: row[1],
        reverse=True,
    )
    run_ids = [run[0] for run in runs]
    tiers: dict[str, list[float | None]] = defaultdict(lambda: [None] * len(runs))
    for run_id, tier, seconds in per_tier:
        tiers[tier or "other"][run_ids.index(run_id)] = round(seconds, 4)
    return {
        "runs": [
            {
                "id": run_id,
                "started": datetime.fromtimestamp(started, timezone.utc).isoformat(timespec="seconds"),
                "commit": commit,
                "tests": tests,
                "failed": failed,
                "pass_rate": round((tests - failed) / tests, 4) if tests else None,
                "seconds": round(seconds, 3),
            }
            for run_id, started, commit, tests, failed, seconds in runs
        ],
        "tiers": dict(sorted(tiers.items())),
        "speeds": {speed: sum(speed_of(row[1]) == speed for row in baselines) for speed in ("fast", "medium", "slow")},
        "slowest": [
            {"nodeid": nodeid, "baseline": round(value, 4), "runs": count, "speed": speed_of(value)}
            for nodeid, value, count in baselines[:SLOWEST_SHOWN]
        ],
        "regressions": [
            {
                "nodeid": nodeid,
                "seconds": round(seconds, 4),
                "baseline": round(baseline, 4),
                "factor": round(seconds / baseline, 2) if baseline else None,
            }
            for nodeid, seconds, baseline in slower
        ],
        "flaky": [{"nodeid": nodeid, "code": code} for nodeid, code in history.flaky().items()],
    }
