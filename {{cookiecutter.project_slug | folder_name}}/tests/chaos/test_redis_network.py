"""The network between the running service and Redis fails: the work goes on (the database is the record of
what happened, events are dropped and counted), readiness says Redis is missing, and events flow again once
the network is back. Redis calls are bounded by ``redis.timeout_seconds`` (1 s in config/test.yaml)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import redis

from {{ cookiecutter.package_name }}.event_bus import EventBus

from tests.fixtures.network_faults import RECOVERY
from tests.helpers.assertions import eventually
from tests.helpers.faulty_proxy import FaultyProxy
from tests.helpers.over_http import not_ready, readiness, settled, submit
from tests.helpers.service_process import ServiceProcess


def worked_through(http: httpx.Client, title: str) -> dict:
    """A ticket submitted now, once it is worked through to done."""
    ticket = settled(http, submit(http, "echo", title=title), within=RECOVERY)
    assert ticket["status"] == "done"
    return ticket


def test_without_redis_tickets_are_still_worked_through(
    service_behind_proxies: ServiceProcess, redis_proxy: FaultyProxy, service_output: Callable[[], str]
) -> None:
    with service_behind_proxies.client() as http:
        redis_proxy.refuse()

        check = eventually(lambda: not_ready(http, "redis"), within=RECOVERY, what="readiness to turn red")
        done = worked_through(http, "While Redis is down")

        redis_proxy.heal()
        eventually(lambda: readiness(http, "redis")[0] == 200, within=RECOVERY, what="readiness to turn green")

    assert not check["healthy"]
    assert done["status"] == "done"
    assert "dropped, Redis unavailable" in service_output()


def test_a_half_open_redis_delays_the_work_by_its_timeout_only(
    service_behind_proxies: ServiceProcess, redis_proxy: FaultyProxy
) -> None:
    with service_behind_proxies.client() as http:
        redis_proxy.half_open()

        done = worked_through(http, "While Redis does not answer")
        status, check = readiness(http, "redis")

        redis_proxy.heal()
        eventually(lambda: readiness(http, "redis")[0] == 200, within=RECOVERY, what="readiness to turn green")

    assert done["status"] == "done"
    assert (status, check["healthy"]) == (503, False)


def test_events_flow_again_once_redis_is_back(
    service_behind_proxies: ServiceProcess, redis_proxy: FaultyProxy, real_redis: redis.Redis, event_channels: str
) -> None:
    listener = EventBus(real_redis, prefix=event_channels)  # straight to Redis, not through the proxy
    with service_behind_proxies.client() as http:
        redis_proxy.drop()
        redis_proxy.refuse()
        worked_through(http, "Unheard")
        redis_proxy.heal()
        eventually(lambda: readiness(http, "redis")[0] == 200, within=RECOVERY, what="readiness to turn green")

        with listener.subscribe("ticket.done") as subscription:
            done = worked_through(http, "Heard")
            first = subscription.get(timeout=RECOVERY)  # published once the ticket is done: maybe still on its way
            heard = [first, *subscription.drain()] if first else []  # and whatever else comes, "Unheard" must not

    assert [event.payload["ticket_id"] for event in heard] == [done["id"]]
