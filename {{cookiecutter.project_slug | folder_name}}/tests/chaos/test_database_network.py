"""The network between the running service and PostgreSQL fails: readiness turns red within its timeout, the
process stays alive and answers, and once the network is back the service is ready and works again by itself.

Each wait is bounded: ``health_check_timeout_seconds`` (0.5 s in config/test.yaml) for a probe,
``connect_timeout_seconds`` (3 s) for a new connection, and ``RECOVERY`` for the service to be ready again.
"""

from __future__ import annotations

import time

import httpx

from tests.fixtures.network_faults import RECOVERY
from tests.helpers.assertions import eventually
from tests.helpers.faulty_proxy import FaultyProxy
from tests.helpers.over_http import not_ready, readiness, settled, submit
from tests.helpers.service_process import ServiceProcess


def ticket_done(http: httpx.Client) -> None:
    """A ticket submitted now is worked through to done."""
    assert settled(http, submit(http, "echo", title="After the fault"), within=RECOVERY)["status"] == "done"


def test_a_refused_database_turns_readiness_red_and_requests_into_503(
    service_behind_proxies: ServiceProcess, database_proxy: FaultyProxy
) -> None:
    with service_behind_proxies.client() as http:
        database_proxy.refuse()

        check = eventually(lambda: not_ready(http, "database"), within=RECOVERY, what="readiness to turn red")
        queue = http.get("/queue")
        alive = http.get("/health")

        database_proxy.heal()
        eventually(lambda: readiness(http, "database")[0] == 200, within=RECOVERY, what="readiness to turn green")
        ticket_done(http)

    assert "OperationalError" in check["detail"]
    assert (queue.status_code, queue.json()) == (503, {"detail": "the database did not answer; try again later"})
    assert alive.status_code == 200


def test_a_slow_database_is_not_ready_but_the_service_answers(
    service_behind_proxies: ServiceProcess, database_proxy: FaultyProxy, settings
) -> None:
    timeout = settings.worker.health_check_timeout_seconds
    with service_behind_proxies.client() as http:
        database_proxy.delay(timeout * 4)

        check = eventually(lambda: not_ready(http, "database"), within=RECOVERY, what="readiness to turn red")
        started = time.monotonic()
        alive = http.get("/health")
        answered_in = time.monotonic() - started

        database_proxy.heal()
        eventually(lambda: readiness(http, "database")[0] == 200, within=RECOVERY, what="readiness to turn green")

    assert check["detail"] == f"no answer within {timeout:g}s"
    assert alive.status_code == 200
    assert answered_in < timeout, "liveness must not wait for the database"


def test_connections_dropped_mid_run_are_replaced_without_a_failed_request(
    service_behind_proxies: ServiceProcess, database_proxy: FaultyProxy
) -> None:
    with service_behind_proxies.client() as http:
        ticket_done(http)  # the pool now holds open connections

        database_proxy.drop()

        assert http.get("/queue").status_code == 200  # a pooled connection is pinged before use, and replaced
        ticket_done(http)


def test_a_half_open_database_is_not_ready_within_the_probe_timeout_and_recovers(
    service_behind_proxies: ServiceProcess, database_proxy: FaultyProxy, settings
) -> None:
    timeout = settings.worker.health_check_timeout_seconds
    with service_behind_proxies.client() as http:
        database_proxy.half_open()

        started = time.monotonic()
        status, check = readiness(http, "database")
        answered_in = time.monotonic() - started
        alive = http.get("/health")

        database_proxy.heal()  # the partition ends: the connections it held are reset
        eventually(lambda: readiness(http, "database")[0] == 200, within=RECOVERY, what="readiness to turn green")
        ticket_done(http)

    assert (status, check["healthy"]) == (503, False)
    assert answered_in < timeout + 1.0, "readiness must answer within its probe timeout, not hang with the database"
    assert alive.status_code == 200
