from __future__ import annotations

from {{ cookiecutter.package_name }}.models import Priority, TaskStatus
from {{ cookiecutter.package_name }}.worker import Worker

from tests.helpers.handlers import ScriptedHandler

# Many times the worker's concurrency, so that it refills its slots round after round; every task costs a claim
# and a completion in SQL, so a larger queue adds time, not assertions.
TASKS = 200


async def test_a_worker_drains_a_queue_many_times_its_concurrency_within_it(task_queue, ticket, agent) -> None:
    task_queue.enqueue_many(ticket.id, [("build", Priority.MEDIUM)] * TASKS)
    worker = Worker(task_queue, agent.id, {"build": ScriptedHandler()}, concurrency=8)

    report = await worker.run_until_empty()

    assert report.completed == TASKS
    assert worker.peak_in_flight == 8
    assert task_queue.counts()[TaskStatus.COMPLETED] == TASKS
