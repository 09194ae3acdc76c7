from __future__ import annotations

from {{ cookiecutter.package_name }}.models import Priority, TaskStatus
from {{ cookiecutter.package_name }}.worker import Worker

from tests.helpers.handlers import ScriptedHandler


async def test_a_worker_drains_a_thousand_tasks_within_its_concurrency(task_queue, ticket, agent) -> None:
    task_queue.enqueue_many(ticket.id, [("build", Priority.MEDIUM)] * 1_000)
    worker = Worker(task_queue, agent.id, {"build": ScriptedHandler()}, concurrency=8)

    report = await worker.run_until_empty()

    assert report.completed == 1_000
    assert worker.peak_in_flight == 8
    assert task_queue.counts()[TaskStatus.COMPLETED] == 1_000
