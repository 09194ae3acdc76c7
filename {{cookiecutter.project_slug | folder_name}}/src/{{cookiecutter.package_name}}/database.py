"""One engine per process, short sessions per unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from .models import Base

Model = TypeVar("Model", bound=Base)


def make_engine(url: str, echo: bool = False, connect_timeout_seconds: int | None = None) -> Engine:
    """An engine for ``url``; in-memory SQLite keeps one shared connection so every session sees the same data.

    ``connect_timeout_seconds`` bounds how long a new server connection may take (libpq's ``connect_timeout``,
    2 at least); a stale pooled connection is found with a ping before use (``pool_pre_ping``) and replaced.
    """
    if url.startswith("sqlite"):
        options: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
        if ":memory:" in url or url.rstrip("/").endswith("sqlite:"):
            options["poolclass"] = StaticPool
        engine = create_engine(url, echo=echo, **options)
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite_transaction)
        return engine
    connect_args = {} if connect_timeout_seconds is None else {"connect_timeout": connect_timeout_seconds}
    return create_engine(url, echo=echo, pool_pre_ping=True, connect_args=connect_args)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite starts transactions itself, too late for SAVEPOINT to work; SQLAlchemy's recipe hands that to
    # the "begin" event below. SQLite only enforces foreign keys when asked, per connection.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_sqlite_transaction(connection: Connection) -> None:
    # IMMEDIATE: take the write lock when the transaction starts. With a plain BEGIN, two transactions that read and
    # then write (the worker's heartbeat, an API request adding tasks) can each hold a read lock the other's write
    # needs, and SQLite then fails one at once ("database is locked") instead of letting it wait its busy timeout.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class DatabaseService:
    """Hands out sessions that commit when the block succeeds and roll back when it raises.

    ``bind`` may be an engine or a connection that already has a transaction open: sessions then work inside
    savepoints, so code that commits can still be undone by whoever owns the outer transaction (the tests do).
    """

    def __init__(self, bind: Engine | Connection) -> None:
        self.bind = bind
        self._sessions = sessionmaker(bind=bind, expire_on_commit=False, join_transaction_mode="create_savepoint")

    @classmethod
    def from_url(cls, url: str, echo: bool = False, connect_timeout_seconds: int | None = None) -> DatabaseService:
        return cls(make_engine(url, echo=echo, connect_timeout_seconds=connect_timeout_seconds))

    @property
    def engine(self) -> Engine:
        return self.bind if isinstance(self.bind, Engine) else self.bind.engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def create_schema(self) -> None:
        Base.metadata.create_all(self.bind)

    def drop_schema(self) -> None:
        Base.metadata.drop_all(self.bind)

    def add(self, *objects: Base) -> None:
        with self.session() as session:
            session.add_all(objects)

    def get(self, model: type[Model], id_: str) -> Model | None:
        with self.session() as session:
            return session.get(model, id_)

    def count(self, model: type[Base], **filters: Any) -> int:
        query = select(func.count()).select_from(model).filter_by(**filters)
        with self.session() as session:
            return session.scalar(query) or 0

    def ping(self) -> bool:
        with self.session() as session:
            return session.scalar(select(1)) == 1
