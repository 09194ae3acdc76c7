from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from {{ cookiecutter.package_name }}.models import Priority, Task, TaskStatus, Ticket, TicketStatus

from tests.helpers.builders import TaskBuilder, TicketBuilder


@pytest.mark.smoke
def test_the_queue_round_trips_through_the_database(task_queue, ticket, agent, db) -> None:
    task = task_queue.enqueue(ticket.id, "build", Priority.CRITICAL)

    claimed = task_queue.claim_next(agent.id)
    task_queue.complete(claimed.id, "done")

    assert claimed.id == task.id
    assert db.get(Task, task.id).result == "done"
    assert db.get(Ticket, ticket.id).status is TicketStatus.DONE


def test_every_test_starts_with_empty_tables(db) -> None:
    # Rows committed by other tests were rolled back with their outer transaction.
    assert (db.count(Ticket), db.count(Task)) == (0, 0)


def test_code_under_test_may_commit_inside_the_test_transaction(db) -> None:
    ticket = TicketBuilder().titled("committed").save(db)  # DatabaseService.session() commits

    assert db.get(Ticket, ticket.id).title == "committed"


def test_the_database_enforces_the_foreign_key(db) -> None:
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        TaskBuilder()._with(ticket_id="no-such-ticket").save(db)


def test_the_database_enforces_the_retry_range(db, ticket) -> None:
    with pytest.raises(IntegrityError, match="task_retries_in_range"):
        TaskBuilder().for_ticket(ticket).retried(5)._with(max_retries=3).save(db)


def test_a_failed_write_leaves_the_session_usable(db, ticket) -> None:
    with pytest.raises(IntegrityError):
        TaskBuilder()._with(ticket_id="no-such-ticket").save(db)

    TaskBuilder().for_ticket(ticket).save(db)
    assert db.count(Task) == 1


def test_claim_order_follows_the_scores(task_queue, ticket, agent) -> None:
    priorities = [Priority.LOW, Priority.CRITICAL, Priority.MEDIUM, Priority.HIGH]
    task_queue.enqueue_many(ticket.id, [("build", priority) for priority in priorities])

    claimed = [task_queue.claim_next(agent.id).priority for _ in priorities]

    assert claimed == sorted(priorities, reverse=True)
    assert task_queue.counts()[TaskStatus.PENDING] == 0


def test_deleting_a_ticket_deletes_its_tasks(db, task_queue, ticket) -> None:
    task_queue.enqueue_many(ticket.id, [("build", Priority.LOW)] * 3)

    with db.session() as session:
        session.delete(session.get(Ticket, ticket.id))

    assert db.count(Task) == 0


def test_the_agent_registry_takes_silent_agents_offline(agent_registry, clock, settings) -> None:
    agent = agent_registry.register("silent")
    clock.advance(settings.worker.heartbeat_timeout_seconds + 1)

    assert [offline.id for offline in agent_registry.take_stale_offline()] == [agent.id]
