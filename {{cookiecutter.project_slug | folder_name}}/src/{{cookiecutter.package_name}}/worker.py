"""An agent's worker: claims tasks under the agent's id and runs their handlers concurrently, each under the task's own
timeout."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from .models import Task, TaskStatus
from .task_queue import TaskQueue

Handler = Callable[[Task], Awaitable[str]]

log = logging.getLogger(__name__)


@dataclass
class WorkerReport:
    completed: int = 0
    retried: int = 0
    failed: int = 0

    def record(self, task: Task) -> None:
        if task.status is TaskStatus.COMPLETED:
            self.completed += 1
        elif task.status is TaskStatus.PENDING:
            self.retried += 1
        else:
            self.failed += 1


class Worker:
    def __init__(self, queue: TaskQueue, agent_id: str, handlers: Mapping[str, Handler], concurrency: int = 4) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.queue = queue
        self.agent_id = agent_id
        self.handlers = handlers
        self.concurrency = concurrency
        self.report = WorkerReport()
        self.in_flight = 0
        self.peak_in_flight = 0

    async def run_once(self) -> int:
        """Claim up to ``concurrency`` tasks, run them together, and return how many there were."""
        batch = []
        while len(batch) < self.concurrency and (task := self.queue.claim_next(self.agent_id)) is not None:
            batch.append(task)
        await asyncio.gather(*(self._run(task) for task in batch))
        return len(batch)

    async def run_until_empty(self, max_rounds: int = 10_000) -> WorkerReport:
        for _ in range(max_rounds):
            if await self.run_once() == 0:
                return self.report
            await asyncio.sleep(0)  # let other workers on this loop claim too
        raise RuntimeError(f"queue still not empty after {max_rounds} rounds")

    async def _run(self, task: Task) -> None:
        handler = self.handlers.get(task.task_type)
        if handler is None:
            self.report.record(self._fail(task, f"no handler for task type {task.task_type!r}"))
            return
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            result = await asyncio.wait_for(handler(task), timeout=task.timeout_seconds)
        except asyncio.TimeoutError:
            outcome = self._fail(task, f"timed out after {task.timeout_seconds:g}s")
        except Exception as error:  # a handler's bug must not stop the worker
            outcome = self._fail(task, f"{type(error).__name__}: {error}")
        else:
            outcome = self.queue.complete(task.id, result)
        finally:
            self.in_flight -= 1
        self.report.record(outcome)

    def _fail(self, task: Task, error: str) -> Task:
        outcome = self.queue.fail(task.id, error)
        then = "will be retried" if outcome.status is TaskStatus.PENDING else "failed for good"
        log.warning("task %s (%s) %s: %s", task.id, task.task_type, then, error)
        return outcome
