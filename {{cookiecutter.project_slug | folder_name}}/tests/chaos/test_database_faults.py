"""The database fails in the middle of a write: nothing half-done may remain, and nothing may be announced."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.models import Priority, Task, TaskStatus, Ticket, TicketStatus

from tests.chaos.conftest import InjectedDatabaseError
from tests.helpers.assertions import assert_task_status


def test_a_write_failing_mid_claim_leaves_the_task_pending(task_queue, ticket, agent, db, fail_next) -> None:
    task = task_queue.enqueue(ticket.id, "build")
    refused = fail_next("UPDATE")

    with pytest.raises(InjectedDatabaseError):
        task_queue.claim_next(agent.id)

    assert len(refused) == 1
    assert_task_status(db, task.id, TaskStatus.PENDING)
    assert task_queue.claim_next(agent.id).id == task.id  # and the queue works once the fault is gone


def test_a_write_failing_mid_completion_changes_and_announces_nothing(
    task_queue, ticket, agent, db, events, fail_next
) -> None:
    task = task_queue.enqueue(ticket.id, "build")
    task_queue.claim_next(agent.id)
    announced = list(events.published)
    fail_next("UPDATE")

    with pytest.raises(InjectedDatabaseError):
        task_queue.complete(task.id, "ok")

    assert events.published == announced
    assert_task_status(db, task.id, TaskStatus.CLAIMED)
    assert db.get(Ticket, ticket.id).status is TicketStatus.IN_PROGRESS
    task_queue.complete(task.id, "ok")
    assert db.get(Ticket, ticket.id).status is TicketStatus.DONE


def test_a_batch_failing_mid_insert_adds_none_of_its_tasks(task_queue, ticket, db, events, fail_next) -> None:
    fail_next("INSERT")

    with pytest.raises(InjectedDatabaseError):
        task_queue.enqueue_many(ticket.id, [("build", Priority.HIGH)] * 10)

    assert db.count(Task) == 0
    assert db.get(Ticket, ticket.id).status is TicketStatus.OPEN  # the status change was rolled back too
    assert events.published == []


def test_a_failure_lost_to_a_database_error_can_be_recorded_again(task_queue, ticket, agent, fail_next) -> None:
    task = task_queue.enqueue(ticket.id, "build", max_retries=1)
    task_queue.claim_next(agent.id)
    fail_next("UPDATE")

    with pytest.raises(InjectedDatabaseError):
        task_queue.fail(task.id, "handler crashed")
    retried = task_queue.fail(task.id, "handler crashed")  # the caller retries once the database is back

    assert (retried.status, retried.retry_count) == (TaskStatus.PENDING, 1)
