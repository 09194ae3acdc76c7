"""Agents announce themselves with heartbeats; an agent that goes silent is taken offline and gives its work back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from . import events
from .database import DatabaseService
from .events import EventPublisher
from .models import Agent, AgentStatus, Task, TaskStatus, utcnow


@dataclass
class AgentRegistry:
    db: DatabaseService
    heartbeat_timeout_seconds: float
    clock: Callable[[], datetime] = utcnow
    publish: EventPublisher = events.discard

    def register(self, name: str, capacity: int = 1) -> Agent:
        """The agent of this name, new or back: registering again is how an agent whose first registration
        committed but whose answer was lost (a connection cut after the commit) tries again."""
        with self.db.session() as session:
            agent = session.scalar(select(Agent).where(Agent.name == name))
            if agent is None:
                agent = Agent(name=name)
                session.add(agent)
            agent.capacity, agent.status, agent.last_heartbeat = capacity, AgentStatus.IDLE, self.clock()
        return agent

    def heartbeat(self, agent_id: str) -> Agent:
        with self.db.session() as session:
            agent = session.get(Agent, agent_id)
            if agent is None:
                raise LookupError(f"no agent {agent_id}")
            agent.last_heartbeat = self.clock()
            if agent.status is AgentStatus.OFFLINE:
                agent.status = AgentStatus.IDLE
        return agent

    def sign_off(self, agent_id: str) -> None:
        """An agent that stops cleanly goes offline at once, rather than when its heartbeats are missed."""
        with self.db.session() as session:
            agent = session.get(Agent, agent_id)
            if agent is not None:
                agent.status = AgentStatus.OFFLINE

    def stale(self) -> list[Agent]:
        """Agents that are not offline but have not sent a heartbeat within the timeout."""
        deadline = self.clock() - timedelta(seconds=self.heartbeat_timeout_seconds)
        query = select(Agent).where(Agent.status != AgentStatus.OFFLINE, Agent.last_heartbeat < deadline)
        with self.db.session() as session:
            return list(session.scalars(query.order_by(Agent.name)))

    def take_stale_offline(self) -> list[Agent]:
        """Mark silent agents offline and put the tasks they had claimed back in the queue."""
        released: dict[str, list[str]] = {}
        stale_ids = [agent.id for agent in self.stale()]
        with self.db.session() as session:
            for agent_id in stale_ids:
                agent = session.get(Agent, agent_id)
                agent.status = AgentStatus.OFFLINE
                tasks = session.scalars(
                    select(Task).where(Task.agent_id == agent_id, Task.status == TaskStatus.CLAIMED)
                ).all()
                for task in tasks:
                    task.status, task.agent_id, task.claimed_at = TaskStatus.PENDING, None, None
                released[agent_id] = sorted(task.id for task in tasks)
        for agent_id, task_ids in released.items():
            self.publish(events.AGENT_OFFLINE, {"agent_id": agent_id, "released_tasks": task_ids})
        return [agent for agent in (self.db.get(Agent, agent_id) for agent_id in stale_ids) if agent]
