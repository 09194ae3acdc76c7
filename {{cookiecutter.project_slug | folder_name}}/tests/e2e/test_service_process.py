"""The process itself: it starts on a free port, gets ready, and stops cleanly when asked."""

from __future__ import annotations

import re
import socket
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select

from {{ cookiecutter.package_name }}.__main__ import listen
from {{ cookiecutter.package_name }}.models import Agent, AgentStatus

from tests.helpers.assertions import eventually
from tests.helpers.service_process import ServiceProcess


def agent_name(process: ServiceProcess) -> str:
    """The name the service's worker registered under, as its log says."""
    return eventually(lambda: re.search(r"worker: agent (\S+) registered", "".join(process.output)))[1]


def test_ready_means_every_server_answered(http: httpx.Client) -> None:
    ready = http.get("/ready")

    assert ready.status_code == 200
    assert ready.json()["ready"] is True
    assert set(ready.json()["checks"]) == {"database", "redis"}  # [if redis]
    assert set(ready.json()["checks"]) == {"database"}  # [if no_redis]


def test_its_worker_is_an_agent_with_the_configured_capacity(service_process: ServiceProcess, db, settings) -> None:
    name = agent_name(service_process)

    with db.session() as session:
        agent = session.scalars(select(Agent).where(Agent.name == name)).one()

    assert agent.capacity == settings.worker.concurrency
    assert agent.status is not AgentStatus.OFFLINE


def test_it_listens_with_a_tcp_socket_so_no_answer_waits_for_a_delayed_ack() -> None:
    # asyncio sets TCP_NODELAY only on connections of a socket whose protocol is TCP: else answers wait 40 ms
    with listen("127.0.0.1", 0) as listener:
        assert listener.proto == socket.IPPROTO_TCP


def test_sigterm_stops_it_with_status_0_signed_off_and_its_port_freed(service_environment: dict[str, str], db) -> None:
    process = ServiceProcess(service_environment).start()
    process.wait_until_ready()
    address = urlsplit(process.base_url)
    name = agent_name(process)

    assert process.stop() == 0

    assert process.output[-1] == "stopped\n"
    with db.session() as session:
        assert session.scalars(select(Agent.status).where(Agent.name == name)).one() is AgentStatus.OFFLINE
    with socket.socket() as probe:
        assert probe.connect_ex((address.hostname, address.port)) != 0, "the port still accepts connections"


def test_a_port_in_use_is_refused_in_one_line() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        process = ServiceProcess({}, port=port)

        status = process.run_to_exit()

    assert (status, process.output) == (1, [f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"])


def test_a_database_url_it_cannot_use_is_refused_in_one_line() -> None:
    process = ServiceProcess({"DATABASE_URL": "not a url"})

    status = process.run_to_exit()

    assert (status, len(process.output)) == (2, 1), process.output
    assert process.output[0].startswith("error: the settings name a server the service cannot use: ")
    assert "URL" in process.output[0]


# [if postgresql]
def test_without_its_database_it_refuses_to_start_naming_it() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # a port nobody listens on: bound, never listening
        port = closed.getsockname()[1]
        url = f"postgresql+psycopg://someone:secret@127.0.0.1:{port}/nowhere"
        process = ServiceProcess({"DATABASE_URL": url})

        status = process.run_to_exit()

    assert status == 1
    assert len(process.output) == 1, process.output
    assert process.output[0].startswith(
        f"error: the database at postgresql+psycopg://someone:***@127.0.0.1:{port}/nowhere did not answer: "
    )
    assert "Connection refused" in process.output[0]


# [end postgresql]
