"""Every setting of the plugin, in one table: an ini option (``[tool.pytest.ini_options]``) with its default, and
the checks that stop a run at its start, with one message naming the setting, when a value cannot be used."""

from __future__ import annotations

import pytest

HISTORY_FILE = ".test-history.db"
# name: (help, type, default). README.md's table lists the same (tests/test_settings.py holds them together).
SETTINGS: dict[str, tuple[str, str, object]] = {
    "tiers": (
        "tier folders, one per line as 'folder: description'; a test under a folder gets a marker named after "
        "the folder's last part",
        "linelist",
        [],
    ),
    "tier_timeouts": (
        "'tier=seconds', one per line: pytest-timeout's limit for each test of that tier",
        "linelist",
        [],
    ),
    "analytics_file": ("the test history (SQLite)", "string", HISTORY_FILE),
    "analytics_code": (
        "the packages under test: files and folders whose content is 'the code' (a test that passed and failed on "
        "the same code and environment is flaky); by default every file of the project that git tracks or would "
        "(every file but dot-folders and installed packages outside git)",
        "linelist",
        [],
    ),
    "analytics_baseline_runs": ("passing runs a baseline is the median of", "string", "5"),
    "analytics_min_runs": ("passing runs a baseline needs before it can flag a regression", "string", "3"),
    "analytics_regression_factor": ("times slower than its baseline for a regression", "string", "2.0"),
    "analytics_regression_floor": ("seconds slower than its baseline for a regression", "string", "0.1"),
    "analytics_keep_runs": ("runs the test history keeps (older ones are dropped)", "string", "50"),
    "quarantine_reruns": (
        "times a test marked quarantine is run again when it fails (pytest-rerunfailures)",
        "string",
        "2",
    ),
    "quarantine_after": (
        "times a test is seen flaky before the report lists it as a quarantine candidate",
        "string",
        "2",
    ),
    "workers_seconds_per_worker": (
        "measured seconds of tests each pytest-xdist worker must get before -n auto starts one (measured on a "
        "2-core machine: what a worker's start-up costs)",
        "string",
        "8.0",
    ),
    "workers_durations_file": (
        "durations for -n auto of the tests the test history has not measured (pytest-split's format)",
        "string",
        ".test_durations",
    ),
    "testmon_inputs": (
        "glob patterns of files the tests read where the plugin cannot see it (in a subprocess, say); a change "
        "re-runs every test. Files opened by the tests themselves are found without it",
        "linelist",
        [],
    ),
    "testmon_settings": (
        "glob patterns of settings files whose values the code reads by key (config/*.yaml): a change to a value "
        "re-runs the tests whose code names its key, instead of every test that read the file (the "
        "pytest_suite_toolkit_settings_values hook reads a format of your own)",
        "linelist",
        [],
    ),
    "testmon_code": (
        "folders (or files) whose Python code's import-time changes are followed; by default every Python file of "
        "the project (any layout, any number of packages), except dot-folders and installed packages",
        "linelist",
        [],
    ),
    "testmon_module_changes": (
        "what a change to import-time code (a constant, a default value, a decorator) re-runs: 'precise' (the "
        "tests that run code reading what changed) or 'everything'",
        "string",
        "precise",
    ),
}


def default(name: str) -> object:
    return SETTINGS[name][2]


def add_to(parser: pytest.Parser) -> None:
    for name, (help_text, kind, value) in SETTINGS.items():
        shown = " ".join(value) if isinstance(value, list) else value
        parser.addini(name, f"{help_text} (pytest-suite-toolkit; default: {shown or 'none'})", type=kind, default=value)


def whole_number(config: pytest.Config, name: str, minimum: int = 1) -> int:
    try:
        value = int(config.getini(name))
    except ValueError:
        raise pytest.UsageError(f"{name}: {config.getini(name)!r} is not a whole number") from None
    if value < minimum:
        raise pytest.UsageError(f"{name}: {value} is less than {minimum}")
    return value


def positive_number(config: pytest.Config, name: str) -> float:
    try:
        value = float(config.getini(name))
    except ValueError:
        raise pytest.UsageError(f"{name}: {config.getini(name)!r} is not a number") from None
    if not value > 0:
        raise pytest.UsageError(f"{name}: {value:g} is not above 0")
    return value


def one_of(config: pytest.Config, name: str, choices: tuple[str, ...]) -> str:
    value = config.getini(name)
    if value not in choices:
        raise pytest.UsageError(f"{name}: {value!r} is not one of {', '.join(map(repr, choices))}")
    return value
