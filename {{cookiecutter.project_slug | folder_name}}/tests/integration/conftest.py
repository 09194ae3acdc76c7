"""Integration tier: the same fixtures as everywhere, backed by real backends instead of fakes.

Each test runs inside a transaction that is rolled back on a database shared by the tier (one per xdist
worker), on the PostgreSQL server at ``DATABASE_URL_TEST``.  # [if postgresql]
worker), an SQLite file in the worker's temporary directory.  # [if sqlite]
``redis_client`` is the Redis at ``REDIS_URL_TEST``; keys a test writes under ``redis_keys.prefix`` go after it.  # [if redis]
Without a server, the tests that need it skip with one line saying how to start it.  # [if servers]
"""

from __future__ import annotations

import pytest
import redis  # [if redis]

from {{ cookiecutter.package_name }}.database import DatabaseService


@pytest.fixture
def db(rolled_back_db: DatabaseService) -> DatabaseService:
    return rolled_back_db


# [if redis]
@pytest.fixture
def redis_client(real_redis: redis.Redis) -> redis.Redis:
    return real_redis
# [end redis]
