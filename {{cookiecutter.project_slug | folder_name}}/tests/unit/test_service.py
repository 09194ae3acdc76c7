"""The composition root: every setting reaches the part it configures, and the worker loop outlives a database
that does not answer."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from pydantic import BaseModel
from sqlalchemy import event  # [if postgresql]
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

import {{ cookiecutter.package_name }}
from {{ cookiecutter.package_name }}.database import make_engine  # [if postgresql]
from {{ cookiecutter.package_name }}.service import AgentLoop, Service, build_service
from {{ cookiecutter.package_name }}.settings import Section, Settings

PACKAGE = Path({{ cookiecutter.package_name }}.__file__).parent


def leaf_settings(kind: type[BaseModel], prefix: str = "") -> list[str]:
    """``database.url``, ``task_queue.weights.age``...: every value a configuration file can set."""
    names = []
    for name, field in kind.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, Section):
            names += leaf_settings(field.annotation, f"{prefix}{name}.")
        elif name != "env":  # the configuration's name, not a setting in it
            names.append(f"{prefix}{name}")
    return names


def test_every_setting_is_read_by_the_service() -> None:
    """A setting that nothing reads is a promise the service does not keep: use it, or delete it."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in PACKAGE.glob("*.py") if path.name != "settings.py")

    unread = [name for name in leaf_settings(Settings) if not re.search(rf"\.{name.rsplit('.', 1)[-1]}\b", source)]

    assert unread == []


def test_the_database_comes_from_the_settings(settings: Settings) -> None:
    echoing = settings.model_copy(update={"database": settings.database.model_copy(update={"echo": True})})

    service = build_service(echoing)

    assert service.db.engine.url == make_url(settings.database.url)
    assert service.db.engine.echo is True
    service.close()


# [if postgresql]
def test_a_new_postgresql_connection_is_bounded_by_the_connect_timeout() -> None:
    engine = make_engine("postgresql+psycopg://someone@db.invalid/app", connect_timeout_seconds=3)
    asked = []

    @event.listens_for(engine, "do_connect")
    def record(dialect, record, cargs, cparams) -> None:
        asked.append(cparams)
        raise ConnectionAbortedError("stopped before any socket is opened")

    with pytest.raises(ConnectionAbortedError):
        engine.connect()

    assert asked[0]["connect_timeout"] == 3


# [end postgresql]
# [if redis]
def test_redis_calls_are_bounded_by_the_redis_timeout(settings: Settings) -> None:
    service = build_service(settings)
    options = service.bus.client.connection_pool.connection_kwargs

    assert options["socket_timeout"] == options["socket_connect_timeout"] == settings.redis.timeout_seconds
    assert service.bus.prefix == settings.redis.channel_prefix
    service.close()


# [end redis]
@pytest.mark.parametrize(
    "failure",
    [OperationalError("SELECT", {}, ConnectionRefusedError("connection refused")), LookupError("a bug")],
    ids=["database refused", "a bug"],
)
def test_a_failed_round_is_counted_and_the_loop_goes_on(service: Service, failure: Exception) -> None:
    loop, stop, rounds = AgentLoop(service), threading.Event(), []

    async def step() -> int:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise failure
        stop.set()
        return 0

    loop.step = step
    loop.run(stop)

    assert (len(rounds), loop.rounds_failed) == (2, 1)


async def test_a_registration_whose_answer_was_lost_is_taken_back_on_the_next_round(service: Service) -> None:
    """The database committed the agent and the connection broke before the answer came back: the next round
    registers the same name again and must get that agent, not a duplicate name refused round after round."""
    loop, register, lost = AgentLoop(service, name="vm-1"), service.agents.register, []

    def register_then_lose_the_answer(name: str, capacity: int = 1):
        agent = register(name, capacity)
        if not lost:
            lost.append(agent)
            raise OperationalError("COMMIT", {}, ConnectionResetError("connection reset by peer"))
        return agent

    service.agents.register = register_then_lose_the_answer
    with pytest.raises(OperationalError):
        await loop.step()
    await loop.step()

    assert loop.worker is not None
    assert loop.worker.agent_id == lost[0].id
