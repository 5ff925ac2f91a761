"""Alembic is the only way a schema is made: models and migrations must agree."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from service.migrate import alembic_config, downgrade, upgrade
from service.models import Base
from service.settings import Settings
from tests.conftest import create_pg_database, drop_pg_database, require_pg


def _check(settings: Settings) -> None:
    command.check(alembic_config(settings))  # raises when autogenerate finds a difference


def test_sqlite_models_match_migrations(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(settings)
    _check(settings)


@pytest.fixture
def pg_scratch() -> str:
    require_pg()
    name = f"calling_migrations_{uuid.uuid4().hex[:8]}"
    url = create_pg_database(name)
    yield url
    drop_pg_database(name)


def test_postgresql_models_match_migrations_and_round_trip(pg_scratch: str) -> None:
    settings = Settings(database_url=pg_scratch)
    upgrade(settings)
    _check(settings)
    downgrade(settings, "base")
    engine = create_engine(settings.sqlalchemy_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(settings)
    assert {t.name for t in Base.metadata.sorted_tables} <= set(inspect(engine).get_table_names())
    engine.dispose()
    _check(settings)


def test_every_index_and_key_leads_with_org_id() -> None:
    for table in Base.metadata.sorted_tables:
        assert "org_id" in table.c, table.name
        assert next(iter(table.primary_key.columns)).name == "org_id", table.name
        for index in table.indexes:
            assert next(iter(index.columns)).name == "org_id", (table.name, index.name)
        for constraint in table.constraints:
            columns = list(getattr(constraint, "columns", []))
            if columns and constraint.__class__.__name__ in {"UniqueConstraint"}:
                assert columns[0].name == "org_id", (table.name, constraint.name)
