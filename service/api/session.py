"""The request's unit of work, and admission to the database: the HTTP side of `service.db`.

The session dependency is the single owner of the transaction: service code only
flushes; the dependency commits when the handler returns and *before* the response
is sent (FastAPI's ``scope="function"``), so a 2xx always means the data is durable.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from service.db import ReadOnlySession
from service.settings import Settings


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
