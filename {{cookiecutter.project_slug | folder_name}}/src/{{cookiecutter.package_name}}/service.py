"""The composition root: the one place that builds the service from its settings.

``build_service(settings)`` makes every part from the settings and wires them together; ``Service.readiness()``
asks every server at once, each under ``worker.health_check_timeout_seconds``; ``Service.agent_running()`` runs
the service's own agent (``AgentLoop``) in a thread of its own beside the HTTP API.
``python -m {{ cookiecutter.package_name }}`` (``__main__.py``) serves both.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import redis  # [if redis]
from sqlalchemy.exc import SQLAlchemyError

from . import events  # [if no_redis]
from .agents import AgentRegistry
from .database import DatabaseService
from .event_bus import EventBus  # [if redis]
from .events import EventPublisher  # [if no_redis]
from .handlers import HANDLERS
from .health import Probe, ProbeResult, blocking_probe, check_health
from .models import new_id
from .settings import Settings
from .task_queue import TaskQueue
from .worker import Handler, Worker

log = logging.getLogger(__name__)


@dataclass
class Service:
    settings: Settings
    db: DatabaseService
    queue: TaskQueue
    agents: AgentRegistry
    bus: EventBus  # [if redis]
    handlers: Mapping[str, Handler] = field(default_factory=lambda: HANDLERS)

    def probes(self) -> dict[str, Probe]:
        return {
            "database": blocking_probe(self.db.ping),
            "redis": blocking_probe(self.bus.client.ping),  # [if redis]
        }

    async def readiness(self) -> dict[str, ProbeResult]:
        return await check_health(self.probes(), self.settings.worker.health_check_timeout_seconds)

    @contextlib.contextmanager
    def agent_running(self) -> Iterator[AgentLoop]:
        """The service's agent claims and runs tasks in a thread until the block ends, then finishes its batch and
        stops.

        A thread of its own, with its own event loop: the queue's calls block on the database, and must not hold
        up the HTTP API's requests (or its health checks) while they wait.
        """
        loop, stop = AgentLoop(self), threading.Event()
        thread = threading.Thread(target=loop.run, args=(stop,), name="worker", daemon=True)
        thread.start()
        try:
            yield loop
        finally:
            stop.set()
            thread.join()

    def close(self) -> None:
        self.db.engine.dispose()
        self.bus.client.close()  # [if redis]


def build_service(
    settings: Settings,
    *,
    db: DatabaseService | None = None,
    bus: EventBus | None = None,  # [if redis]
) -> Service:
    """The service for ``settings``; a ``db`` or ``bus`` given replaces the one the settings describe (tests pass
    theirs). Nothing connects yet: servers are first asked when the service is used."""
    db = db or DatabaseService.from_url(
        settings.database.url,
        echo=settings.database.echo,
        connect_timeout_seconds=settings.database.connect_timeout_seconds,  # [if postgresql]
    )
    # [if redis]
    if bus is None:
        timeout = settings.redis.timeout_seconds
        client = redis.Redis.from_url(settings.redis.url, socket_timeout=timeout, socket_connect_timeout=timeout)
        bus = EventBus(client, prefix=settings.redis.channel_prefix)
    publish = bus
    # [end redis]
    publish: EventPublisher = events.discard  # [if no_redis]
    return Service(
        settings=settings,
        db=db,
        queue=TaskQueue(db, settings.task_queue, publish=publish),
        agents=AgentRegistry(db, settings.worker.heartbeat_timeout_seconds, publish=publish),
        bus=bus,  # [if redis]
    )


class AgentLoop:
    """The service's own agent: registers with ``worker.concurrency`` as its capacity, then round after round
    sends its heartbeat, takes silent agents offline (their tasks go back in the queue), expires overdue tasks and
    runs up to its capacity of tasks at once. An empty queue, or a database that does not answer, waits
    ``worker.poll_interval_seconds`` before the next round."""

    def __init__(self, service: Service, name: str | None = None) -> None:
        self.service = service
        self.name = name or f"{socket.gethostname()}-{new_id()[:8]}"
        self.worker: Worker | None = None
        self.rounds_failed = 0

    async def step(self) -> int:
        """One round; returns how many tasks it ran."""
        service = self.service
        if self.worker is None:
            agent = service.agents.register(self.name, capacity=service.settings.worker.concurrency)
            self.worker = Worker(service.queue, agent.id, service.handlers, concurrency=agent.capacity)
            log.info("worker: agent %s registered, capacity %d", agent.name, agent.capacity)
        else:
            service.agents.heartbeat(self.worker.agent_id)
        service.agents.take_stale_offline()
        service.queue.expire_timed_out()
        return await self.worker.run_once()

    def run(self, stop: threading.Event) -> None:
        asyncio.run(self._run(stop))

    async def _run(self, stop: threading.Event) -> None:
        pause = self.service.settings.worker.poll_interval_seconds
        while not stop.is_set():
            try:
                ran = await self.step()
            except SQLAlchemyError as error:
                # A task this round had claimed stays claimed until its timeout passes, then it is retried.
                self.rounds_failed += 1
                log.warning("worker: the database did not answer, next round in %gs: %s", pause, error)
                ran = 0
            except Exception:  # a bug shows in the log, and the worker lives on to run the next round
                self.rounds_failed += 1
                log.exception("worker: a round failed, next round in %gs", pause)
                ran = 0
            if not ran:
                stop.wait(pause)  # blocking is fine: this loop runs nothing else
        if self.worker is not None:
            try:
                self.service.agents.sign_off(self.worker.agent_id)
            except SQLAlchemyError as error:  # the heartbeat timeout takes it offline instead
                log.warning("worker: could not sign off: %s", error)
