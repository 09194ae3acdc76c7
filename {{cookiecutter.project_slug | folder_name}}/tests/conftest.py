"""Root of the test suite: environment, shared fixtures and tier markers.

Fixtures live in ``tests/fixtures/`` (loaded below) and call builders in ``tests/helpers/``; each tier's
``conftest.py`` only picks the backends for its tier. Tier markers (``unit``, ``integration``...) come from the
folder a test lives in, so ``-m integration`` and ``tests/integration`` select the same tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from dotenv import load_dotenv

from {{ cookiecutter.package_name }}.settings import CONFIG_DIR_VAR, ENV_VAR, clear_settings_cache

from tests.helpers import servers  # [if servers]
from tests.helpers.servers import ServerUnavailable  # [if servers]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TESTS_ROOT = Path(__file__).resolve().parent
TIERS = ("unit", "integration", "e2e", "performance", "property", "contract", "chaos")

pytest_plugins = [
    "pytester",
    "tests.fixtures.database",
    "tests.fixtures.redis",  # [if redis]
    "tests.fixtures.domain",
    "tests.fixtures.mocks",
    "tests.plugins.analytics",
    "tests.plugins.testmon_inputs",
    "tests.plugins.workers",
]

# Before any test module is imported: the test settings, then URLs and secrets from .env.test when it exists.
# Variables already set (by CI, or on the command line) win over the file.
os.environ[ENV_VAR] = "test"
os.environ[CONFIG_DIR_VAR] = str(PROJECT_ROOT / "config")
load_dotenv(PROJECT_ROOT / ".env.test", override=False)


def tier_of(path: Path) -> str | None:
    try:
        folder = path.relative_to(TESTS_ROOT).parts[0]
    except (ValueError, IndexError):
        return None
    return folder if folder in TIERS else None


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Iterator[None]:
    # tryfirst: the markers must exist before -m deselects anything.
    for item in items:
        tier = tier_of(item.path)
        if tier is not None:
            item.add_marker(tier)
    return (yield)


# [if servers]
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    report = yield
    if call.excinfo is not None and call.excinfo.errisinstance(ServerUnavailable):
        # Report every skip for a missing server at one place, so `-rs` prints one line per server, not per test.
        report.longrepr = (str(servers.__file__), None, str(call.excinfo.value.msg))
    return report


# [end servers]
@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Every test reads the settings files and environment anew, and leaves no cached settings behind."""
    clear_settings_cache()
    yield
    clear_settings_cache()
