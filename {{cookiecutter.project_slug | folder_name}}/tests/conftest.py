"""Root of the test suite: environment, settings and shared fixtures.

Fixtures live in ``tests/fixtures/`` (loaded below) and call builders in ``tests/helpers/``; each tier's
``conftest.py`` only picks the backends for its tier. The machinery is the pytest-suite-toolkit plugin
(``pytest-suite-toolkit/``, installed with the test dependencies): tier markers (``unit``, ``integration``...) from
the folder a test lives in, time limits per tier, test analytics, and the servers check below.
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
    read_settings_file,
)

from tests.helpers.postgres import connect as connect_postgres  # [if postgresql]
from tests.helpers.redis_server import connect as connect_redis  # [if redis]

PROJECT_ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.redis",  # [if redis]
    "tests.fixtures.domain",
    "tests.fixtures.fakes",
    "tests.fixtures.service",
    "tests.fixtures.network_faults",  # [if servers]
]

# Before any test module is imported: the test settings, then URLs and secrets from .env.test when it exists.
# Variables already set (by CI, or on the command line) win over the file.
os.environ[ENV_VAR] = "test"
os.environ[CONFIG_DIR_VAR] = str(PROJECT_ROOT / "config")
load_dotenv(PROJECT_ROOT / ".env.test", override=False)


# [if servers]
def pytest_server_fixtures() -> dict[str, object]:
    """The session fixtures that need a server, and how each connects to it (pytest-suite-toolkit asks each server
    once before the first test: one that answers then and fails later in the run is an error, not a skip)."""
    return {
        "postgres_server": connect_postgres,  # [if postgresql]
        "redis_server_url": connect_redis,  # [if redis]
    }


# [end servers]
@pytest.hookimpl(optionalhook=True)
def pytest_suite_toolkit_settings_values(path: Path) -> dict[str, object]:
    """A settings file (``testmon_settings`` in pyproject.toml) as the service reads it, for pytest-testmon's
    affected-only runs: a changed value re-runs the tests whose code names its key (``max_retries``), a file the
    service would refuse re-runs every test that read it."""
    return read_settings_file(path).model_dump()


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
