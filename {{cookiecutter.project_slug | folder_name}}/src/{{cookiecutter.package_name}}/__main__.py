"""``python -m {{ cookiecutter.package_name }}``: serve the HTTP API with the service's agent running beside it.

The settings come from ``config/$APP_ENV.yaml`` and the environment (settings.py); ``--host`` and ``--port``
override ``http.host`` and ``http.port`` (port 0: any free port). The first line on standard output is
``listening on http://HOST:PORT``. SIGTERM or Ctrl-C stops the service cleanly: requests in progress finish, the
worker finishes its batch and signs off, and the exit status is 0 (under ``make run``, make then reports the
interrupt itself: "Error 130"). Settings it cannot use exit with status 2, a port or a database it cannot use with 1,
each with one line on standard error. ``--openapi`` prints the API's OpenAPI document instead.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import socket
import sys
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from .service import Service, build_service
from .settings import SettingsError, load_settings

if TYPE_CHECKING:
    from fastapi import FastAPI


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m {{ cookiecutter.package_name }}", description="Serve the HTTP API with the service's agent running beside it."
    )
    parser.add_argument("--host", help="address to listen on (default: http.host)")
    parser.add_argument("--port", type=port_number, help="port to listen on, 0 for any free one (default: http.port)")
    parser.add_argument("--openapi", action="store_true", help="print the OpenAPI document and exit")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        service = build_service(settings)
    except SettingsError as error:
        return fail(str(error), status=2)
    except (ArgumentError, ValueError) as error:  # a server URL its client library cannot use
        return fail(f"the settings name a server the service cannot use: {error}", status=2)
    if args.openapi:
        from .api import create_app

        print(json.dumps(create_app(service).openapi(), indent=2))
        return 0
    host = args.host or settings.http.host
    port = settings.http.port if args.port is None else args.port
    try:
        listener = listen(host, port)  # first, so that a port in use is said before anything else is done
    except OSError as error:
        return fail(f"cannot listen on {host}:{port}: {error.strerror or error}")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    with listener:
        try:
            service.db.create_schema()  # the example's schema; a real service would run its migrations here
        except SQLAlchemyError as error:
            url = service.db.engine.url.render_as_string(hide_password=True)
            return fail(f"the database at {url} did not answer: {getattr(error, 'orig', None) or error}")
        print(f"listening on http://{host}:{listener.getsockname()[1]}", flush=True)
        serve(service, listener)
    print("stopped", flush=True)
    return 0


def fail(message: str, status: int = 1) -> int:
    """One line on standard error (the first of a driver's message), and the exit status."""
    print(f"error: {message}".splitlines()[0], file=sys.stderr)
    return status


def port_number(text: str) -> int:
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port: 0 to 65535 (0: any free port)")
    return port


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket, created with the protocol getaddrinfo names.

    Not ``socket.create_server``: its sockets have protocol 0, and asyncio turns Nagle's algorithm off
    (TCP_NODELAY) only on connections whose protocol says TCP; with it on, every response on a kept-alive
    connection waited 40 ms for the client's delayed ACK (measured: 44 ms against 1 ms per request).
    """
    family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listener = socket.socket(family, kind, protocol)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(address)
    listener.listen(socket.SOMAXCONN)
    return listener


def serve(service: Service, listener: socket.socket) -> None:
    # The web stack is imported here, once the settings, the port and the database are known to be usable: a
    # service that refuses to start says so sooner (measured: 0.4 s instead of 0.7 s from the command to its exit).
    import uvicorn

    from .api import create_app

    @contextlib.asynccontextmanager
    async def agent_beside_the_api(app: FastAPI) -> AsyncIterator[None]:
        with service.agent_running():
            yield

    app = create_app(service, lifespan=agent_beside_the_api)
    # uvicorn shuts down gracefully on SIGTERM or Ctrl-C, then raises the signal again with the handlers it found
    # installed: these, so that a requested stop ends with status 0 rather than death by signal.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: None)
    try:
        uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[listener])
    finally:
        service.close()


if __name__ == "__main__":
    sys.exit(main())
