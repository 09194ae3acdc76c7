"""A real Redis for the integration, e2e and chaos tiers, shared with other runs and other people.

Only the logical database in ``REDIS_URL_TEST`` is used, and in it only keys under this process's namespace,
``pytest-run:<run>-<worker>:``; nothing is ever flushed. The event bus's channels carry the same prefix, so another
run on the server never hears this one's events. The process keeps a connection named after its namespace open
for as long as it lives; Redis drops it when the process ends, however it ended, so keys under a namespace no
connection is named after were left by a killed run: the next run deletes them.

Needs: pytest-suite-toolkit.
"""

from __future__ import annotations

import functools
import os
from urllib.parse import urlsplit

import redis
from suite_toolkit.servers import CONNECT_TIMEOUT, Server

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
URL_VARIABLE = "REDIS_URL_TEST"
NAMESPACE = "pytest-run:"  # + the owner + ":": the keys of one test process


def redis_url() -> str:
    return os.environ.get(URL_VARIABLE, DEFAULT_REDIS_URL)


@functools.cache  # one per process: it remembers whether the server has answered in this run
def server() -> Server:
    address = urlsplit(redis_url())
    return Server(
        kind="Redis",
        host=address.hostname or "127.0.0.1",
        port=address.port or 6379,
        url_variable=URL_VARIABLE,
        start="docker compose up -d redis",
        hello=b"PING\r\n",
        recognises=lambda reply: reply.startswith((b"+", b"-")),  # a status or an error, such as -NOAUTH
        is_authentication_error=is_authentication_error,
    )


def is_authentication_error(error: BaseException) -> bool:
    return isinstance(error, redis.AuthenticationError) or str(error).startswith(("NOAUTH", "WRONGPASS"))


def client(**options: object) -> redis.Redis:
    timeouts = {"socket_connect_timeout": CONNECT_TIMEOUT, "socket_timeout": 10}
    return redis.Redis.from_url(redis_url(), decode_responses=True, **timeouts | options)


def connect() -> str:
    """``REDIS_URL_TEST`` once its server has answered (see ``Server.connect`` for what happens otherwise)."""
    with client() as probe:
        server().connect(probe.ping)
    return redis_url()


def namespace(owner: str) -> str:
    return f"{NAMESPACE}{owner}:"


def owner_of(key: str) -> str:
    """``pytest-run:1f2e3d4c-gw0`` for ``pytest-run:1f2e3d4c-gw0:any:thing``: the name of its process's connection."""
    return NAMESPACE + key.removeprefix(NAMESPACE).split(":", 1)[0]


class RunNamespace:
    """The keys one test process writes, all under ``prefix``: ``with RunNamespace(owner) as keys:``."""

    def __init__(self, owner: str) -> None:
        self.prefix = namespace(owner)
        self.client = client()
        # One connection held open and named after the namespace, for as long as the process lives.
        self.guard = client(single_connection_client=True, client_name=self.prefix.rstrip(":"))

    def __enter__(self) -> RunNamespace:
        self.guard.ping()
        self.delete_abandoned()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.clear()
        self.client.close()
        self.guard.close()

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def keys(self, prefix: str | None = None) -> list[str]:
        return list(self.client.scan_iter(match=f"{prefix or self.prefix}*", count=1000))

    def clear(self) -> None:
        """Delete every key under this namespace (and only those)."""
        if keys := self.keys():
            self.client.unlink(*keys)

    def delete_abandoned(self) -> None:
        """Delete the keys of namespaces whose process is gone: no connection carries their name any more."""
        # The keys first, then the connections: a run names its connection before it writes a key, so every key
        # seen here whose run is alive has its connection in the list read after. The other way round, a run that
        # started between the two reads lost its first keys (seen with two checkouts running at once).
        keys = self.keys(NAMESPACE)
        try:
            alive = {connection["name"] for connection in self.guard.client_list()}
        except redis.ResponseError:  # CLIENT LIST not allowed to this user: then nothing can be known dead
            return
        abandoned = [key for key in keys if owner_of(key) not in alive]
        if abandoned:
            self.client.unlink(*abandoned)
