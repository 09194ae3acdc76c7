"""The hooks this plugin adds to pytest; implement them in a ``conftest.py``."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.hookspec
def pytest_server_fixtures(config: pytest.Config) -> dict[str, Callable[[], object]]:
    """The fixtures that need a server, each with a function that connects to it (raising
    ``suite_toolkit.servers.ServerUnavailable`` when it cannot). Before the first test, each server that a selected
    test needs is asked once, so that one that answered then and fails later in the run is an error, not a skip.
    The mappings of every implementation are merged."""
