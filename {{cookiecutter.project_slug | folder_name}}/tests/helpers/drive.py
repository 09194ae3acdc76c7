"""Drive the queue synchronously, the way an agent works through it, for tests of whole flows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from {{ cookiecutter.package_name }}.models import Task, TaskStatus
from {{ cookiecutter.package_name }}.task_queue import TaskQueue

Outcome = Callable[[Task], str]
"""Returns a task's result, or raises to fail it."""


def work_through(queue: TaskQueue, agent_id: str, outcome: Outcome, max_claims: int = 10_000) -> Counter[TaskStatus]:
    """Claim and finish tasks until none is pending; count how each attempt ended (PENDING means retried)."""
    ended: Counter[TaskStatus] = Counter()
    for _ in range(max_claims):
        task = queue.claim_next(agent_id)
        if task is None:
            return ended
        try:
            result = outcome(task)
        except Exception as error:
            ended[queue.fail(task.id, f"{type(error).__name__}: {error}").status] += 1
        else:
            ended[queue.complete(task.id, result).status] += 1
    raise RuntimeError(f"queue still not empty after {max_claims} claims")


def succeed(result: str = "ok") -> Outcome:
    return lambda task: result


def fail_first(times: int, result: str = "ok") -> Outcome:
    """Fail each task's first ``times`` attempts, then succeed."""
    attempts: Counter[str] = Counter()

    def outcome(task: Task) -> str:
        attempts[task.id] += 1
        if attempts[task.id] <= times:
            raise RuntimeError(f"attempt {attempts[task.id]} of {task.id} fails")
        return result

    return outcome
