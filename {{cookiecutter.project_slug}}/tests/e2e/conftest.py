"""End-to-end tier: whole workflows on real servers.

Each test module gets a PostgreSQL database of its own, created with every table before its first test and
dropped after its last; each test still runs in a transaction that is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import URL, Engine

from {{ cookiecutter.package_name }}.database import DatabaseService

from tests.fixtures.database import rolled_back
from tests.helpers.servers import temporary_database


@pytest.fixture(scope="module")
def e2e_engine(postgres_server: URL, request: pytest.FixtureRequest) -> Iterator[Engine]:
    module = request.module.__name__.rsplit(".", 1)[-1]
    with temporary_database(postgres_server.set(database=f"{postgres_server.database}_{module}")) as engine:
        yield engine


@pytest.fixture
def db(e2e_engine: Engine) -> Iterator[DatabaseService]:
    yield from rolled_back(e2e_engine)


@pytest.fixture
def redis_client(real_redis: redis.Redis) -> redis.Redis:
    return real_redis
