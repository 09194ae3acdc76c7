"""Async task handlers with scripted behaviour, for the worker's tests."""

from __future__ import annotations

import asyncio

from {{ cookiecutter.package_name }}.models import Task


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
