"""The hooks this plugin adds to pytest; implement them in a ``conftest.py``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest


@pytest.hookspec
def pytest_server_fixtures(config: pytest.Config) -> dict[str, Callable[[], object]]:
    """The fixtures that need a server, each with a function that connects to it (raising
    ``suite_toolkit.servers.ServerUnavailable`` when it cannot). Before the first test, each server that a selected
    test needs is asked once, so that one that answered then and fails later in the run is an error, not a skip.
    The mappings of every implementation are merged."""


@pytest.hookspec(firstresult=True)
def pytest_suite_toolkit_settings_values(path: Path) -> Mapping[str, object] | None:
    """The values of the settings file ``path`` (a file the ``testmon_settings`` patterns match), as the project's
    code sees them: a mapping of keys to values, where a mapping is a section. The last part of a key is the name
    the code reads it by (``task_queue: {max_retries: 2}`` is read as ``settings.task_queue.max_retries``, or
    ``data["max_retries"]``): a change to one value re-runs the tests whose code names it. Raise when the file does
    not load (a syntax error, a value out of range): every test that read it runs again. None: not this
    implementation's format. The plugin's own implementation runs last and reads JSON, TOML (Python 3.11+) and
    YAML (with PyYAML installed)."""
