"""Closing periods: idempotent and safe concurrently, a pure function of the answers as they
stood at the period's end, settings from the period's start, erasure of a leader, and the
`calling close-periods` / `calling purge` commands."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from service.db import make_sessionmaker
from service.periods.models import TrustPeriod
from service.trust.models import TrustPeriodCell
from tests.conftest import Tenant
from tests.trust.helpers import (
    Clock,
    change_settings,
    close,
    erase,
    give,
    person,
    retract,
    score,
)

Q2 = datetime(2026, 4, 1, 0, 30, tzinfo=UTC)


def test_concurrent_closers_close_each_period_once(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    leader = person(client, tenant, "L")
    for i in range(4):
        give(client, tenant, leader, f"r{i}", 4)
    frozen.at(datetime(2026, 10, 2, tzinfo=UTC))  # Q1, Q2 and Q3 have ended
    barrier = threading.Barrier(4)
    results: list[int] = []
    errors: list[BaseException] = []

    def closer() -> None:
        try:
            barrier.wait()
            results.append(close(db))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=closer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [0, 0, 0, 3]
    with make_sessionmaker(db)() as session:
        assert session.scalar(select(func.count()).select_from(TrustPeriod)) == 3
        # overall, group:employees and rel:direct_report of the one leader, once
        assert session.scalar(select(func.count()).select_from(TrustPeriodCell)) == 3


def test_a_retraction_after_the_end_but_before_the_close_still_counts(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    """The table is the answers as they stood at the period's end, whenever the close runs."""
    leader = person(client, tenant, "L")
    ids = [give(client, tenant, leader, f"r{i}", 2 + i) for i in range(3)]
    frozen.at(Q2)
    retract(client, tenant, ids[0])  # after Q1's end; Q1 not closed yet
    assert close(db) == 1
    assert score(client, tenant, leader)["overall"]["n"] == 3
    # A retraction within the open period does count: Q2 without it.
    late = [give(client, tenant, leader, f"s{i}", 4) for i in range(4)]
    retract(client, tenant, late[0])
    frozen.at(datetime(2026, 7, 1, 1, tzinfo=UTC))
    close(db)
    assert score(client, tenant, leader)["overall"]["n"] == 3


def test_settings_apply_from_the_next_period(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    leader = person(client, tenant, "L")
    for i in range(3):
        give(client, tenant, leader, f"r{i}", 4)
    change_settings(client, tenant, min_group_size=4, manager_group_minimum=4, prior_weight=5)
    frozen.at(Q2)
    close(db)
    q1 = score(client, tenant, leader)
    assert q1["overall"]["n"] == 3  # shown under Q1's min_group_size 3
    assert q1["method"]["min_group_size"] == 3 and q1["method"]["prior_weight"] == 3
    for i in range(3):
        give(client, tenant, leader, f"r{i}", 4)
    frozen.at(datetime(2026, 7, 1, 1, tzinfo=UTC))
    close(db)
    q2 = score(client, tenant, leader)
    assert q2["overall"] == {"suppressed": True}  # 3 < 4 in Q2
    assert q2["method"]["min_group_size"] == 4 and q2["method"]["prior_weight"] == 5
    # The organization shows the new settings at once.
    org = client.get("/v1/organization", headers=tenant.headers()).json()["settings"]
    assert org["min_group_size"] == 4


def test_erasing_a_leader_removes_their_cells_and_their_part_of_the_prior(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    leader, other = person(client, tenant, "L"), person(client, tenant, "M")
    for i in range(3):
        give(client, tenant, leader, f"r{i}", 5)  # raw 100
        give(client, tenant, other, f"r{i}", 2)  # raw 25
    frozen.at(Q2)
    close(db)
    assert score(client, tenant, other)["method"]["prior_mean"] == 62.5
    erase(client, tenant, leader)
    with make_sessionmaker(db)() as session:
        assert (
            session.scalars(
                select(TrustPeriodCell.leader_id).where(TrustPeriodCell.leader_id == leader)
            ).all()
            == []
        )
    assert score(client, tenant, other)["method"]["prior_mean"] == 25.0


def test_close_periods_and_purge_commands(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLING_")}
    env["CALLING_DATABASE_URL"] = f"sqlite:///{tmp_path / 'calling.db'}"
    calling = str(Path(sys.executable).with_name("calling"))
    subprocess.run([calling, "migrate"], env=env, check=True, capture_output=True, cwd=tmp_path)
    for command, expected in (("close-periods", "Closed 0 period(s)."), ("purge", "Deleted 0")):
        done = subprocess.run(
            [calling, command], env=env, capture_output=True, text=True, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        assert expected in done.stdout
