"""A real PostgreSQL for the integration and e2e tiers.

A template database with every table is built once per run; each xdist worker, and each e2e module, works in
a copy of it that is dropped afterwards.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import URL, Engine, make_url

from {{ cookiecutter.package_name }}.database import make_engine
from {{ cookiecutter.package_name }}.models import Base

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/{{ cookiecutter.package_name }}_test"
if TYPE_CHECKING:
    from pytest_postgresql.janitor import DatabaseJanitor

HINT = "run `docker compose up -d postgres`, or set DATABASE_URL_TEST (see .env.test.example)"


def database_url(worker_id: str) -> URL:
    """DATABASE_URL_TEST with the database name made unique per xdist worker."""
    base = make_url(os.environ.get("DATABASE_URL_TEST", DEFAULT_DATABASE_URL))
    name = base.database or "test"
    return base.set(database=name if worker_id == "master" else f"{name}_{worker_id}")


def with_suffix(url: URL, suffix: str) -> URL:
    """``url`` naming the database ``<name>_<suffix>``, shortened with a hash to PostgreSQL's 63-byte limit."""
    name = f"{url.database}_{suffix}"
    if len(name.encode()) > 63:
        name = f"{name[:50]}_{hashlib.sha256(name.encode()).hexdigest()[:12]}"
    return url.set(database=name)


def check_server(url: URL) -> None:
    """Raise psycopg.OperationalError when the server at ``url`` cannot be reached within a few seconds."""
    import psycopg

    psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname="postgres",
        connect_timeout=3,
    ).close()


def janitor(url: URL, template: URL | None = None) -> DatabaseJanitor:
    from pytest_postgresql.janitor import DatabaseJanitor  # imported when first needed: it is slow to import

    return DatabaseJanitor(
        user=url.username or "postgres",
        password=url.password,
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        dbname=url.database,
        template_dbname=template.database if template else None,
        connection_timeout=5,
    )


def build_template(url: URL) -> None:
    """(Re)create the database named in ``url`` with every table, for other databases to be copied from."""
    template = janitor(url)
    template.drop()
    template.init()
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        Base.metadata.create_all(engine)
    finally:
        engine.dispose()


@contextmanager
def temporary_database(url: URL, template: URL, copy_lock: AbstractContextManager[object]) -> Iterator[Engine]:
    """Copy ``template`` to the database named in ``url``, yield an engine on it, then drop the database.

    PostgreSQL refuses to copy a database that another copy is reading, so copies across xdist workers take
    ``copy_lock`` in turn.
    """
    database = janitor(url, template)
    database.drop()  # left behind by an interrupted run
    with copy_lock:
        database.init()
    try:
        engine = make_engine(url.render_as_string(hide_password=False))
        try:
            yield engine
        finally:
            engine.dispose()
    finally:
        database.drop()
