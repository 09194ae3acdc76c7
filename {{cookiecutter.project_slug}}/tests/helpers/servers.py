"""Reaching the real servers of the integration and e2e tiers, and saying clearly when they are not there."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from pytest_postgresql.janitor import DatabaseJanitor
from sqlalchemy import URL, Engine, make_url

from {{ cookiecutter.package_name }}.database import make_engine
from {{ cookiecutter.package_name }}.models import Base

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/{{ cookiecutter.package_name }}_test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
REQUIRE_SERVERS_VAR = "TEST_REQUIRE_SERVERS"


class ServerUnavailable(pytest.skip.Exception):
    """A skip because a server is missing; the root conftest folds these into one summary line per server."""


def server_unavailable(what: str, error: BaseException, hint: str) -> NoReturn:
    """Skip the test with one line saying how to get the server, or fail when the run requires servers."""
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    message = f"{what} not reachable ({reason}): {hint}"
    if os.environ.get(REQUIRE_SERVERS_VAR, "") not in ("", "0"):
        pytest.fail(f"{message} [{REQUIRE_SERVERS_VAR} is set]", pytrace=False)
    raise ServerUnavailable(message)


def database_url(worker_id: str, suffix: str = "") -> URL:
    """DATABASE_URL_TEST with the database name made unique per xdist worker (and per ``suffix``)."""
    base = make_url(os.environ.get("DATABASE_URL_TEST", DEFAULT_DATABASE_URL))
    parts = [base.database or "test"] + [part for part in (suffix, "" if worker_id == "master" else worker_id) if part]
    return base.set(database="_".join(parts))


def redis_url(worker_id: str) -> str:
    """REDIS_URL_TEST with its logical database moved by the xdist worker number (gw0 -> +0, gw1 -> +1...)."""
    base = urlsplit(os.environ.get("REDIS_URL_TEST", DEFAULT_REDIS_URL))
    offset = 0 if worker_id == "master" else int(worker_id.removeprefix("gw"))
    number = (int(base.path.lstrip("/") or 0) + offset) % 16
    return urlunsplit(base._replace(path=f"/{number}"))


def check_postgres(url: URL) -> None:
    """Raise psycopg.OperationalError when the server at ``url`` cannot be reached within a few seconds."""
    psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname="postgres",
        connect_timeout=3,
    ).close()


@contextmanager
def temporary_database(url: URL) -> Iterator[Engine]:
    """Create the database named in ``url`` with every table, yield an engine on it, then drop the database."""
    janitor = DatabaseJanitor(
        user=url.username or "postgres",
        password=url.password,
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        dbname=url.database,
        connection_timeout=5,
    )
    janitor.drop()  # left behind by an interrupted run
    with janitor:
        engine = make_engine(url.render_as_string(hide_password=False))
        try:
            Base.metadata.create_all(engine)
            yield engine
        finally:
            engine.dispose()
