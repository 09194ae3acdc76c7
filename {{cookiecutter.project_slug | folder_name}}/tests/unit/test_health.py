from __future__ import annotations

import asyncio

from {{ cookiecutter.package_name }}.health import ProbeResult, blocking_probe, check_health, overall


async def healthy() -> bool:
    return True


async def test_all_probes_healthy() -> None:
    results = await check_health({"a": healthy, "b": healthy}, timeout=1)

    assert results == {"a": ProbeResult("a", True), "b": ProbeResult("b", True)}
    assert overall(results)


async def test_a_probe_answering_false_is_unhealthy() -> None:
    async def says_no() -> bool:
        return False

    results = await check_health({"db": says_no}, timeout=1)

    assert results["db"] == ProbeResult("db", False, "probe answered False")
    assert not overall(results)


async def test_a_raising_probe_reports_its_error() -> None:
    async def broken() -> None:
        raise ConnectionError("refused")

    results = await check_health({"cache": broken}, timeout=1)

    assert results["cache"].detail == "ConnectionError: refused"


async def test_a_hung_probe_times_out_without_delaying_the_others() -> None:
    async def hung() -> None:
        await asyncio.Event().wait()

    results = await check_health({"hung": hung, "ok": healthy}, timeout=0.01)

    assert results["hung"] == ProbeResult("hung", False, "no answer within 0.01s")
    assert results["ok"].healthy


async def test_a_blocking_check_runs_in_a_thread(db) -> None:
    results = await check_health({"db": blocking_probe(db.ping)}, timeout=1)

    assert results["db"].healthy
