from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.models import Agent, AgentStatus, TaskStatus


def test_register_records_a_first_heartbeat(agent_registry, clock) -> None:
    agent = agent_registry.register("builder", capacity=2)

    assert (agent.status, agent.capacity, agent.last_heartbeat) == (AgentStatus.IDLE, 2, clock.now)


def test_registering_a_name_again_brings_the_same_agent_back(agent_registry, clock) -> None:
    first = agent_registry.register("builder", capacity=2)
    agent_registry.sign_off(first.id)
    clock.advance(5)

    again = agent_registry.register("builder", capacity=3)

    assert again.id == first.id
    assert (again.status, again.capacity, again.last_heartbeat) == (AgentStatus.IDLE, 3, clock.now)


def test_an_agent_is_stale_only_after_the_heartbeat_timeout(agent_registry, agent, clock, settings) -> None:
    clock.advance(settings.worker.heartbeat_timeout_seconds)
    assert agent_registry.stale() == []

    clock.advance(0.001)
    assert [stale.id for stale in agent_registry.stale()] == [agent.id]


def test_a_heartbeat_keeps_an_agent_fresh(agent_registry, agent, clock, settings) -> None:
    clock.advance(settings.worker.heartbeat_timeout_seconds)
    agent_registry.heartbeat(agent.id)
    clock.advance(settings.worker.heartbeat_timeout_seconds)

    assert agent_registry.stale() == []


def test_a_silent_agent_goes_offline_and_gives_its_tasks_back(
    agent_registry, agent, task_queue, ticket, clock, settings, db, events
) -> None:
    task = task_queue.enqueue(ticket.id, "build")
    task_queue.claim_next(agent.id)
    clock.advance(settings.worker.heartbeat_timeout_seconds + 1)

    [offline] = agent_registry.take_stale_offline()

    assert offline.status is AgentStatus.OFFLINE
    assert task_queue.pending()[0].id == task.id
    assert events.payloads("agent.offline") == [{"agent_id": agent.id, "released_tasks": [task.id]}]
    assert db.count(Agent, status=AgentStatus.OFFLINE) == 1
    assert task_queue.counts()[TaskStatus.CLAIMED] == 0


def test_a_heartbeat_brings_an_offline_agent_back(agent_registry, agent, clock, settings) -> None:
    clock.advance(settings.worker.heartbeat_timeout_seconds + 1)
    agent_registry.take_stale_offline()

    assert agent_registry.heartbeat(agent.id).status is AgentStatus.IDLE


def test_heartbeat_from_an_unknown_agent_fails(agent_registry) -> None:
    with pytest.raises(LookupError, match="no agent ghost"):
        agent_registry.heartbeat("ghost")


def test_an_agent_that_signs_off_is_offline_at_once(agent_registry, agent, db) -> None:
    agent_registry.sign_off(agent.id)

    assert db.get(Agent, agent.id).status is AgentStatus.OFFLINE
