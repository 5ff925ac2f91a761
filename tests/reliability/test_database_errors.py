"""Database errors that are not the client's fault are 503 with `Retry-After`, never 500,
and a request whose commit failed never gets a 2xx (nor leaves anything behind)."""

from __future__ import annotations

import asyncio
import os

import anyio.to_thread
import psycopg.errors
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, InternalError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session

from service.api.app import create_app
from service.api.session import ConnectionSlots
from service.db import make_engine
from service.errors import is_transient_db_error
from service.migrate import upgrade
from service.people.models import Person
from service.settings import Settings
from tests.conftest import (
    PG_ADMIN_URL,
    Tenant,
    create_pg_database,
    drop_pg_database,
    make_tenant,
    require_pg,
)

BODY = {"external_id": "E-1", "display_name": "Ann"}


def _people(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Person)) or 0)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (OperationalError("COMMIT", {}, psycopg.errors.AdminShutdown("terminating")), 503),
        (IntegrityError("COMMIT", {}, psycopg.errors.UniqueViolation("duplicate")), 500),
    ],
    ids=["transient", "unexpected"],
)
def test_a_failed_commit_is_never_a_2xx(
    client: TestClient,
    tenant: Tenant,
    db: Engine,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    status: int,
) -> None:
    def failing_commit(self: Session) -> None:
        raise error

    headers = tenant.headers(**{"Idempotency-Key": "commit-fails"})
    with monkeypatch.context() as patch:
        patch.setattr(Session, "commit", failing_commit)
        response = client.post("/v1/people", json=BODY, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert ("retry-after" in response.headers) == (status == 503)
    assert _people(db) == 0
    # Nothing of the failed request was kept, not even its idempotency record: the retry
    # does the work for real.
    retry = client.post("/v1/people", json=BODY, headers=headers)
    assert retry.status_code == 201
    assert "idempotent-replayed" not in retry.headers
    assert _people(db) == 1


def test_a_read_only_database_is_503() -> None:
    """Writes that reach a primary demoted to a read-only standby (during a failover)."""
    require_pg()
    name = f"calling_read_only_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    url = create_pg_database(name)
    try:
        settings = Settings(database_url=url, rate_limit_per_minute=0)
        upgrade(settings)
        engine = make_engine(settings)
        tenant = make_tenant(engine, "Failover Ltd")
        engine.dispose()
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        admin.dispose()
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            response = client.post("/v1/people", json=BODY, headers=tenant.headers())
            assert response.status_code == 503, response.text
            assert response.headers["retry-after"]
            assert response.headers["content-type"] == "application/problem+json"
            assert client.get("/v1/people", headers=tenant.headers()).status_code == 200
    finally:
        drop_pg_database(name)


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (OperationalError("SELECT", {}, psycopg.errors.QueryCanceled("statement timeout")), True),
        (OperationalError("SELECT", {}, psycopg.errors.LockNotAvailable("lock timeout")), True),
        (OperationalError("SELECT", {}, psycopg.errors.CannotConnectNow("starting up")), True),
        (InternalError("INSERT", {}, psycopg.errors.ReadOnlySqlTransaction("read-only")), True),
        (InternalError("SELECT", {}, psycopg.errors.IdleInTransactionSessionTimeout("idle")), True),
        (PoolTimeoutError("QueuePool limit reached"), True),
        (InternalError("SELECT", {}, psycopg.errors.InFailedSqlTransaction("aborted")), False),
        (IntegrityError("INSERT", {}, psycopg.errors.UniqueViolation("duplicate")), False),
    ],
)
def test_transient_database_errors(error: Exception, transient: bool) -> None:
    assert is_transient_db_error(error) is transient


def test_connection_slots_wait_on_the_event_loop_then_time_out() -> None:
    async def scenario() -> None:
        slots = ConnectionSlots(capacity=1, timeout=0.2)
        async with slots.hold():
            # The worker threads outnumber the slots, so a slot holder always gets a thread.
            assert anyio.to_thread.current_default_thread_limiter().total_tokens >= 21
            with pytest.raises(PoolTimeoutError):
                async with slots.hold():
                    pass
        async with slots.hold():  # released: free again
            pass

    asyncio.run(scenario())
