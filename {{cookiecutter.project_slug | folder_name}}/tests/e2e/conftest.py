"""End-to-end tier: the service as it is deployed, a process of its own, driven over HTTP.

The tier gets a database of its own, created with every table before its first test and dropped after its last,
and one service started on it (``python -m {{ cookiecutter.package_name }} --port 0``) once it is ready: starting the process
costs more than most of these tests, and each test works on tickets of its own. When the run leaves the tier (after
its last test, or between its modules in pytest-randomly's order) the service gets SIGTERM and must exit with
status 0; it never outlives the tier, so no other test counts as one that drove it (pytest-suite-toolkit counts a
process for every test that runs while it lives). ``http`` is a client of that service; a test about starting or
stopping starts a process of its own.
The databases are created on the PostgreSQL server at ``DATABASE_URL_TEST``.  # [if postgresql]
The databases are SQLite files in the worker's temporary directory.  # [if sqlite]
The service publishes on the Redis at ``REDIS_URL_TEST``, on this test process's channels (``event_bus`` hears them).  # [if redis]
Without a server, the tests that need it skip with one line saying how to start it.  # [if servers]
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import redis  # [if redis]
from sqlalchemy import Engine

from {{ cookiecutter.package_name }}.database import DatabaseService

from tests.fixtures.database import DatabaseFactory
from tests.helpers.service_process import ServiceProcess, running


@pytest.fixture(scope="package")
def e2e_engine(make_database: DatabaseFactory) -> Iterator[Engine]:
    with make_database("e2e") as engine:
        yield engine


@pytest.fixture(scope="package")
def service_environment(
    e2e_engine: Engine,
    redis_server_url: str,  # [if redis]
    event_channels: str,  # [if redis]
) -> dict[str, str]:
    """What the service process is started with: the tier's database, the test Redis and this process's channels."""  # [if redis]
    """What the service process is started with: the tier's database."""  # [if no_redis]
    return {
        "DATABASE_URL": e2e_engine.url.render_as_string(hide_password=False),
        "REDIS_URL": redis_server_url,  # [if redis]
        "APP__REDIS__CHANNEL_PREFIX": event_channels,  # [if redis]
    }


@pytest.fixture(scope="package")
def service_process(service_environment: dict[str, str]) -> Iterator[ServiceProcess]:
    with running(service_environment) as process:
        yield process


@pytest.fixture
def http(service_process: ServiceProcess) -> Iterator[httpx.Client]:
    with service_process.client() as client:
        yield client


@pytest.fixture
def db(e2e_engine: Engine) -> DatabaseService:
    """The tier's database, as the service left it, in short sessions: a test reads it, the service owns it (a
    transaction held open for the whole test would keep the service's writes waiting)."""
    return DatabaseService(e2e_engine)


# [if redis]
@pytest.fixture
def redis_client(real_redis: redis.Redis) -> redis.Redis:
    return real_redis
# [end redis]
