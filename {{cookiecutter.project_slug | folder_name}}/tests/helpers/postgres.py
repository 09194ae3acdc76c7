"""A real PostgreSQL for the integration, e2e and chaos tiers, shared with other runs and other people.

Each test process creates its databases with every table, named ``<database>_<run>_<worker>_<purpose>`` after the
database in ``DATABASE_URL_TEST``, and drops them when it is done with them; that database itself is never
touched. Each one carries a comment naming its owner, and the owner holds a PostgreSQL advisory lock for as long
as its process lives. The server releases that lock when the connection ends, however the process ended, so a
database whose owner's lock is free was left by a killed run: the next run drops it. Nothing without that comment
is ever dropped.

Needs: pytest-suite-toolkit, pytest-postgresql.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import URL, Engine, make_url
from suite_toolkit.servers import CONNECT_TIMEOUT, Server

from {{ cookiecutter.package_name }}.database import make_engine
from {{ cookiecutter.package_name }}.models import Base

if TYPE_CHECKING:
    import psycopg
    from pytest_postgresql.janitor import DatabaseJanitor

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/{{ cookiecutter.package_name }}_test"
URL_VARIABLE = "DATABASE_URL_TEST"
OWNER_COMMENT = "pytest run "  # + the owner: the comment that marks a database as a test run's own
MAINTENANCE_DATABASE = "postgres"  # where the advisory locks live: they belong to the database connected to
SSL_REQUEST = (8).to_bytes(4, "big") + (80877103).to_bytes(4, "big")  # any PostgreSQL answers b"S" or b"N"


def database_url() -> URL:
    return make_url(os.environ.get(URL_VARIABLE, DEFAULT_DATABASE_URL))


@functools.cache  # one per process: it remembers whether the server has answered in this run
def server() -> Server:
    url = database_url()
    return Server(
        kind="PostgreSQL",
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        url_variable=URL_VARIABLE,
        start="docker compose up -d postgres",
        hello=SSL_REQUEST,
        recognises=lambda reply: reply in (b"S", b"N"),
        is_authentication_error=lambda error: "authentication failed" in str(error),
    )


def connect() -> URL:
    """``DATABASE_URL_TEST`` once its server has answered (see ``Server.connect`` for what happens otherwise)."""
    url = database_url()
    server().connect(lambda: maintenance_connection(url).close())
    return url


def maintenance_connection(url: URL) -> psycopg.Connection:
    import psycopg  # here, not at the top: only the tiers that need PostgreSQL pay for the import

    return psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=MAINTENANCE_DATABASE,
        connect_timeout=int(CONNECT_TIMEOUT),
        autocommit=True,
    )


def owner_lock(owner: str) -> int:
    """The advisory lock key of ``owner``: a signed 64-bit number, as PostgreSQL wants it."""
    return int.from_bytes(hashlib.sha256(owner.encode()).digest()[:8], "big", signed=True)


def janitor(url: URL) -> DatabaseJanitor:
    from pytest_postgresql.janitor import DatabaseJanitor  # imported when first needed: it is slow to import

    return DatabaseJanitor(
        user=url.username or "postgres",
        password=url.password,
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        dbname=url.database,
        maintenance_dbname=MAINTENANCE_DATABASE,
        connection_timeout=5,
    )


class RunDatabases:
    """The databases one test process creates on the server at ``url``: ``with RunDatabases(url, owner) as
    databases:``, then ``with databases.create("shared") as engine:``."""

    def __init__(self, url: URL, owner: str) -> None:
        self.url = url
        self.owner = owner
        self.prefix = f"{url.database or 'test'}_{owner.replace('-', '_')}"
        self.guard: psycopg.Connection | None = None

    def __enter__(self) -> RunDatabases:
        self.guard = maintenance_connection(self.url)
        self.guard.execute("SELECT pg_advisory_lock(%s)", (owner_lock(self.owner),))  # held until the guard closes
        self.drop_abandoned()
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self.guard is not None
        self.guard.close()  # each database was dropped as its block ended (``create``)

    def name(self, purpose: str) -> str:
        """``<database>_<run>_<worker>_<purpose>``, shortened with a hash to PostgreSQL's 63-byte limit."""
        name = f"{self.prefix}_{purpose}"
        if len(name.encode()) > 63:
            name = f"{name[:50]}_{hashlib.sha256(name.encode()).hexdigest()[:12]}"
        return name

    @contextlib.contextmanager
    def create(self, purpose: str) -> Iterator[Engine]:
        """A database of this process with every table; dropped when the block ends, even after a failure."""
        from psycopg import sql

        assert self.guard is not None, "use RunDatabases in a with block"
        url = self.url.set(database=self.name(purpose))
        database = janitor(url)
        database.init()
        try:
            comment = f"{OWNER_COMMENT}{self.owner} (pid {os.getpid()} on {socket.gethostname()})"
            self.guard.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(url.database), sql.Literal(comment))
            )
            engine = make_engine(url.render_as_string(hide_password=False))
            try:
                Base.metadata.create_all(engine)
                yield engine
            finally:
                engine.dispose()
        finally:
            self.drop(url.database)

    def drop(self, name: str) -> None:
        """Drop a database even while it has connections, or while another run is dropping it. (pytest-postgresql's
        janitor first alters the database, which fails on one another run's drop has marked invalid.)"""
        from psycopg import sql

        assert self.guard is not None
        self.guard.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def owned_databases(self) -> dict[str, str]:
        """Databases marked as a test run's, by name, with their owner."""
        assert self.guard is not None
        rows = self.guard.execute(
            "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database"
            " WHERE starts_with(shobj_description(oid, 'pg_database'), %s)",
            (OWNER_COMMENT,),
        ).fetchall()
        return {name: comment.removeprefix(OWNER_COMMENT).split(" ")[0] for name, comment in rows}

    def drop_abandoned(self) -> None:
        """Drop the databases of owners whose process is gone: their advisory lock is free."""
        assert self.guard is not None
        for name, owner in self.owned_databases().items():
            if owner == self.owner:
                continue
            key = owner_lock(owner)
            if self.guard.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]:
                try:
                    self.drop(name)
                finally:
                    self.guard.execute("SELECT pg_advisory_unlock(%s)", (key,))
