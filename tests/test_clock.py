"""The one clock and its development offset (`CALLING_CLOCK_OFFSET_DAYS`): moved in the API
and in every `calling` command, refused in production."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from service import clock
from service.api.app import create_app
from service.db import make_engine, make_sessionmaker
from service.migrate import upgrade
from service.organizations.models import Organization
from service.settings import Settings

YEAR = dt.timedelta(days=365)


@pytest.fixture(autouse=True)
def _real_time() -> Iterator[None]:
    yield
    clock.set_offset(dt.timedelta(0))


def test_the_offset_moves_now_and_zero_is_real_time() -> None:
    clock.set_offset(YEAR)
    ahead = clock.now() - dt.datetime.now(dt.UTC)
    assert YEAR - dt.timedelta(seconds=5) < ahead <= YEAR
    clock.set_offset(dt.timedelta(0))
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
    assert clock.now().tzinfo is dt.UTC


def test_the_app_applies_the_setting() -> None:
    create_app(Settings(database_url="sqlite://", clock_offset_days=365))
    assert clock.now() - dt.datetime.now(dt.UTC) > YEAR - dt.timedelta(seconds=5)
    create_app(Settings(database_url="sqlite://"))
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)


def test_production_refuses_an_offset() -> None:
    with pytest.raises(ValidationError, match="CALLING_CLOCK_OFFSET_DAYS"):
        Settings(environment="production", secret_key="s" * 40, clock_offset_days=1)
    assert Settings(environment="production", secret_key="s" * 40).clock_offset_days == 0


def test_a_calling_command_runs_on_the_offset_clock(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'calling.db'}"
    upgrade(Settings(database_url=url))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLING_")}
    env |= {"CALLING_DATABASE_URL": url, "CALLING_CLOCK_OFFSET_DAYS": "365"}
    result = subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", "orgs", "create", "Ahead"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    with make_sessionmaker(make_engine(Settings(database_url=url)))() as session:
        created = session.scalars(
            select(Organization.created_at).where(Organization.name == "Ahead")
        ).one()
    created = created.replace(tzinfo=created.tzinfo or dt.UTC)
    assert created - dt.datetime.now(dt.UTC) > YEAR - dt.timedelta(minutes=1)
