"""What this plugin borrows: every use of another package's private interface, in one place, each with what it is and
why no public one does the job.
``tests/test_borrowed.py``, ``tests/test_testmon_selection.py`` and ``tests/test_workers.py`` run the testmon ones
through testmon itself, ``tests/analytics/`` the xdist one through xdist: they fail when the tool changes them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def testmon_installed(config: pytest.Config) -> bool:
    """pytest-testmon is loaded (it registers its options under the plugin name ``pytest-testmon``, or its module
    when ``-p testmon.pytest_testmon`` loads it)."""
    return hasattr(config.option, "testmon_noselect")


def testmon_selects(config: pytest.Config) -> bool:
    """testmon leaves out the tests it does not select in this run. It registers its selecting plugin as
    ``TestmonSelect`` and decides in ``config.testmon_config`` (no public way to ask either)."""
    selects = bool(getattr(getattr(config, "testmon_config", None), "select", False))
    return selects and testmon_selector(config) is not None


def testmon_selector(config: pytest.Config) -> object | None:
    """The plugin object pytest-testmon selects with (its ``pytest_ignore_collect`` skips the files whose tests it
    leaves out), or None."""
    return config.pluginmanager.get_plugin("TestmonSelect")


def testmon_will_select(config: pytest.Config) -> bool:
    """Asked before ``pytest_configure``, where testmon decides: it will leave out the tests its data shows
    unaffected. Its options allow it (``testmon.configure.header_collect_select``, which ``pytest_configure``
    calls, turns selection off for ``-k``, ``-m``, ``--lf``...) and its data exists (without, every test runs)."""
    if not testmon_installed(config):
        return False
    from testmon.configure import header_collect_select

    chosen = header_collect_select(config, coverage_stack=None, cov_plugin=config.pluginmanager.get_plugin("_cov"))
    return chosen.select and testmon_datafile(config).exists()


def testmon_collects(config: pytest.Config) -> bool:
    """testmon records what the tests of this run execute (its ``TestmonCollect`` plugin is registered)."""
    return config.pluginmanager.get_plugin("TestmonCollect") is not None


def testmon_datafile(config: pytest.Config) -> Path:
    """Where testmon keeps its data: ``.testmondata``, or ``TESTMON_DATAFILE`` (testmon_core.get_data_file_path),
    relative to where pytest runs."""
    return Path(os.environ.get("TESTMON_DATAFILE", ".testmondata")).absolute()


def testmon_executed_lines(report: pytest.TestReport) -> dict[str, dict[str, set[int]]] | None:
    """What the tests of testmon's last batch executed: test id -> file (relative to the project) -> line
    numbers. testmon attaches it to the teardown report of the batch's last test (``nodes_files_lines``)."""
    return getattr(report, "nodes_files_lines", None)


def forget_in_testmon(report: pytest.TestReport, nodeids: set[str]) -> None:
    """Keep pytest-testmon from recording the tests in ``nodeids`` as run, so that the next run selects them.

    testmon measures tests in batches and attaches what a batch executed, by test id, to the teardown report of the
    batch's last test (``report.nodes_files_lines``); it has no public way to leave a test out."""
    executed = getattr(report, "nodes_files_lines", None)
    if executed:
        for nodeid in nodeids:
            executed.pop(nodeid, None)


def worker_of(report: pytest.TestReport) -> str:
    """The pytest-xdist worker that ran the test of ``report`` (``gw0``...), or ``main`` without xdist.

    xdist documents a ``worker_id`` fixture for the test itself but nothing on the reports the controller receives;
    each report its workers send carries their id as ``worker_id`` (set in xdist's ``remote.py``). The report the
    controller makes for a worker that crashed carries the worker's controller as ``node`` instead (``dsession.py``,
    ``handle_crashitem``)."""
    crashed = getattr(getattr(getattr(report, "node", None), "gateway", None), "id", None)
    return getattr(report, "worker_id", None) or crashed or "main"


def xdist_controller(config: pytest.Config) -> bool:
    """This process hands the tests to pytest-xdist workers and runs none itself: xdist registers its ``DSession``
    plugin as ``dsession`` in the controller only (no public way to ask)."""
    return config.pluginmanager.get_plugin("dsession") is not None


def take_back_deselected(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Items pytest-testmon deselected and this plugin selected again: pytest's terminal reporter keeps what
    ``pytest_deselected`` reported in ``stats["deselected"]`` and counts it in the summary, with no hook to take an
    item back; testmon reports a ``FakeItemFromTestmon`` in place of each item it leaves out."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    deselected = getattr(reporter, "stats", {}).get("deselected")
    if not deselected or not items:
        return
    again = {id(item) for item in items}
    kept = [item for item in deselected if id(item) not in again]
    stand_ins = len(items) - (len(deselected) - len(kept))  # the items not reported as themselves
    for index in reversed(range(len(kept))):
        if stand_ins and type(kept[index]).__name__ == "FakeItemFromTestmon":
            del kept[index]
            stand_ins -= 1
    deselected[:] = kept
    if not deselected:
        del reporter.stats["deselected"]
