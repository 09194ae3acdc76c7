"""The plugin's glue: its options and settings, and the parts it switches on. pytest loads this module through the
``pytest11`` entry point in ``pyproject.toml``; each part is a module of its own:

- ``tiers``: a marker per tier folder, declared and applied at collection, and a time limit per tier;
- ``analytics``: every run into the test history (``history``), regressions, flaky tests and speed markers
  (``history_rules``), "the same code and environment" (``fingerprints``), drawn and merged by
  ``python -m suite_toolkit.report``;
- ``quarantine``: a marker for known flaky tests, rerun and reported without failing the run;
- ``workers``: the number of pytest-xdist workers for ``-n auto``, from measured durations;
- ``startup``: what makes every start of pytest slower (``PYTHONDONTWRITEBYTECODE``), said at the end of the run;
- ``testmon_inputs``: what pytest-testmon cannot trace (files read, code run at collection, import-time code)
  recorded and selected again (``dependencies`` keeps it, ``source`` reads the code);
- ``servers``: a test whose server does not answer skips, or fails, with the cause and the fix.

Every setting is an ini option (``settings``), with the default shown by ``pytest --help``.
"""

from __future__ import annotations

import pytest

from suite_toolkit import analytics, hookspecs, quarantine, servers, settings, startup, testmon_inputs, tiers, workers


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("suite-toolkit", "pytest-suite-toolkit")
    group.addoption("--no-analytics", action="store_true", help="record nothing, mark nothing, report nothing")
    group.addoption(
        "--analytics-file",
        metavar="PATH",
        help="the test history (default: the analytics_file setting); write --analytics-file=PATH: pytest looks "
        "for its rootdir in the arguments before it knows this option, and would take a separate PATH for a test path",
    )
    group.addoption(
        "--analytics-batch",
        metavar="NAME",
        help="the same NAME for the shards of one CI run (their runs are one run in the report once merged)",
    )
    group.addoption(
        "--quarantined",
        action="store_true",
        help="run only the tests marked quarantine and the quarantine candidates, without reruns or forgiveness",
    )
    settings.add_to(parser)


@pytest.hookimpl(tryfirst=True)  # before pytest-testmon's own pytest_configure reads its environment
def pytest_configure(config: pytest.Config) -> None:
    settings.check(config)
    testmon_inputs.configure(config)
    tiers.configure(config)
    analytics.configure(config)
    quarantine.configure(config)
    servers.configure(config)


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # pytest-xdist's hook; it asks before pytest_configure
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    return workers.auto_workers(config)


def pytest_report_header(config: pytest.Config) -> str | None:
    return workers.report_header(config)


@pytest.hookimpl(trylast=True)  # after the sections of other plugins (test analytics)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    for line in startup.summary_lines(config):
        terminalreporter.write_line(line, yellow=True)
