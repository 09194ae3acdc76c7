"""Integration tier: the same fixtures as everywhere, backed by a real PostgreSQL and a real Redis.

Each test runs inside a transaction that is rolled back; Redis is flushed before each test. Without the
servers, every test here skips with one line saying how to start them.
"""

from __future__ import annotations

import pytest
import redis

from {{ cookiecutter.package_name }}.database import DatabaseService


@pytest.fixture
def db(postgres_db: DatabaseService) -> DatabaseService:
    return postgres_db


@pytest.fixture
def redis_client(real_redis: redis.Redis) -> redis.Redis:
    return real_redis
