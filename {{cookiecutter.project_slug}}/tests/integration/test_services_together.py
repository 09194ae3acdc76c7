from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.database import DatabaseService
from {{ cookiecutter.package_name }}.health import blocking_probe, check_health, overall
from {{ cookiecutter.package_name }}.settings import load_settings


async def test_health_checks_pass_against_the_real_servers(db, redis_client) -> None:
    results = await check_health({"database": blocking_probe(db.ping), "redis": blocking_probe(redis_client.ping)}, 2)

    assert overall(results), results


def test_database_url_from_the_environment_reaches_postgresql(postgres_server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", postgres_server.set(database="postgres").render_as_string(hide_password=False))

    db = DatabaseService.from_url(load_settings().database.url)
    try:
        assert db.ping()
        assert db.engine.dialect.name == "postgresql"
    finally:
        db.engine.dispose()


def test_the_agent_registry_works_on_postgresql(agent_registry, clock, settings) -> None:
    agent = agent_registry.register("pg-agent")
    clock.advance(settings.worker.heartbeat_timeout_seconds + 1)

    assert [offline.id for offline in agent_registry.take_stale_offline()] == [agent.id]
