"""Every use of another package's private interface, in one place: what it is, why no public one does the job.
``tests/test_private_api.py`` runs the testmon ones through testmon itself, and ``tests/test_analytics.py`` the
xdist one through xdist, and fail when the tool changes them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest


def add_to_testmon_environment(config: pytest.Config, text: Callable[[], str]) -> None:
    """Fold ``text()`` into pytest-testmon's "environment": when it changes, testmon runs every test once.

    testmon has no public way for a plugin to add to it. It reads ``config.option.environment_expression``
    (``--testmon-env``) in its ``pytest_configure``, else evaluates its ``environment_expression`` ini option;
    this keeps whichever the user set and appends ``text()``. Without testmon installed it does nothing."""
    if not hasattr(config.option, "environment_expression"):
        return
    chosen = config.option.environment_expression
    if not chosen and config.getini("environment_expression"):
        from testmon.testmon_core import eval_environment  # what testmon itself does with the ini option

        chosen = eval_environment(config.getini("environment_expression"))
    config.option.environment_expression = f"{chosen}|{text()}" if chosen else text()


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
    each report its workers send carries their id as ``worker_id`` (set in xdist's ``remote.py``)."""
    return getattr(report, "worker_id", None) or "main"
