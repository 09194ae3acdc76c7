"""End-to-end tier: whole workflows on real backends instead of fakes.

Each test module gets a database of its own, created with every table before its first test and dropped after
its last; each test still runs in a transaction that is rolled back.
The databases are created on the PostgreSQL server at ``DATABASE_URL_TEST``.  # [if postgresql]
The databases are SQLite files in the worker's temporary directory.  # [if sqlite]
``redis_client`` is the Redis at ``REDIS_URL_TEST``; keys a test writes under ``redis_keys.prefix`` go after it.  # [if redis]
Without a server, the tests that need it skip with one line saying how to start it.  # [if servers]
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis  # [if redis]
from sqlalchemy import Engine

from {{ cookiecutter.package_name }}.database import DatabaseService

from tests.fixtures.database import DatabaseFactory, rolled_back


@pytest.fixture(scope="module")
def e2e_engine(make_database: DatabaseFactory, request: pytest.FixtureRequest) -> Iterator[Engine]:
    with make_database(request.module.__name__.rsplit(".", 1)[-1]) as engine:
        yield engine


@pytest.fixture
def db(e2e_engine: Engine) -> Iterator[DatabaseService]:
    yield from rolled_back(e2e_engine)


# [if redis]
@pytest.fixture
def redis_client(real_redis: redis.Redis) -> redis.Redis:
    return real_redis
# [end redis]
