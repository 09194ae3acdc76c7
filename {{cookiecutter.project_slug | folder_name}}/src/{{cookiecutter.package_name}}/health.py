"""Async health checks: every probe runs at once, each under a timeout, so one hung dependency cannot hide the rest."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

Probe = Callable[[], Awaitable[Any]]


@dataclass(frozen=True)
class ProbeResult:
    name: str
    healthy: bool
    detail: str = ""


async def check_health(probes: Mapping[str, Probe], timeout: float) -> dict[str, ProbeResult]:
    results = await asyncio.gather(*(_run_probe(name, probe, timeout) for name, probe in probes.items()))
    return {result.name: result for result in results}


def overall(results: Mapping[str, ProbeResult]) -> bool:
    return all(result.healthy for result in results.values())


async def _run_probe(name: str, probe: Probe, timeout: float) -> ProbeResult:
    try:
        answer = await asyncio.wait_for(probe(), timeout=timeout)
    except asyncio.TimeoutError:
        return ProbeResult(name, False, f"no answer within {timeout:g}s")
    except Exception as error:  # a probe that raises reports an unhealthy dependency
        return ProbeResult(name, False, f"{type(error).__name__}: {error}")
    if answer is False:
        return ProbeResult(name, False, "probe answered False")
    return ProbeResult(name, True)


def blocking_probe(check: Callable[[], Any]) -> Probe:
    """Wrap a blocking check (``db.ping``, say) so that it runs in a thread."""

    async def probe() -> Any:
        return await asyncio.to_thread(check)

    return probe
