"""The read session: on PostgreSQL a GET runs in autocommit (no BEGIN, no COMMIT) and any
write through it is refused; SQLite keeps the usual unit of work."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, select, text, update
from sqlalchemy.engine import Engine

from service.db import make_read_sessionmaker
from service.people.models import Person
from tests.conftest import Tenant


def test_reads_run_in_autocommit_and_refuse_writes(db: Engine) -> None:
    reads = make_read_sessionmaker(db)
    if db.dialect.name != "postgresql":
        assert reads is None
        return
    assert reads is not None
    with reads() as session:
        session.execute(text("SELECT 1"))
        dbapi = session.connection().connection.dbapi_connection
        assert dbapi is not None and dbapi.autocommit is True
        with pytest.raises(RuntimeError, match="must not write"):
            session.execute(update(Person).values(display_name="x"))
        session.add(Person(org_id="org_x", id="per_x", external_id="x", display_name="x"))
        with pytest.raises(RuntimeError, match="must not write"):
            session.flush()


def test_a_connection_goes_back_to_the_pool_out_of_autocommit(db: Engine) -> None:
    if db.dialect.name != "postgresql":
        return
    engine = create_engine(db.url, pool_size=1, max_overflow=0)
    try:
        reads = make_read_sessionmaker(engine)
        assert reads is not None
        with reads() as session:
            session.execute(text("SELECT 1"))
        with engine.connect() as conn:  # the same, only, pooled connection
            dbapi = conn.connection.dbapi_connection
            assert dbapi is not None and dbapi.autocommit is False
            conn.execute(text("SELECT 1"))
            assert conn.in_transaction()
    finally:
        engine.dispose()


def test_a_get_sends_no_begin_or_commit_on_postgresql(
    client: TestClient, tenant: Tenant, db: Engine
) -> None:
    person = client.post(
        "/v1/people", json={"external_id": "E1", "display_name": "Ada"}, headers=tenant.headers()
    ).json()
    client.get(f"/v1/people/{person['id']}", headers=tenant.headers("read"))  # key now cached
    sent: list[str] = []
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]

    def record(conn, cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement.split()[0].upper())

    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "commit", lambda conn: sent.append("COMMIT"))
    try:
        r = client.get(f"/v1/people/{person['id']}", headers=tenant.headers("read"))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert r.status_code == 200
    if db.dialect.name == "postgresql":
        assert sent == ["SELECT"]
        with db.connect() as conn:  # the read left nothing open on the server
            idle = conn.execute(
                select(text("count(*)"))
                .select_from(text("pg_stat_activity"))
                .where(text("state = 'idle in transaction' AND datname = current_database()"))
            ).scalar()
        assert idle == 0
    else:
        assert "COMMIT" in sent
