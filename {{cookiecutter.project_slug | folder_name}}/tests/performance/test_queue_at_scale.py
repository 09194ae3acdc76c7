from __future__ import annotations

from {{ cookiecutter.package_name }}.models import Priority, TaskStatus

from tests.helpers.assertions import statements
from tests.helpers.drive import work_through


def test_enqueueing_a_batch_costs_one_insert_per_table(task_queue, ticket, db, mixed_priorities) -> None:
    with statements(db.engine) as log:
        task_queue.enqueue_many(ticket.id, [("build", priority) for priority in mixed_priorities])

    assert len(log.of_kind("INSERT")) == 1
    assert task_queue.counts()[TaskStatus.PENDING] == len(mixed_priorities)


def test_a_claim_costs_the_same_statements_at_any_queue_length(task_queue, ticket, agent, db) -> None:
    def statements_per_claim() -> int:
        with statements(db.engine) as log:
            task_queue.claim_next(agent.id)
        return log.count

    task_queue.enqueue_many(ticket.id, [("build", Priority.LOW)] * 5)
    small = statements_per_claim()
    task_queue.enqueue_many(ticket.id, [("build", Priority.LOW)] * 500)

    assert statements_per_claim() == small


def test_draining_a_large_queue_claims_in_score_order(task_queue, ticket, agent, mixed_priorities) -> None:
    task_queue.enqueue_many(ticket.id, [("build", priority) for priority in mixed_priorities])

    claimed = [task_queue.claim_next(agent.id).priority for _ in mixed_priorities]

    assert claimed == sorted(mixed_priorities, reverse=True)


def test_pending_orders_a_large_queue_by_score(task_queue, ticket, clock, mixed_priorities) -> None:
    for priority in mixed_priorities:
        task_queue.enqueue(ticket.id, "build", priority)
        clock.advance(0.1)

    scores = [task_queue.score(task) for task in task_queue.pending()]

    assert len(scores) == len(mixed_priorities)
    assert scores == sorted(scores, reverse=True)


def test_expiring_timeouts_touches_only_overdue_tasks(task_queue, ticket, agent, clock) -> None:
    fast = task_queue.enqueue_many(ticket.id, [("build", Priority.LOW)] * 50, timeout_seconds=1)
    task_queue.enqueue_many(ticket.id, [("build", Priority.LOW)] * 50, timeout_seconds=100)
    for _ in range(100):
        task_queue.claim_next(agent.id)
    clock.advance(2)

    expired = task_queue.expire_timed_out()

    assert sorted(task.id for task in expired) == sorted(task.id for task in fast)
    assert task_queue.counts()[TaskStatus.CLAIMED] == 50


def test_working_through_a_large_queue_finishes_every_task_once(task_queue, ticket, agent, mixed_priorities) -> None:
    tasks = task_queue.enqueue_many(ticket.id, [("build", priority) for priority in mixed_priorities])
    seen: list[str] = []

    ended = work_through(task_queue, agent.id, lambda task: seen.append(task.id) or "ok")

    assert ended == {TaskStatus.COMPLETED: len(tasks)}
    assert sorted(seen) == sorted(task.id for task in tasks)
