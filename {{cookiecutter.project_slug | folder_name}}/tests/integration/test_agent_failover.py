"""An agent dies mid-task; its work moves to a healthy agent and the ticket still finishes."""

from __future__ import annotations

from {{ cookiecutter.package_name }}.models import Agent, AgentStatus, Task, TaskStatus, Ticket, TicketStatus

from tests.helpers.builders import TicketBuilder
from tests.helpers.drive import succeed, work_through


def test_work_of_a_silent_agent_is_finished_by_another(db, task_queue, agent_registry, clock, settings, events) -> None:
    ticket = TicketBuilder().save(db)
    dead, alive = agent_registry.register("dies"), agent_registry.register("survives")
    task = task_queue.enqueue(ticket.id, "build")
    task_queue.claim_next(dead.id)

    clock.advance(settings.worker.heartbeat_timeout_seconds / 2)
    agent_registry.heartbeat(alive.id)
    clock.advance(settings.worker.heartbeat_timeout_seconds / 2 + 1)
    agent_registry.take_stale_offline()
    ended = work_through(task_queue, alive.id, succeed())

    assert events.payloads("agent.offline") == [{"agent_id": dead.id, "released_tasks": [task.id]}]
    assert ended == {TaskStatus.COMPLETED: 1}
    assert db.get(Task, task.id).agent_id == alive.id
    assert db.get(Agent, dead.id).status is AgentStatus.OFFLINE
    assert db.get(Ticket, ticket.id).status is TicketStatus.DONE
