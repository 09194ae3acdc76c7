"""What a run measured of each test, as pytest reports it: outcome, setup/call/teardown seconds, tier, xdist worker,
reruns and quarantine. ``analytics`` keeps one ``Measured`` per run and writes it into the history at the end.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from suite_toolkit import borrowed, tiers
from suite_toolkit.history_rules import Measurement


class Measured:
    """What the controller saw of each test, column by column: dicts of strings and numbers, which Python's garbage
    collector does not track. An object per test, alive until the end of the run, made the collector walk every
    object of the run once more (150 ms at 10,000 tests, measured); ``Measurement`` objects are made one at a time
    when the run is written."""

    def __init__(self, tiers: list[str]) -> None:
        self.tiers = tiers
        self.tier: dict[str, str] = {}
        self.worker: dict[str, str] = {}
        self.outcome: dict[str, str] = {}
        self.phases: dict[str, dict[str, float]] = {"setup": {}, "call": {}, "teardown": {}}
        self.reruns: dict[str, int] = {}
        self.quarantined: dict[str, bool] = {}

    def __len__(self) -> int:
        return len(self.outcome)

    def add(self, report: pytest.TestReport) -> None:
        nodeid = report.nodeid
        outcome = self.outcome.get(nodeid)
        if outcome is None:
            self.tier[nodeid] = tiers.tier_of(report, self.tiers)
            self.worker[nodeid] = borrowed.worker_of(report)
            self.quarantined[nodeid] = "quarantine" in report.keywords
            outcome = self.outcome[nodeid] = "passed"
        if report.outcome == "rerun":  # pytest-rerunfailures: this attempt failed, another follows
            self.reruns[nodeid] = self.reruns.get(nodeid, 0) + 1
            return
        # pytest-xdist reports a worker that died mid-test (a segfault, an out-of-memory kill) with the phase "???":
        # the test failed while it ran.
        when = report.when if report.when in self.phases else "call"
        self.phases[when][nodeid] = report.duration
        if report.failed:
            if when == "call":
                self.outcome[nodeid] = "failed"
            elif outcome == "passed":  # a teardown error after a failure leaves "failed"
                self.outcome[nodeid] = "server error" if getattr(report, "server_error", False) else "error"
        elif report.skipped and outcome == "passed":
            self.outcome[nodeid] = "skipped"

    def measurement(self, nodeid: str) -> Measurement:
        setup, call, teardown = (self.phases[phase].get(nodeid, 0.0) for phase in ("setup", "call", "teardown"))
        return Measurement(
            nodeid, self.tier[nodeid], self.worker[nodeid], self.outcome[nodeid], setup, call, teardown,
            self.reruns.get(nodeid, 0), self.quarantined[nodeid],
        )  # fmt: skip

    def __iter__(self) -> Iterator[Measurement]:
        return (self.measurement(nodeid) for nodeid in self.outcome)

    def with_outcome(self, outcome: str) -> list[str]:
        return [nodeid for nodeid, seen in self.outcome.items() if seen == outcome]
