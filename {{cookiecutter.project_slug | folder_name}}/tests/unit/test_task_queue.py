from __future__ import annotations

import pytest
from dirty_equals import IsFloat, IsUUID

from {{ cookiecutter.package_name }}.models import InvalidTransition, Priority, TaskStatus, Ticket, TicketStatus

from tests.helpers.assertions import assert_in_order, assert_task_status
from tests.helpers.builders import TicketBuilder


@pytest.mark.smoke
def test_enqueue_moves_an_open_ticket_in_progress_and_announces_the_task(task_queue, ticket, db, events) -> None:
    task = task_queue.enqueue(ticket.id, "build", Priority.HIGH)

    assert db.get(Ticket, ticket.id).status is TicketStatus.IN_PROGRESS
    assert events.published == [
        ("task.enqueued", {"task_id": task.id, "ticket_id": ticket.id, "task_type": "build", "priority": "HIGH"})
    ]


def test_enqueue_takes_timeout_and_retries_from_settings(task_queue, ticket, settings) -> None:
    task = task_queue.enqueue(ticket.id, "build")

    assert task.timeout_seconds == settings.task_queue.default_timeout_seconds
    assert task.max_retries == settings.task_queue.max_retries


def test_enqueue_for_a_missing_ticket_fails(task_queue) -> None:
    with pytest.raises(LookupError, match="no ticket nope"):
        task_queue.enqueue("nope", "build")


@pytest.mark.smoke
def test_claim_hands_out_the_highest_priority_first(task_queue, ticket, agent) -> None:
    low = task_queue.enqueue(ticket.id, "a", Priority.LOW)
    critical = task_queue.enqueue(ticket.id, "b", Priority.CRITICAL)

    assert task_queue.claim_next(agent.id).id == critical.id
    assert task_queue.claim_next(agent.id).id == low.id
    assert task_queue.claim_next(agent.id) is None


def test_an_older_task_wins_between_equal_priorities(task_queue, ticket, agent, clock) -> None:
    older = task_queue.enqueue(ticket.id, "a")
    clock.advance(30)
    task_queue.enqueue(ticket.id, "b")

    assert task_queue.claim_next(agent.id).id == older.id


def test_claim_records_the_agent_and_time(task_queue, ticket, agent, clock, events) -> None:
    task_queue.enqueue(ticket.id, "build", Priority.HIGH)

    claimed = task_queue.claim_next(agent.id)

    assert (claimed.status, claimed.agent_id, claimed.claimed_at) == (TaskStatus.CLAIMED, agent.id, clock.now)
    claimed_event = {"task_id": IsUUID(4), "agent_id": agent.id, "score": IsFloat(ge=3, le=3.01)}
    assert events.payloads("task.claimed") == [claimed_event]


def test_completing_the_last_task_finishes_the_ticket(task_queue, ticket, agent, db, events) -> None:
    task_queue.enqueue_many(ticket.id, [("a", Priority.HIGH), ("b", Priority.LOW)])
    task_queue.complete(task_queue.claim_next(agent.id).id, "one")
    assert db.get(Ticket, ticket.id).status is TicketStatus.IN_PROGRESS

    task_queue.complete(task_queue.claim_next(agent.id).id, "two")

    assert db.get(Ticket, ticket.id).status is TicketStatus.DONE
    assert_in_order(events.types(), ["task.completed", "task.completed", "ticket.done"])


def test_a_failed_task_is_retried_while_it_has_retries(task_queue, ticket, agent, db) -> None:
    task = task_queue.enqueue(ticket.id, "build", max_retries=1)
    task_queue.claim_next(agent.id)

    retried = task_queue.fail(task.id, "boom")

    assert (retried.status, retried.retry_count, retried.agent_id) == (TaskStatus.PENDING, 1, None)
    assert db.get(Ticket, ticket.id).status is TicketStatus.IN_PROGRESS


def test_a_task_out_of_retries_fails_and_blocks_its_ticket(task_queue, ticket, agent, db, events) -> None:
    task = task_queue.enqueue(ticket.id, "build", max_retries=0)
    task_queue.claim_next(agent.id)

    task_queue.fail(task.id, "boom")

    assert_task_status(db, task.id, TaskStatus.FAILED)
    assert db.get(Ticket, ticket.id).status is TicketStatus.BLOCKED
    assert events.types()[-2:] == ["task.failed", "ticket.blocked"]


def test_only_a_claimed_task_can_be_completed(task_queue, ticket) -> None:
    task = task_queue.enqueue(ticket.id, "build")

    with pytest.raises(InvalidTransition, match="is pending, not claimed"):
        task_queue.complete(task.id)


def test_timed_out_claims_go_back_to_the_queue(task_queue, ticket, agent, clock, db) -> None:
    task = task_queue.enqueue(ticket.id, "build", timeout_seconds=10)
    task_queue.claim_next(agent.id)

    clock.advance(9)
    assert task_queue.expire_timed_out() == []
    clock.advance(1)
    [expired] = task_queue.expire_timed_out()

    assert (expired.id, expired.status, expired.error) == (task.id, TaskStatus.PENDING, "timed out after 10s")


def test_counts_cover_every_status(task_queue, db, agent) -> None:
    ticket = TicketBuilder().save(db)
    task_queue.enqueue_many(ticket.id, [("a", Priority.LOW)] * 3)
    task_queue.claim_next(agent.id)

    assert task_queue.counts() == {
        TaskStatus.PENDING: 2,
        TaskStatus.CLAIMED: 1,
        TaskStatus.COMPLETED: 0,
        TaskStatus.FAILED: 0,
    }


def test_a_done_ticket_takes_no_new_tasks(task_queue, ticket, agent) -> None:
    task_queue.enqueue(ticket.id, "build")
    task_queue.complete(task_queue.claim_next(agent.id).id)

    with pytest.raises(InvalidTransition, match="is done: it takes no new tasks"):
        task_queue.enqueue(ticket.id, "build")


def test_new_work_on_a_blocked_ticket_puts_it_back_in_progress(task_queue, ticket, agent, db) -> None:
    task_queue.enqueue(ticket.id, "build", max_retries=0)
    task_queue.fail(task_queue.claim_next(agent.id).id, "boom")

    task_queue.enqueue(ticket.id, "fix")

    assert db.get(Ticket, ticket.id).status is TicketStatus.IN_PROGRESS
