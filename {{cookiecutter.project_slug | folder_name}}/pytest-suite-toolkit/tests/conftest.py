"""The plugin's tests run small suites through pytester. Those inner runs load this plugin and only the plugins they
name (``-p xdist``...), not whatever the environment holds, and none of the outer run's settings."""

from __future__ import annotations

import pytest


@pytest.fixture
def pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    for name in ("PYTEST_ADDOPTS", "PYTEST_TIMEOUT", "TEST_REQUIRE_SERVERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTEST_PLUGINS", "suite_toolkit.plugin")  # read by pytest in process and in a subprocess
    return pytester
