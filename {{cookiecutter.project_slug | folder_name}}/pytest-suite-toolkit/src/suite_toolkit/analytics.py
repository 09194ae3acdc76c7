"""Test analytics: every run goes into the test history, which finds regressions and flaky tests and sorts tests
by speed.

- Each test's outcome, its setup/call/teardown seconds (pytest's own measure, as ``--durations`` prints), its tier
  (its tier marker, see ``tiers``), its xdist worker, its reruns (pytest-rerunfailures) and whether it is quarantined
  go into the history with the run: one write at the end, by the controller only when xdist runs the tests.
- A run has a kind: serial or under xdist with N workers, and the whole suite, a part of it (paths, ``-k``, ``-m``,
  ``--lf``, an affected-only run, anything deselected) or one of N shards (pytest-split). A test's baseline is the
  median of its passing calls in the latest runs of the same kind: calls under 2 workers on 2 cores are not
  comparable with calls in a serial run, nor a shard's with a full run's.
- A test whose call (the test itself; a session or module fixture's setup lands on whichever test needs it first,
  which changes with the order and the workers) is slower than its baseline by a factor AND by a floor in seconds,
  in this run and the one before of the same kind, is a regression, so that noise alone alerts nothing
  (``history_rules.regressions`` says why). A test whose own outcome changed on the same code and
  environment (``fingerprints``) is flaky: it failed in one run and passed in another, or passed on a rerun. An
  error in setup or teardown caused by a server that is missing or broken (``servers``) is a "server error", the
  server's outcome, not the test's.
- Speed markers come from the baselines, not from decorators: ``fast`` (under 0.1 s), ``medium`` (up to 1 s) and
  ``slow``, from the latest runs of the whole suite, applied at collection when ``-m`` names one of them, so
  ``-m "not slow"`` deselects what was measured slow. A test not measured yet has no speed marker.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from suite_toolkit import borrowed, settings, tiers
from suite_toolkit.fingerprints import CodeVersion, environment
from suite_toolkit.history import History
from suite_toolkit.history_rules import Baseline, Regression, Run, kind_of_selection, regressions, speed_of
from suite_toolkit.history_schema import HistoryUnusable, NotAHistory
from suite_toolkit.measured import Measured

try:
    import tomllib
except ImportError:  # Python 3.10, where pytest itself needs tomli
    import tomli as tomllib

PARTIAL_LOOKBACK = 10  # a partial run's tests are looked for in 10x the baseline's runs: tiers run in turns

Found = TypeVar("Found")

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
    # An xdist worker reads baselines to mark its tests; only the controller, which sees every report, writes.
    writes = not hasattr(config, "workerinput")
    history = History(history_path(config))
    if writes:
        refuse_someone_elses(config, history)
    analytics = Analytics(config, history, Thresholds.read(config), writes=writes)
    config.pluginmanager.register(analytics, "suite_toolkit.analytics")


def history_path(config: pytest.Config) -> Path:
    return config.rootpath / (config.option.analytics_file or config.getini("analytics_file"))


def refuse_someone_elses(config: pytest.Config, history: History) -> None:
    """Stop the run at its start, with one line, when ``analytics_file`` names no file or a file that is not a
    history (``pyproject.toml``, testmon's ``.testmondata``): found at the end, the run would be lost. What can
    happen to the history itself (damaged, locked, a folder in its place) is said at the end, the tests run."""
    name = config.option.analytics_file or config.getini("analytics_file")
    if not name.strip():
        raise pytest.UsageError("analytics_file: '' names no file")
    try:
        history.refuse_someone_elses()
    except NotAHistory as error:
        raise pytest.UsageError(f"analytics_file: {shown(config, history.path)} {error}") from None


def project_of(config: pytest.Config) -> str:
    """The project a run is of: the name in the root's ``pyproject.toml``, else the root folder's name. A history
    holds the runs of one project (``History.record``, ``History.merge``)."""
    try:
        with (config.rootpath / "pyproject.toml").open("rb") as file:
            name = tomllib.load(file).get("project", {}).get("name")
    except (OSError, tomllib.TOMLDecodeError):
        name = None
    return name if isinstance(name, str) and name else config.rootpath.name


def shown(config: pytest.Config, path: Path) -> Path:
    """``path`` as the user names it: from the project's root when it is inside."""
    return path.relative_to(config.rootpath) if path.is_relative_to(config.rootpath) else path


def read_or_warn(config: pytest.Config, read: Callable[[], Found], default: Found) -> Found:
    """What ``read`` reads from the history before the tests run, or ``default`` with one warning naming the file
    when it cannot be read (damaged, not a history, locked): the tests run all the same."""
    try:
        return read()
    except (HistoryUnusable, sqlite3.Error, OSError) as error:
        why = f" {error}" if isinstance(error, HistoryUnusable) else f": {error}"
        warning = pytest.PytestWarning(f"{shown(config, history_path(config))}{why}; this run reads no history")
        config.issue_config_time_warning(warning, stacklevel=2)
        return default


def mode_of(config: pytest.Config) -> str:
    """``serial``, or ``xdist N`` (pytest-xdist has turned ``-n auto`` into a number by the time tests run)."""
    workers = getattr(config.option, "numprocesses", None)
    if isinstance(workers, int) and workers > 0 and getattr(config.option, "dist", "no") != "no":
        return f"xdist {workers}"
    return "serial"


def selection_of(config: pytest.Config, deselected: int) -> str:
    """``full`` when the whole suite ran, ``shard I/N`` for a pytest-split group, else ``partial``."""
    splits, group = getattr(config.option, "splits", None), getattr(config.option, "group", None)
    if splits and group:
        return f"shard {group}/{splits}"
    narrowed = (
        deselected  # seen without xdist: -k, -m, --lf, testmon, any plugin that deselects
        or config.option.keyword  # the same under xdist, where the workers deselect
        or config.option.markexpr
        or getattr(config.option, "lf", False)
        or borrowed.testmon_selects(config)
        or not whole_suite_named(config)
    )
    return "partial" if narrowed else "full"


def whole_suite_named(config: pytest.Config) -> bool:
    if config.args_source != pytest.Config.ArgsSource.ARGS:  # testpaths, or the folder pytest runs in
        return True
    if any("::" in arg for arg in config.args):
        return False
    named = {Path(config.invocation_params.dir, arg).resolve() for arg in config.args}
    default = {config.rootpath / path for path in config.getini("testpaths")} or {config.rootpath}
    return named == {path.resolve() for path in default} or config.rootpath in named


@dataclass(frozen=True)
class Thresholds:
    baseline_runs: int
    min_runs: int
    factor: float
    floor: float
    keep_runs: int
    quarantine_after: int

    @classmethod
    def read(cls, config: pytest.Config) -> Thresholds:
        """The settings, read at the start of the run: a value that cannot be used stops it there."""
        return cls(
            baseline_runs=settings.whole_number(config, "analytics_baseline_runs"),
            min_runs=settings.whole_number(config, "analytics_min_runs"),
            factor=settings.positive_number(config, "analytics_regression_factor"),
            floor=settings.positive_number(config, "analytics_regression_floor"),
            keep_runs=settings.whole_number(config, "analytics_keep_runs"),
            quarantine_after=settings.whole_number(config, "quarantine_after"),
        )

    def about(self) -> dict[str, str]:
        """The settings the report reads from the history, as the run that recorded last had them."""
        return {
            "analytics_baseline_runs": str(self.baseline_runs),
            "analytics_keep_runs": str(self.keep_runs),
            "quarantine_after": str(self.quarantine_after),
        }


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
        self.code = CodeVersion(config.rootpath, config.getini("analytics_code")) if writes else None
        self.deselected = 0
        self.measured = Measured(self.tiers)
        self.summary: list[str] = []

    @pytest.hookimpl(tryfirst=True)  # before -m deselects anything
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        # Marking 10,000 tests costs more than the rest of the plugin: only when -m can select by speed.
        if not any(speed in (self.config.option.markexpr or "") for speed in SPEEDS):
            return
        runs = self.thresholds.baseline_runs
        # The latest runs of the whole suite; none yet: the latest runs of any kind.

        def read() -> dict[str, Baseline]:
            latest = self.history.latest_runs(runs, full_only=True) or self.history.latest_runs(runs)
            return self.history.baselines(latest)

        baselines = read_or_warn(self.config, read, {})
        markers = {speed: getattr(pytest.mark, speed) for speed in SPEEDS}
        for item in items:
            baseline = baselines.get(item.nodeid)
            if baseline is not None:
                item.add_marker(markers[speed_of(baseline.median)])

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not self.writes:
            return
        self.measured.add(report)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.code is None:  # an xdist worker
            return
        code = self.code.result()  # read in any case: git's processes end here
        if not self.measured:
            return
        if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):  # interrupted: not a run to keep
            self.summary = [f"nothing recorded: the run ended early ({pytest.ExitCode(exitstatus).name.lower()})"]
            return
        selection = selection_of(self.config, self.deselected)
        run = Run(
            uuid.uuid4().hex, self.config.option.analytics_batch, self.started, code.commit, code.version,
            environment(), mode_of(self.config), selection, time.time() - self.started, code.tree,
        )  # fmt: skip
        where = shown(self.config, self.history.path)
        try:
            self.history.prepare()  # first: a damaged file is kept aside, a file that is not a history refused
            slower = self.slower_than_before(run)
            about = {"project": project_of(self.config), **self.thresholds.about()}
            run_id = self.history.record(run, self.measured, keep=self.thresholds.keep_runs, slower=slower, about=about)
            flaky = self.history.flaky_in([run_id])
        except HistoryUnusable as error:  # the tests' results and exit status stay theirs: one line says why
            self.summary = [f"nothing recorded: {where} {error}"]
            return
        except (sqlite3.Error, OSError) as error:
            self.summary = [f"nothing recorded: {where}: {error}"]
            return
        self.summary = self.recorded(where, run_id, run, slower, flaky)

    def slower_than_before(self, run: Run) -> list[Regression]:
        """The tests this run found slower than their baselines, from the runs before it: only the tests slow enough
        to be a regression are looked up (few, in most suites)."""
        limits, measured = self.thresholds, self.measured
        calls = measured.phases["call"]
        suspects = [nodeid for nodeid in measured.with_outcome("passed") if calls.get(nodeid, 0.0) >= limits.floor]
        # A partial run holds some of the tests (a tier, the affected ones): each test's last passing runs are
        # looked for further back than in runs of the whole suite or of a shard, which hold the same tests each time.
        window = limits.baseline_runs * (PARTIAL_LOOKBACK if kind_of_selection(run.selection) == "partial" else 1)
        latest = self.history.latest_runs(window, kind=run.kind)
        baselines = self.history.baselines(latest, suspects, calls=True, last=limits.baseline_runs)
        return regressions(
            [measured.measurement(nodeid) for nodeid in suspects],
            baselines, factor=limits.factor, floor=limits.floor, min_runs=limits.min_runs,
        )  # fmt: skip

    def recorded(self, where: str, run_id: int, run: Run, slower: list[Regression], flaky: dict[str, str]) -> list[str]:
        """The lines the summary says about a run recorded."""
        measured = self.measured
        tests = f"{len(measured)} test{'s' if len(measured) != 1 else ''}"
        said = [f"{where} {self.history.notice}"] if self.history.notice else []
        said.append(f"run {run_id} recorded in {where}: {tests}, {run.kind}")
        said += [
            f"regression: {r.nodeid} {seconds(r.seconds)}, baseline {seconds(r.baseline.median)} ({r.factor:.1f}x), "
            f"{seconds(r.baseline.latest)} the run before"
            for r in slower
        ]
        said += [f"flaky: {nodeid} {how}" for nodeid, how in flaky.items()]
        server_errors = measured.with_outcome("server error")
        if server_errors:
            said.append(
                f"server errors: {len(server_errors)} test(s) could not set up for a server that is missing or "
                f"broken (first: {server_errors[0]}); not counted as failures of the tests"
            )
        if not slower and not flaky:
            said.append("no regression, no flaky test")
        return said

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.summary:
            terminalreporter.write_sep("-", "test analytics")
            for line in self.summary:
                terminalreporter.write_line(line)
