"""What the test history means: measurements, baselines, regressions and speeds. Pure functions and data; the
storage is ``history``, the only module that knows the schema.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

FAST_BELOW = 0.1  # seconds: a baseline below this is `fast`
SLOW_ABOVE = 1.0  # seconds: a baseline above this is `slow`; in between, `medium`


@dataclass
class Measurement:
    """One test in one run; a phase that did not run (setup failed, say) counts 0 seconds."""

    nodeid: str
    tier: str
    worker: str
    outcome: str = "passed"  # passed, failed (in the test), error (in setup or teardown), server error, skipped
    setup: float = 0.0
    call: float = 0.0
    teardown: float = 0.0
    reruns: int = 0  # pytest-rerunfailures ran it again this many times
    quarantined: bool = False  # marked `quarantine`


@dataclass(frozen=True)
class Run:
    uid: str  # the same in every copy of the history
    batch: str | None  # the shards of one CI run share it
    started: float
    commit_sha: str | None
    code_version: str  # a fingerprint of the code under test, as on disk
    environment: str  # a fingerprint of the Python, the platform and the installed packages
    mode: str  # serial, or "xdist N"
    selection: str  # full, partial, or "shard I/N"
    seconds: float
    tree_sha: str | None = None  # the git tree of its files when they were not commit_sha's (changes not committed)

    @property
    def kind(self) -> str:
        """What this run's durations are comparable with: the same mode and the same kind of selection (a session
        fixture's setup lands on the first test a run selects; workers share the machine's cores)."""
        return f"{self.mode}, {kind_of_selection(self.selection)}"


def kind_of_selection(selection: str) -> str:
    """``shard 2/4`` -> ``shards of 4``: a test stays in its shard from run to run; ``full`` and ``partial`` as is."""
    return f"shards of {selection.rsplit('/', 1)[1]}" if selection.startswith("shard ") else selection


@dataclass(frozen=True)
class Baseline:
    median: float
    runs: int  # how many passing runs the median is taken over
    latest: float = 0.0  # the duration in the newest of those runs


@dataclass(frozen=True)
class Regression:
    nodeid: str
    seconds: float
    baseline: Baseline

    @property
    def factor(self) -> float:
        return self.seconds / self.baseline.median if self.baseline.median else float("inf")


def speed_of(baseline: float) -> str:
    if baseline < FAST_BELOW:
        return "fast"
    return "medium" if baseline <= SLOW_ABOVE else "slow"


def regressions(
    measurements: Iterable[Measurement], baselines: dict[str, Baseline], factor: float, floor: float, min_runs: int
) -> list[Regression]:
    """Passing tests whose call (the test itself) is slower than its baseline by ``factor`` AND by at least ``floor``
    seconds, in this run and in the newest run of the baseline, over a baseline of at least ``min_runs`` runs.

    The baselines are of calls too. Setup and teardown are not compared: a session or module fixture's setup lands on
    whichever test needs it first, which changes with the order (pytest-randomly) and the xdist workers. A call can
    pay a first use too (a statement compiled, a module imported, a garbage collection): measured on the default
    project, two or three of 187 tests were 4-18x slower in a serial run, a different few each time. So a
    slowdown is a regression once it happens twice in a row: noise rarely hits one test twice, a slower code path
    always does. A 2 ms test taking 5 ms is noise too, however often: the floor. Most slowed down first."""
    found = []
    for measurement in measurements:
        baseline = baselines.get(measurement.nodeid)
        if measurement.outcome != "passed" or baseline is None or baseline.runs < min_runs:
            continue
        limit = max(baseline.median * factor, baseline.median + floor)
        if measurement.call > limit and baseline.latest > limit:
            found.append(Regression(measurement.nodeid, measurement.call, baseline))
    return sorted(found, key=lambda regression: regression.factor, reverse=True)
