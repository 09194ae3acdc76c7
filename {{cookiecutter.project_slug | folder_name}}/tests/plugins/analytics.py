"""Test analytics: every run goes into a history, which finds regressions and flaky tests and sorts tests by speed.

- Each test's outcome, its setup/call/teardown seconds (as ``--durations`` measures them), its tier and its xdist
  worker go into ``.test-history.db`` (SQLite, gitignored) with the run's commit: one write at the end of the run,
  by the controller only when xdist runs the tests.
- A test's baseline is the median of its last passing runs. A test slower than its baseline by a factor AND by a
  floor in seconds is a regression, so that noise alone alerts nothing. A test that passed and failed on the same
  code (``src/``, ``tests/`` and ``config/`` byte for byte) is flaky. Both are printed at the end of the run.
- Speed markers come from the baselines, not from decorators: ``fast`` (under 0.1 s), ``medium`` (up to 1 s) and
  ``slow``, applied at collection, so ``-m "not slow"`` deselects what was measured slow. A test not measured yet
  has no speed marker.

``--no-analytics`` turns all of it off, ``--analytics-file`` moves the history. ``make test-report`` draws it.
"""

from __future__ import annotations

import hashlib
import subprocess
import time
from pathlib import Path

import pytest

from tests.plugins.history import Baseline, History, Measurement, Run, regressions, speed_of

DEFAULT_FILE = ".test-history.db"
CODE_FOLDERS = ("src", "tests", "config")  # "the same code" for flaky tests: these folders, byte for byte
SPEEDS = {
    "fast": "measured: baseline under 0.1 s (tests/plugins/analytics.py)",
    "medium": "measured: baseline from 0.1 s to 1 s",
    "slow": "measured: baseline over 1 s",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("analytics", "test analytics (tests/plugins/analytics.py)")
    group.addoption("--no-analytics", action="store_true", help="record nothing, mark nothing, report nothing")
    group.addoption("--analytics-file", metavar="PATH", help=f"the history database (default: {DEFAULT_FILE})")
    parser.addini("analytics_baseline_runs", "passing runs a baseline is the median of", default="5")
    parser.addini("analytics_min_runs", "passing runs a baseline needs before it can flag a regression", default="3")
    parser.addini("analytics_regression_factor", "times slower than its baseline for a regression", default="2.0")
    parser.addini("analytics_regression_floor", "seconds slower than its baseline for a regression", default="0.1")


def pytest_configure(config: pytest.Config) -> None:
    for name, description in SPEEDS.items():
        config.addinivalue_line("markers", f"{name}: {description}")
    if config.option.no_analytics:
        return
    path = Path(config.option.analytics_file or config.rootpath / DEFAULT_FILE)
    # An xdist worker reads baselines to mark its tests; only the controller, which sees every report, writes.
    config.pluginmanager.register(Analytics(config, History(path), writes=not hasattr(config, "workerinput")))


def tier_of(nodeid: str) -> str:
    parts = nodeid.split("/", 2)
    return parts[1] if len(parts) == 3 and parts[0] == "tests" else ""


def code_version(root: Path) -> tuple[str | None, str]:
    """The commit, if any, and a fingerprint of the code as it is on disk, committed or not."""
    fingerprint = hashlib.sha1()
    for folder in CODE_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                fingerprint.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, check=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = None  # not a git repository, or no commit yet
    return commit, fingerprint.hexdigest()[:12]


class Analytics:
    def __init__(self, config: pytest.Config, history: History, writes: bool) -> None:
        self.config = config
        self.history = history
        self.writes = writes
        self.started = time.time()
        self.baselines: dict[str, Baseline] | None = None
        self.measurements: dict[str, Measurement] = {}
        self.summary: list[str] = []

    def known_baselines(self) -> dict[str, Baseline]:
        if self.baselines is None:
            self.baselines = self.history.baselines()
        return self.baselines

    @pytest.hookimpl(tryfirst=True)  # before -m deselects anything
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        baselines = self.known_baselines()
        if not baselines:
            return
        markers = {speed: getattr(pytest.mark, speed) for speed in SPEEDS}
        for item in items:
            baseline = baselines.get(item.nodeid)
            if baseline is not None:
                item.add_marker(markers[speed_of(baseline.median)])

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not self.writes:
            return
        measurement = self.measurements.get(report.nodeid)
        if measurement is None:
            node = getattr(report, "node", None)  # set by xdist on the reports its workers send
            worker = node.gateway.id if node is not None else "main"
            measurement = self.measurements[report.nodeid] = Measurement(report.nodeid, tier_of(report.nodeid), worker)
        setattr(measurement, report.when, report.duration)
        if report.failed:
            measurement.outcome = "failed" if report.when == "call" else "error"
        elif report.skipped and measurement.outcome == "passed":
            measurement.outcome = "skipped"

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.writes or not self.measurements:
            return
        ini = self.config.getini
        baselines = self.known_baselines()  # from the runs before this one
        commit, version = code_version(self.config.rootpath)
        run = Run(self.started, commit, version, time.time() - self.started)
        measured = list(self.measurements.values())
        slower = regressions(
            measured,
            baselines,
            factor=float(ini("analytics_regression_factor")),
            floor=float(ini("analytics_regression_floor")),
            min_runs=int(ini("analytics_min_runs")),
        )
        run_id = self.history.record(run, measured, keep=int(ini("analytics_baseline_runs")), slower=slower)
        flaky = {nodeid: v for nodeid, v in self.history.flaky(version).items() if nodeid in self.measurements}
        self.summary = [f"run {run_id} recorded in {self.history.path.name}: {len(measured)} tests"]
        self.summary += [
            f"regression: {r.nodeid} {r.seconds:.2f}s, baseline {r.baseline.median:.2f}s ({r.factor:.1f}x)"
            for r in slower
        ]
        self.summary += [f"flaky: {nodeid} passed and failed on code {v}" for nodeid, v in flaky.items()]
        if not slower and not flaky:
            self.summary.append("no regression, no flaky test")

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.summary:
            terminalreporter.write_sep("-", "test analytics")
            for line in self.summary:
                terminalreporter.write_line(line)
