"""Test fixtures: every database test runs on SQLite and on PostgreSQL.

Schemas are made by the real Alembic migrations. Each test starts from empty tables
(truncated after every test), so tests never share state and may commit for real.
PostgreSQL tests skip with a clear message when no server is reachable, unless CI=true,
where they fail instead.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from service import clock
from service.api.app import create_app
from service.api_keys.keys import Scope
from service.api_keys.service import create_api_key
from service.db import make_engine, make_sessionmaker
from service.migrate import upgrade
from service.models import Base
from service.organizations.service import create_organization, platform_organization
from service.settings import Settings

PG_ADMIN_URL = os.environ.get(
    "CALLING_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite", "postgresql"]


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def pg_available() -> str | None:
    """None when PostgreSQL answers, else the reason."""
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


def create_pg_database(name: str) -> str:
    """(Re)create an empty database; return its URL."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def require_pg() -> None:
    reason = pg_available()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"PostgreSQL is required when CI=true but is not reachable: {reason}")
    pytest.skip(
        f"PostgreSQL not reachable at {PG_ADMIN_URL} ({reason}); "
        "start it or set CALLING_TEST_PG_URL"
    )


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of the test's own, empty and not migrated, on each backend: for the
    migration tests that start from an older revision."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.db'}"
        return
    require_pg()
    name = f"calling_migration_{uuid.uuid4().hex[:8]}"
    yield create_pg_database(name)
    drop_pg_database(name)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for this test session and backend."""
    if backend == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "calling.db"
        url = f"sqlite:///{path}"
        upgrade(Settings(database_url=url))
        yield url
        return
    require_pg()
    name = f"calling_test_{_worker()}_{os.getpid()}"
    url = create_pg_database(name)
    upgrade(Settings(database_url=url))
    yield url
    drop_pg_database(name)


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    # No one-second burst cap: a test that posts a corpus may send more than the default 100
    # answers in a second on a fast machine (the per-minute limit and its headers stay on;
    # tests/reliability/test_rate_limits.py tests the burst cap with settings of its own).
    return Settings(database_url=database_url, rate_limit_burst=0)


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    yield engine
    engine.dispose()


def _empty_all_tables(engine: Engine) -> None:
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def db(engine: Engine) -> Iterator[Engine]:
    """The database, emptied after the test."""
    yield engine
    _empty_all_tables(engine)


@pytest.fixture
def session(db: Engine) -> Iterator[Session]:
    with make_sessionmaker(db)() as session:
        yield session


@pytest.fixture(scope="session")
def app(settings: Settings) -> FastAPI:
    # Tests send requests for one organization as fast as the app answers them: a limit
    # that no test reaches, still counted on every request (RateLimit fields included);
    # the limits themselves are tested in tests/reliability/test_rate_limits.py.
    return create_app(
        settings.model_copy(update={"rate_limit_per_minute": 1_000_000, "rate_limit_burst": 0})
    )


@pytest.fixture
def client(app: FastAPI, db: Engine) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@dataclass
class Tenant:
    org_id: str
    admin_key: str
    keys: dict[str, str]

    def headers(self, scope: str = "admin", **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[scope]}", **extra}


def make_tenant(engine: Engine, name: str, *, sandbox: bool = False) -> Tenant:
    with make_sessionmaker(engine)() as session, session.begin():
        org = create_organization(session, name, sandbox)
        keys = {
            scope.value: create_api_key(session, org.org_id, f"{scope} key", [scope])[1]
            for scope in Scope
            if scope is not Scope.platform  # only the platform organization's keys have it
        }
        # The deployment's platform key, so every scope can be tried against this tenant.
        platform = platform_organization(session).org_id
        keys["platform"] = create_api_key(session, platform, "platform", [Scope.platform])[1]
        return Tenant(org_id=org.org_id, admin_key=keys["admin"], keys=keys)


@pytest.fixture(params=[0, 365], ids=["today", "a-year-ahead"])
def clock_offset_days(request: pytest.FixtureRequest) -> Iterator[int]:
    """Days the service's clock runs ahead (issue 18: no example depends on today's date).
    The test process's clock is moved too; give the live server the same
    (`clock_offset_days=str(days)`)."""
    days: int = request.param
    clock.set_offset(dt.timedelta(days=days))
    yield days
    clock.set_offset(dt.timedelta(0))


@pytest.fixture
def tenant(db: Engine) -> Tenant:
    return make_tenant(db, "Org A")


@pytest.fixture
def other_tenant(db: Engine) -> Tenant:
    return make_tenant(db, "Org B")


@pytest.fixture
def platform_key(db: Engine) -> str:
    """A platform key (what `calling platform-keys create` prints)."""
    with make_sessionmaker(db)() as session, session.begin():
        org = platform_organization(session)
        return create_api_key(session, org.org_id, "Platform key", [Scope.platform])[1]
