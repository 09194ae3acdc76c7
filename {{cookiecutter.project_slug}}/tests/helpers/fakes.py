"""Fakes with real behaviour: a clock that moves only when told, a publisher that remembers, scripted handlers."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from {{ cookiecutter.package_name }}.models import Task


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime(2030, 1, 1, 12, 0, 0))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@dataclass
class RecordingPublisher:
    """An EventPublisher that keeps every event, in order."""

    published: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __call__(self, event_type: str, payload: Mapping[str, Any]) -> int:
        self.published.append((event_type, dict(payload)))
        return 1

    def types(self) -> list[str]:
        return [event_type for event_type, _ in self.published]

    def payloads(self, event_type: str) -> list[dict[str, Any]]:
        return [payload for kind, payload in self.published if kind == event_type]


class ScriptedHandler:
    """An async task handler that fails its first ``failures`` calls per task, then returns ``result``."""

    def __init__(self, result: str = "ok", failures: int = 0, delay: float = 0.0) -> None:
        self.result, self.failures, self.delay = result, failures, delay
        self.calls: dict[str, int] = {}

    async def __call__(self, task: Task) -> str:
        self.calls[task.id] = self.calls.get(task.id, 0) + 1
        await asyncio.sleep(self.delay)
        if self.calls[task.id] <= self.failures:
            raise RuntimeError(f"scripted failure {self.calls[task.id]} of {self.failures}")
        return self.result


async def hanging_handler(task: Task) -> str:
    """Never finishes on its own: only the task's timeout ends it."""
    await asyncio.Event().wait()
    raise AssertionError("unreachable")
