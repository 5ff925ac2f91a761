"""Engine, declarative base, sessions (read sessions included). No HTTP here: the request's
unit of work is `service.api.session`."""

from __future__ import annotations

import select
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import DateTime, MetaData, String, TypeDecorator, create_engine, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

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
