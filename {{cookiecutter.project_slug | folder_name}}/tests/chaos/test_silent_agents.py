from __future__ import annotations

from {{ cookiecutter.package_name }}.models import AgentStatus, Priority, TaskStatus

from tests.helpers.builders import AgentBuilder


def test_half_the_agents_going_silent_releases_exactly_their_work(
    agent_registry, task_queue, ticket, clock, settings, db, chaos_random
) -> None:
    agents = [agent_registry.register(f"agent-{number}") for number in range(6)]
    task_queue.enqueue_many(ticket.id, [("build", Priority.MEDIUM)] * 18)
    held = {agent.id: [task_queue.claim_next(agent.id).id for _ in range(3)] for agent in agents}
    silent = set(chaos_random.sample([agent.id for agent in agents], 3))

    clock.advance(settings.worker.heartbeat_timeout_seconds / 2)
    for agent in agents:
        if agent.id not in silent:
            agent_registry.heartbeat(agent.id)
    clock.advance(settings.worker.heartbeat_timeout_seconds / 2 + 1)
    offline = agent_registry.take_stale_offline()

    assert {agent.id for agent in offline} == silent
    assert {task.id for task in task_queue.pending()} == {task_id for agent_id in silent for task_id in held[agent_id]}
    assert task_queue.counts()[TaskStatus.CLAIMED] == 9


def test_an_agent_that_never_sent_a_heartbeat_is_not_mistaken_for_stale(agent_registry, db) -> None:
    AgentBuilder().named("never-seen").save(db)  # last_heartbeat is NULL: not started yet

    assert agent_registry.take_stale_offline() == []
    assert db.count(type(AgentBuilder().build()), status=AgentStatus.IDLE) == 1
