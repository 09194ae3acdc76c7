"""Every setting of the plugin, in one table: an ini option (``[tool.pytest.ini_options]``) with its default and,
for a number, the values it may take. ``check`` reads every number at the start of every run, so a value that
cannot be used stops the run there, with one line naming the setting and the value, whichever parts the run uses."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

HISTORY_FILE = ".test-history.db"


@dataclass(frozen=True)
class Number:
    """The values a numeric setting may take: whole or not, from ``least`` (or above it) to ``most``."""

    whole: bool
    least: float
    most: float
    above_least: bool = False  # ``least`` itself is not allowed

    def parse(self, text: str) -> float:
        """``text`` as such a value; a ValueError saying why not, in the user's words."""
        try:
            value = int(text) if self.whole else float(text)
        except (TypeError, ValueError):
            raise ValueError(f"{text!r} is not a {'whole ' if self.whole else ''}number") from None
        if math.isnan(value):
            raise ValueError(f"{text!r} is not a number")
        if self.above_least and not value > self.least:
            raise ValueError(f"{shown(value)} is not above {shown(self.least)}")
        if value < self.least:
            raise ValueError(f"{shown(value)} is less than {shown(self.least)}")
        if value > self.most:
            raise ValueError(f"{shown(value)} is more than {shown(self.most)}")
        return value


def shown(value: float) -> str:
    """A whole number in full (a 20-digit count as typed), any other as Python's ``g`` format writes it."""
    return str(value) if isinstance(value, int) else f"{value:g}"


# The bounds are far beyond what anyone sets, and keep each value one that the code using it can handle.
# Counts of runs are written to SQLite, whose integers stop at 2**63 - 1 (a 20-digit count lost the run at its
# end); a million runs is a run a minute for two years.
RUNS = Number(whole=True, least=1, most=1_000_000)
# Seconds: an hour is longer than any test's slowdown worth a threshold or any worker's start-up; ``inf`` is no
# number of seconds.
SECONDS = Number(whole=False, least=0, most=3600, above_least=True)
# pytest-timeout's limit for one test: under 10 ms it is within pytest's own work around a test (1e-7 timed out
# inside pytest, an INTERNALERROR); a day is no limit any more, and ``inf`` overflowed the timer mid-run. 0 or less
# would silently mean no limit: leaving the tier out says so.
TIER_LIMIT = Number(whole=False, least=0.01, most=86_400)
# Each rerun runs a failing test again: a hundred is a loop, not a retry.
RERUNS = Number(whole=True, least=0, most=100)
# Times slower than a baseline: a thousand times slower is no threshold to wait for.
FACTOR = Number(whole=False, least=0, most=1000, above_least=True)


@dataclass(frozen=True)
class Setting:
    help: str
    kind: str  # pytest's ini type
    default: object
    number: Number | None = None  # for "linelist": each line's number


# README.md's table lists the same settings (tests/test_settings.py holds them together).
SETTINGS: dict[str, Setting] = {
    "tiers": Setting(
        "tier folders, one per line as 'folder: description'; a test under a folder gets a marker named after "
        "the folder's last part",
        "linelist",
        [],
    ),
    "tier_timeouts": Setting(
        "'tier=seconds', one per line: pytest-timeout's limit for each test of that tier",
        "linelist",
        [],
        TIER_LIMIT,
    ),
    "analytics_file": Setting("the test history (SQLite)", "string", HISTORY_FILE),
    "analytics_code": Setting(
        "the packages under test: files and folders whose content is 'the code' (a test that passed and failed on "
        "the same code and environment is flaky); by default every file of the project that git tracks or would "
        "(every file but dot-folders and installed packages outside git)",
        "linelist",
        [],
    ),
    "analytics_baseline_runs": Setting("passing runs a baseline is the median of", "string", "5", RUNS),
    "analytics_min_runs": Setting("passing runs a baseline needs before it can flag a regression", "string", "3", RUNS),
    "analytics_regression_factor": Setting("times slower than its baseline for a regression", "string", "2.0", FACTOR),
    "analytics_regression_floor": Setting(
        "seconds slower than its baseline for a regression", "string", "0.1", SECONDS
    ),
    "analytics_keep_runs": Setting("runs the test history keeps (older ones are dropped)", "string", "50", RUNS),
    "quarantine_reruns": Setting(
        "times a test marked quarantine is run again when it fails (pytest-rerunfailures)", "string", "2", RERUNS
    ),
    "quarantine_after": Setting(
        "times a test is seen flaky before the report lists it as a quarantine candidate", "string", "2", RUNS
    ),
    "workers_seconds_per_worker": Setting(
        "measured seconds of tests each pytest-xdist worker must get before -n auto starts one (measured on a "
        "2-core machine: what a worker's start-up costs)",
        "string",
        "8.0",
        SECONDS,
    ),
    "workers_durations_file": Setting(
        "durations for -n auto of the tests the test history has not measured (pytest-split's format)",
        "string",
        ".test_durations",
    ),
    "testmon_inputs": Setting(
        "glob patterns of files the tests read where the plugin cannot see it (in a subprocess, say); a change "
        "re-runs every test. Files opened by the tests themselves are found without it",
        "linelist",
        [],
    ),
    "testmon_settings": Setting(
        "glob patterns of settings files whose values the code reads by key (config/*.yaml): a change to a value "
        "re-runs the tests whose code names its key, instead of every test that read the file (the "
        "pytest_suite_toolkit_settings_values hook reads a format of your own)",
        "linelist",
        [],
    ),
    "testmon_code": Setting(
        "folders (or files) whose Python code's import-time changes are followed; by default every Python file of "
        "the project (any layout, any number of packages), except dot-folders and installed packages",
        "linelist",
        [],
    ),
    "testmon_module_changes": Setting(
        "what a change to import-time code (a constant, a default value, a decorator) re-runs: 'precise' (the "
        "tests that run code reading what changed) or 'everything'",
        "string",
        "precise",
    ),
}


def default(name: str) -> object:
    return SETTINGS[name].default


def add_to(parser: pytest.Parser) -> None:
    for name, setting in SETTINGS.items():
        shown = " ".join(setting.default) if isinstance(setting.default, list) else setting.default
        help_text = f"{setting.help} (pytest-suite-toolkit; default: {shown or 'none'})"
        parser.addini(name, help_text, type=setting.kind, default=setting.default)


def check(config: pytest.Config) -> None:
    """Reads every number the plugin has a setting for, whether or not this run uses it: an absurd value stops
    every run at its start, not only the runs of the part that reads it (``tier_timeouts``, whose lines name
    tiers, is read by ``tiers.configure`` in every run)."""
    for name, setting in SETTINGS.items():
        if setting.number is not None and setting.kind == "string":
            number(config, name)


def number(config: pytest.Config, name: str) -> float:
    """The setting's value, within its range in ``SETTINGS``; a usage error naming the setting and the value."""
    text = config.getini(name)
    try:
        return SETTINGS[name].number.parse(text)
    except ValueError as error:
        raise pytest.UsageError(f"{name}: {error}") from None


def whole_number(config: pytest.Config, name: str) -> int:
    return int(number(config, name))


def positive_number(config: pytest.Config, name: str) -> float:
    return float(number(config, name))


def one_of(config: pytest.Config, name: str, choices: tuple[str, ...]) -> str:
    value = config.getini(name)
    if value not in choices:
        raise pytest.UsageError(f"{name}: {value!r} is not one of {', '.join(map(repr, choices))}")
    return value
