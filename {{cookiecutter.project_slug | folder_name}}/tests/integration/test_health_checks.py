from __future__ import annotations

from {{ cookiecutter.package_name }}.health import blocking_probe, check_health, overall


async def test_the_database_probe_passes_against_the_real_database(db) -> None:
    results = await check_health({"database": blocking_probe(db.ping)}, timeout=2)

    assert overall(results), results


async def test_a_probe_of_a_dropped_connection_reports_unhealthy(db) -> None:
    def dropped() -> bool:
        raise ConnectionError("server closed the connection unexpectedly")

    results = await check_health({"database": blocking_probe(db.ping), "replica": blocking_probe(dropped)}, 2)

    assert results["database"].healthy
    assert results["replica"].detail == "ConnectionError: server closed the connection unexpectedly"
