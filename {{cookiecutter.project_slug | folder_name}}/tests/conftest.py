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

from {{ cookiecutter.package_name }}.settings import (
    CONFIG_DIR_VAR,
    ENV_VAR,
    SettingsError,
    clear_settings_cache,
    load_settings,
)

from tests.helpers import servers  # [if servers]
from tests.helpers.postgres import connect as connect_postgres  # [if postgresql]
from tests.helpers.redis_server import connect as connect_redis  # [if redis]
from tests.helpers.servers import ServerUnavailable  # [if servers]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TESTS_ROOT = Path(__file__).resolve().parent
# The tiers, each a folder of tests/, and how many seconds one of its tests may take, fixtures included, before
# pytest-timeout fails it with the stack of where it hung and the run goes on: about ten times the slowest test
# measured on a 2-core machine, so a busy CI runner stays well inside. `--timeout N` (or PYTEST_TIMEOUT=N) sets
# one limit for every test instead.
TIERS = {"unit": 15, "integration": 60, "e2e": 60, "performance": 60, "property": 120, "contract": 30, "chaos": 30}
# [if servers]
# The session fixtures that need a server, and how each connects to it.
SERVER_FIXTURES = {
    "postgres_server": connect_postgres,  # [if postgresql]
    "redis_server_url": connect_redis,  # [if redis]
}
# [end servers]

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
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> Iterator[None]:
    # tryfirst: the markers must exist before -m deselects anything.
    tier_timeouts = config.getoption("timeout") is None and "PYTEST_TIMEOUT" not in os.environ  # no limit for all
    for item in items:
        tier = tier_of(item.path)
        if tier is not None:
            item.add_marker(tier)
            if tier_timeouts and item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(TIERS[tier]))
    return (yield)


# [if servers]
def pytest_collection_finish(session: pytest.Session) -> None:
    # Before the first test: a server that answers now and fails later in the run is an error, not a skip.
    servers.check_needed(session.items, SERVER_FIXTURES)


skipped_for_a_server = pytest.StashKey[set[str]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)  # tryfirst: outside pytest-testmon's wrapper, to see what it adds
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    report = yield
    skipped = item.config.stash.setdefault(skipped_for_a_server, set())
    if call.excinfo is not None and call.excinfo.errisinstance(ServerUnavailable):
        # Report every skip for a missing server at one place, so `-rs` prints one line per server, not per test.
        report.longrepr = (str(servers.__file__), None, str(call.excinfo.value.msg))
        skipped.add(item.nodeid)
    if call.when == "teardown":
        servers.forget_in_testmon(report, skipped)  # they ran nothing: the next run, with the server, selects them
    return report


# [end servers]
@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Every test reads the settings files and environment anew, and leaves no cached settings behind."""
    clear_settings_cache()
    yield
    clear_settings_cache()


def pytest_configure(config: pytest.Config) -> None:
    """A configuration that does not load stops the run here, before collection, with one message; otherwise every
    test would report the same error (``fresh_settings`` reloads the settings for each). Under pytest-xdist the
    controller configures first and stops before it starts any worker."""
    try:
        load_settings()
    except SettingsError as error:
        raise pytest.UsageError(f"the test settings do not load: {error}") from None
