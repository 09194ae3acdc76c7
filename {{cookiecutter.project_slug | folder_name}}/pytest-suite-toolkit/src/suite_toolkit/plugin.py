"""The plugin's glue: its options and settings, and the parts it switches on. pytest loads this module through the
``pytest11`` entry point in ``pyproject.toml``; each part is a module of its own:

- ``tiers``: a marker per tier folder, declared and applied at collection, and a time limit per tier;
- ``analytics``: every run into the test history (``history``), regressions, flaky tests and speed markers
  (``analysis``), drawn by ``python -m suite_toolkit.report``;
- ``workers``: the number of pytest-xdist workers for ``-n auto``, from measured durations;
- ``testmon_inputs``: what pytest-testmon cannot trace (data files, import-time code) folded into its environment;
- ``servers``: a test whose server does not answer skips, or fails, with the cause and the fix.

Every setting is an ini option (``[tool.pytest.ini_options]``) with the default shown by ``pytest --help``.
"""

from __future__ import annotations

import pytest

from suite_toolkit import analytics, history, hooks, servers, testmon_inputs, tiers, workers

# name: (help, type, default) for each ini option, one table so that `pytest --help` and README.md agree.
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
    "analytics_file": ("the test history (SQLite)", "string", history.DEFAULT_FILE),
    "analytics_code": (
        "files and folders whose content is 'the code' (a test that passed and failed on the same code is flaky)",
        "linelist",
        list(analytics.CODE),
    ),
    "analytics_baseline_runs": ("passing runs a baseline is the median of", "string", "5"),
    "analytics_min_runs": ("passing runs a baseline needs before it can flag a regression", "string", "3"),
    "analytics_regression_factor": ("times slower than its baseline for a regression", "string", "2.0"),
    "analytics_regression_floor": ("seconds slower than its baseline for a regression", "string", "0.1"),
    "workers_seconds_per_worker": (
        "measured seconds of tests each pytest-xdist worker must get before -n auto starts one",
        "string",
        str(workers.SECONDS_PER_WORKER),
    ),
    "workers_durations_file": ("measured durations (pytest-split's format)", "string", workers.DURATIONS_FILE),
    "testmon_inputs": (
        "glob patterns of the files besides Python code that tests read; a change re-runs every test",
        "linelist",
        list(testmon_inputs.INPUTS),
    ),
    "testmon_import_time_code": (
        "folders of the code under test whose import-time code (constants, defaults, decorators) is hashed",
        "linelist",
        list(testmon_inputs.IMPORT_TIME_CODE),
    ),
}


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hooks)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("suite-toolkit", "pytest-suite-toolkit")
    group.addoption("--no-analytics", action="store_true", help="record nothing, mark nothing, report nothing")
    group.addoption("--analytics-file", metavar="PATH", help="the test history (default: the analytics_file setting)")
    for name, (help_text, kind, default) in SETTINGS.items():
        parser.addini(name, f"{help_text} (default: {default or 'none'})", type=kind, default=default)


@pytest.hookimpl(tryfirst=True)  # before pytest-testmon's own pytest_configure reads its environment
def pytest_configure(config: pytest.Config) -> None:
    testmon_inputs.configure(config)
    tiers.configure(config)
    analytics.configure(config)
    servers.configure(config)


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # pytest-xdist's hook; it asks before pytest_configure
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    return workers.auto_workers(config)


def pytest_report_header(config: pytest.Config) -> str | None:
    return workers.report_header(config)
