"""Engine, declarative base and the request's unit of work.

The session dependency is the single owner of the transaction: service code only
flushes; the dependency commits when the handler returns and *before* the response
is sent (FastAPI's ``scope="function"``), so a 2xx always means the data is durable.
"""

from __future__ import annotations

import asyncio
import select
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, String, TypeDecorator, create_engine, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from starlette.concurrency import run_in_threadpool

from service import clock
from service.settings import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Now, in UTC, from `service.clock` (tests freeze it there)."""
    return clock.now()


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class TenantMixin:
    """Every table carries `org_id` and every key and index leads with it."""

    org_id: Mapped[str] = mapped_column(String(32), primary_key=True, sort_order=-10)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit transactions break SAVEPOINT).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # IMMEDIATE takes the write lock up front: no SQLITE_BUSY on a read-to-write upgrade.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _refuse_dead_connection(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """On checkout, without a round trip: a pooled connection is idle, so the server has
    nothing to say on it unless it is going away — a backend terminated, a server shut down
    or restarted, an idle-session timeout — and has said so (an error, then end of file).
    Anything readable, or a connection psycopg knows is broken, is discarded: the pool then
    connects anew (SQLAlchemy retries a checkout refused with `DisconnectionError`). A
    connection lost silently (a network partition) fails its first statement instead: a
    503, and the pool drops every connection made before it (`is_disconnect`)."""
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("the connection is closed")
    readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    if readable:
        raise DisconnectionError("the server ended the idle connection")


def make_engine(settings: Settings) -> Engine:
    url = settings.sqlalchemy_url
    if settings.is_sqlite:
        engine = create_engine(
            url, hide_parameters=True, connect_args={"check_same_thread": False, "timeout": 5}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(
        url,
        hide_parameters=True,  # errors and logs never quote the data (feedback is personal)
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_timeout=settings.db_pool_timeout_seconds,
        # Not `pool_pre_ping` (a round trip per checkout): `_refuse_dead_connection`.
        connect_args={
            "connect_timeout": 5,
            "options": f"-c statement_timeout={settings.db_statement_timeout_ms}"
            f" -c lock_timeout={settings.db_statement_timeout_ms}",
        },
    )
    event.listen(engine, "checkout", _refuse_dead_connection)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, autoflush=False)


class ReadOnlySession(Session):
    """The session of a read (`GET`): PostgreSQL autocommit, so no BEGIN and no COMMIT round
    trips. Each statement already sees its own snapshot under READ COMMITTED, inside a
    transaction or not, so a read answers the same. A write through it is a bug: refused."""


@event.listens_for(ReadOnlySession, "before_flush")
def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a read (GET) must not write")


@event.listens_for(ReadOnlySession, "do_orm_execute")
def _refuse_write(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise RuntimeError("a read (GET) must not write")


def make_read_sessionmaker(engine: Engine) -> sessionmaker[Session] | None:
    """Sessions for reads on PostgreSQL (None on SQLite: its reads take the usual path)."""
    if engine.dialect.name != "postgresql":
        return None
    return sessionmaker(
        engine.execution_options(isolation_level="AUTOCOMMIT"),
        class_=ReadOnlySession,
        expire_on_commit=False,
        autoflush=False,
    )


class ConnectionSlots:
    """Admission to the database: at most `capacity` requests at once hold (or wait for) a
    pooled connection; the others wait here, on the event loop, for up to the pool timeout
    (then 503, as when the pool itself times out).

    Waiting in the pool instead would park a worker thread per request, while a request
    that holds a connection needs a worker thread again to finish and give it back: under
    enough concurrency every thread waits for a connection that only a thread can free, and
    every request times out until the load goes away. So the slots are fewer than the worker
    threads, which are raised above them if need be."""

    def __init__(self, capacity: int, timeout: float) -> None:
        self.capacity = capacity
        self.timeout = timeout
        # asyncio primitives belong to one event loop (tests run one app in several).
        self._semaphores: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, asyncio.Semaphore
        ] = weakref.WeakKeyDictionary()
        self._last: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    @classmethod
    def for_settings(cls, settings: Settings) -> ConnectionSlots:
        # PostgreSQL: the pool's size plus its overflow. SQLite: one writer at a time anyway.
        capacity = settings.db_pool_size * (1 if settings.is_sqlite else 2)
        return cls(capacity, settings.db_pool_timeout_seconds)

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        last = self._last
        if last is not None and last[0] is loop:  # the one loop of a served app
            return last[1]
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.capacity)
            threads = anyio.to_thread.current_default_thread_limiter()
            threads.total_tokens = max(threads.total_tokens, self.capacity + 20)
        self._last = (loop, semaphore)
        return semaphore

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        semaphore = self._semaphore()
        try:
            async with asyncio.timeout(self.timeout):
                await semaphore.acquire()
        except TimeoutError:
            raise PoolTimeoutError("no database connection slot became free in time") from None
        try:
            yield
        finally:
            semaphore.release()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's unit of work, holding one of the app's `ConnectionSlots` throughout:
    commit on success, roll back on any error.

    Made on the event loop (a session connects lazily, on its first statement, in the
    handler's worker thread); only what talks to the database — the commit, a rollback —
    goes to a worker thread, and a request that ran no statement needs neither."""
    slots: ConnectionSlots | None = getattr(request.app.state, "connection_slots", None)
    async with slots.hold() if slots is not None else nullcontext():
        reads: sessionmaker[Session] | None = getattr(request.app.state, "read_sessionmaker", None)
        factory: sessionmaker[Session] = (
            reads
            if reads is not None and request.method == "GET"
            else request.app.state.sessionmaker
        )
        session = factory()
        request.state.session = session
        try:
            yield session
        except BaseException:
            with anyio.CancelScope(shield=True):  # also when the request is cancelled
                await run_in_threadpool(_discard, session)
            raise
        if isinstance(session, ReadOnlySession):
            session.close()  # autocommit: nothing to commit, the connection goes back as is
            return
        try:
            if session.in_transaction() or session.new or session.dirty or session.deleted:
                await run_in_threadpool(session.commit)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(_discard, session)
            raise
        session.close()  # committed: the connection is back in the pool, nothing to send


def _discard(session: Session) -> None:
    try:
        session.rollback()
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
