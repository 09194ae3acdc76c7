"""An agent dies mid-task; its work moves to a healthy agent and the ticket still finishes."""

from __future__ import annotations

from {{ cookiecutter.package_name }}.agents import AgentRegistry
from {{ cookiecutter.package_name }}.models import Agent, AgentStatus, Task, TaskStatus, Ticket, TicketStatus
from {{ cookiecutter.package_name }}.task_queue import TaskQueue
from {{ cookiecutter.package_name }}.worker import Worker

from tests.helpers.builders import TicketBuilder
from tests.helpers.fakes import ScriptedHandler


async def test_work_of_a_silent_agent_is_finished_by_another(db, settings, clock, event_bus) -> None:
    queue = TaskQueue(db, settings.task_queue, clock=clock, publish=event_bus)
    registry = AgentRegistry(db, settings.worker.heartbeat_timeout_seconds, clock=clock, publish=event_bus)
    ticket = TicketBuilder().save(db)
    dead, alive = registry.register("dies"), registry.register("survives")
    task = queue.enqueue(ticket.id, "build")
    queue.claim_next(dead.id)

    clock.advance(settings.worker.heartbeat_timeout_seconds / 2)
    registry.heartbeat(alive.id)
    clock.advance(settings.worker.heartbeat_timeout_seconds / 2 + 1)
    with event_bus.subscribe("agent.offline") as subscription:
        registry.take_stale_offline()
        offline = subscription.get()
    report = await Worker(queue, alive.id, {"build": ScriptedHandler()}).run_until_empty()

    assert offline.payload == {"agent_id": dead.id, "released_tasks": [task.id]}
    assert report.completed == 1
    assert db.get(Task, task.id).agent_id == alive.id
    assert db.get(Task, task.id).status is TaskStatus.COMPLETED
    assert db.get(Agent, dead.id).status is AgentStatus.OFFLINE
    assert db.get(Ticket, ticket.id).status is TicketStatus.DONE
