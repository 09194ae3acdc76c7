"""Test analytics: every run goes into the test history, which finds regressions and flaky tests and sorts tests
by speed.

- Each test's outcome, its setup/call/teardown seconds (pytest's own measure, as ``--durations`` prints), its tier
  (``tiers``) and its xdist worker go into the history with the run's commit: one write at the end of the run, by
  the controller only when xdist runs the tests.
- A test's baseline is the median of its last passing runs. A test slower than its baseline by a factor AND by a
  floor in seconds is a regression, so that noise alone alerts nothing. A test that passed and failed on the same
  code (the ``analytics_code`` files, byte for byte) is flaky. Both are printed at the end of the run.
- Speed markers come from the baselines, not from decorators: ``fast`` (under 0.1 s), ``medium`` (up to 1 s) and
  ``slow``, applied at collection, so ``-m "not slow"`` deselects what was measured slow. A test not measured yet
  has no speed marker.
"""

from __future__ import annotations

import hashlib
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from suite_toolkit import settings, tiers
from suite_toolkit.analysis import Baseline, Measurement, Run, regressions, speed_of
from suite_toolkit.history import History
from suite_toolkit.private_api import worker_of

SPEEDS = {
    "fast": "measured: baseline under 0.1 s (pytest-suite-toolkit)",
    "medium": "measured: baseline from 0.1 s to 1 s",
    "slow": "measured: baseline over 1 s",
}


def configure(config: pytest.Config) -> None:
    for name, description in SPEEDS.items():
        config.addinivalue_line("markers", f"{name}: {description}")
    if config.option.no_analytics:
        return
    path = config.rootpath / (config.option.analytics_file or config.getini("analytics_file"))
    # An xdist worker reads baselines to mark its tests; only the controller, which sees every report, writes.
    analytics = Analytics(config, History(path), Thresholds.read(config), writes=not hasattr(config, "workerinput"))
    config.pluginmanager.register(analytics, "suite_toolkit.analytics")


def code_version(root: Path, code: Iterable[str]) -> tuple[str | None, str]:
    """The commit, if any, and a fingerprint of the code as it is on disk, committed or not."""
    fingerprint = hashlib.sha1()
    for entry in code:
        top = root / entry
        for path in sorted([top, *top.rglob("*")] if top.is_dir() else [top]):
            if path.is_file() and "__pycache__" not in path.parts:
                fingerprint.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, check=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = None  # not a git repository, or no commit yet
    return commit, fingerprint.hexdigest()[:12]


@dataclass(frozen=True)
class Thresholds:
    baseline_runs: int
    min_runs: int
    factor: float
    floor: float

    @classmethod
    def read(cls, config: pytest.Config) -> Thresholds:
        """The settings, read at the start of the run: a value that cannot be used stops it there."""
        return cls(
            baseline_runs=settings.whole_number(config, "analytics_baseline_runs"),
            min_runs=settings.whole_number(config, "analytics_min_runs"),
            factor=settings.positive_number(config, "analytics_regression_factor"),
            floor=settings.positive_number(config, "analytics_regression_floor"),
        )


def seconds(value: float) -> str:
    return f"{value:.2f}s" if value >= 0.01 else f"{value * 1000:.1f}ms"


class Analytics:
    def __init__(self, config: pytest.Config, history: History, thresholds: Thresholds, writes: bool) -> None:
        self.config = config
        self.history = history
        self.thresholds = thresholds
        self.writes = writes
        self.tiers = [tier.name for tier in tiers.configured(config)]
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
            tier = tiers.tier_of(report, self.tiers)
            measurement = Measurement(report.nodeid, tier, worker_of(report))
            self.measurements[report.nodeid] = measurement
        setattr(measurement, report.when, report.duration)
        if report.failed:
            measurement.outcome = "failed" if report.when == "call" else "error"
        elif report.skipped and measurement.outcome == "passed":
            measurement.outcome = "skipped"

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if not self.writes or not self.measurements:
            return
        if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):  # interrupted: not a run to keep
            self.summary = [f"nothing recorded: the run ended early ({pytest.ExitCode(exitstatus).name.lower()})"]
            return
        baselines = self.known_baselines()  # from the runs before this one
        commit, version = code_version(self.config.rootpath, self.config.getini("analytics_code"))
        run = Run(self.started, commit, version, time.time() - self.started)
        measured = list(self.measurements.values())
        limits = self.thresholds
        slower = regressions(measured, baselines, factor=limits.factor, floor=limits.floor, min_runs=limits.min_runs)
        run_id = self.history.record(run, measured, keep=limits.baseline_runs, slower=slower)
        flaky = {nodeid: v for nodeid, v in self.history.flaky(version).items() if nodeid in self.measurements}
        where = (
            self.history.path.relative_to(self.config.rootpath)
            if self.history.path.is_relative_to(self.config.rootpath)
            else self.history.path
        )
        tests = f"{len(measured)} test{'s' if len(measured) != 1 else ''}"
        self.summary = [f"run {run_id} recorded in {where}: {tests}"]
        self.summary += [
            f"regression: {r.nodeid} {seconds(r.seconds)}, baseline {seconds(r.baseline.median)} ({r.factor:.1f}x)"
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
