"""A ticket from creation to done or blocked, on the tier's real database, driven the way an agent works."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.models import Priority, Task, TaskStatus, Ticket, TicketStatus

from tests.helpers.assertions import assert_in_order, assert_valid_event
from tests.helpers.builders import TicketBuilder
from tests.helpers.drive import fail_first, succeed, work_through


@pytest.mark.smoke
def test_a_ticket_is_done_when_its_tasks_are(db, task_queue, agent, events) -> None:
    ticket = TicketBuilder().titled("Release 1.0").save(db)
    task_queue.enqueue_many(ticket.id, [("build", Priority.HIGH), ("test", Priority.MEDIUM), ("deploy", Priority.LOW)])

    ended = work_through(task_queue, agent.id, lambda task: f"{task.task_type} ok")

    assert ended == {TaskStatus.COMPLETED: 3}
    assert db.get(Ticket, ticket.id).status is TicketStatus.DONE
    results = [payload["result"] for payload in events.payloads("task.completed")]
    assert results == ["build ok", "test ok", "deploy ok"]
    assert events.types()[-1] == "ticket.done"


def test_every_event_of_a_full_run_keeps_its_contract(db, task_queue, agent, events) -> None:
    ticket = TicketBuilder().save(db)
    task_queue.enqueue_many(ticket.id, [("build", Priority.HIGH), ("flaky", Priority.LOW)], max_retries=1)

    work_through(task_queue, agent.id, fail_first(times=5))

    assert set(events.types()) >= {"task.claimed", "task.retried", "task.failed", "ticket.blocked"}
    for event_type, payload in events.published:
        assert_valid_event(event_type, payload)


def test_a_task_that_keeps_failing_blocks_its_ticket(db, task_queue, agent, events) -> None:
    ticket = TicketBuilder().save(db)
    task = task_queue.enqueue(ticket.id, "flaky", max_retries=2)

    ended = work_through(task_queue, agent.id, fail_first(times=10))

    assert ended == {TaskStatus.PENDING: 2, TaskStatus.FAILED: 1}
    assert db.get(Task, task.id).retry_count == 2
    assert db.get(Ticket, ticket.id).status is TicketStatus.BLOCKED
    assert_in_order(events.types(), ["task.retried", "task.retried", "task.failed", "ticket.blocked"])


def test_a_flaky_task_recovers_and_the_ticket_finishes(db, task_queue, agent) -> None:
    ticket = TicketBuilder().save(db)
    task = task_queue.enqueue(ticket.id, "flaky", max_retries=2)

    ended = work_through(task_queue, agent.id, fail_first(times=2, result="third time lucky"))

    assert ended == {TaskStatus.PENDING: 2, TaskStatus.COMPLETED: 1}
    assert db.get(Task, task.id).result == "third time lucky"
    assert db.get(Ticket, ticket.id).status is TicketStatus.DONE


def test_new_work_reopens_a_blocked_ticket(db, task_queue, agent) -> None:
    ticket = TicketBuilder().save(db)
    task_queue.enqueue(ticket.id, "broken", max_retries=0)
    work_through(task_queue, agent.id, fail_first(times=1))

    task_queue.enqueue(ticket.id, "fix")
    work_through(task_queue, agent.id, succeed())

    assert db.get(Ticket, ticket.id).status is TicketStatus.BLOCKED  # the failed task still stands
    assert db.count(Task, status=TaskStatus.COMPLETED) == 1
