"""A TCP proxy that breaks the network between the service and one of its servers, on purpose.

The service is pointed at the proxy instead of the server; the proxy forwards every connection until a test
says otherwise:

* ``delay(seconds)``: every chunk of data waits that long before it is passed on (a slow network);
* ``drop()``: every open connection is reset; new ones go through (a server restart, a firewall forgetting);
* ``refuse()``: open connections are reset and nothing listens any more: connecting fails at once (a server
  that is down);
* ``half_open()``: connections are accepted and kept, but nothing is passed on either way (a partition: the
  other side never answers and never says so);
* ``heal()``: back to forwarding on the same port; connections left half-open are reset, as a partition's are.

    with FaultyProxy("127.0.0.1", 5432) as proxy:   # listens on 127.0.0.1:<proxy.port>, a free port
        start the service with its database URL pointing at 127.0.0.1:<proxy.port>
        proxy.refuse(); ...; proxy.heal()

A delay applies to every chunk, in both directions. The proxy listens on loopback only, and needs nothing but
the standard library.

Why not toxiproxy: it is a server of its own (a Go binary or a container) to install and start beside every run,
for four faults that an asyncio server of this size gives. The proxy runs its event loop in a thread of its own,
so a test calls it like any object.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

Result = TypeVar("Result")


class FaultyProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.delay_seconds = 0.0
        self.forwarding = threading.Event()
        self.forwarding.set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="faulty-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.StreamWriter] = set()

    def start(self) -> FaultyProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def stop(self) -> None:
        self._call(self._shut_down())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def delay(self, seconds: float) -> None:
        self.delay_seconds = seconds

    def drop(self) -> None:
        self._call(self._close(listening=False))

    def refuse(self) -> None:
        self._call(self._close(listening=True))

    def half_open(self) -> None:
        self.forwarding.clear()

    def heal(self) -> None:
        if not self.forwarding.is_set():
            self._call(self._close(listening=False))
        self.delay_seconds = 0.0
        self.forwarding.set()
        if self._server is None:
            self._call(self._listen())

    def __enter__(self) -> FaultyProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _call(self, coroutine: Coroutine[Any, Any, Result]) -> Result:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _close(self, listening: bool) -> None:
        if listening and self._server is not None:
            self._server.close()  # not wait_closed(): that would wait for the connections reset below
            self._server = None
        for writer in list(self._connections):
            _reset(writer)
        self._connections.clear()

    async def _shut_down(self) -> None:
        await self._close(listening=True)
        pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self._connections.add(client_writer)
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            _reset(client_writer)
            return
        self._connections.add(upstream_writer)
        await asyncio.gather(
            self._pipe(client_reader, upstream_writer),
            self._pipe(upstream_reader, client_writer),
            return_exceptions=True,
        )
        for writer in (client_writer, upstream_writer):
            self._connections.discard(writer)
            writer.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            if self.delay_seconds:
                await asyncio.sleep(self.delay_seconds)
            while not self.forwarding.is_set():  # half-open: hold the data until the connection is reset
                await asyncio.sleep(0.01)
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a reset (RST), not a polite FIN: the other side learns at once that the connection is gone."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
