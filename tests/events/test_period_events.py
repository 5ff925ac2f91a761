"""A closed reporting period is announced: `trust_score.published` for each leader whose
overall figure is shown, and `leader.stage_changed` where the stage differs from the period
before (`insufficient_data` where no figure was shown, and before the first period).
Payloads hold ids and figures the API serves anyway, never an answer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.conftest import Tenant
from tests.trust.conftest import frozen
from tests.trust.helpers import Clock, close, give, person, score

__all__ = ["frozen"]


def _events(client: TestClient, tenant: Tenant, type_: str) -> list[dict[str, Any]]:
    r = client.get("/v1/events", params={"type": type_, "limit": 100}, headers=tenant.headers())
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


def test_closing_a_period_publishes_scores_and_stage_changes(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    leader = person(client, tenant, "L")
    quiet = person(client, tenant, "Q")  # two answers only: never shown, never announced
    frozen.at(datetime(2026, 1, 10, tzinfo=UTC))
    for i in range(3):  # Q1: three lukewarm answers (no followers) → manager
        give(client, tenant, leader, f"r{i}", 3)
    for i in range(2):
        give(client, tenant, quiet, f"q{i}", 5)
    frozen.at(datetime(2026, 4, 10, tzinfo=UTC))
    for i in range(6):  # Q2: six enthusiastic answers (all followers) → leader
        give(client, tenant, leader, f"s{i}", 5)
    frozen.at(datetime(2026, 7, 1, 1, tzinfo=UTC))
    assert close(db) == 2

    q2 = score(client, tenant, leader)
    assert q2["stage"] == "leader" and q2["trend"]["stage"] == "manager"

    published = _events(client, tenant, "trust_score.published")
    assert [(e["data"]["leader_id"], e["data"]["period_start"]) for e in published] == [
        (leader, "2026-01-01T00:00:00Z"),
        (leader, "2026-04-01T00:00:00Z"),
    ]
    latest = published[-1]["data"]
    assert latest["stage"] == "leader" and latest["n"] == 6
    assert latest["score"] == q2["overall"]["score"]
    assert latest["period_end"] == "2026-07-01T00:00:00Z"

    changed = _events(client, tenant, "leader.stage_changed")
    q1 = {"period_start": "2026-01-01T00:00:00Z", "period_end": "2026-04-01T00:00:00Z"}
    q2 = {"period_start": "2026-04-01T00:00:00Z", "period_end": "2026-07-01T00:00:00Z"}
    assert [e["data"] for e in changed] == [
        # Every change is announced, the first one (from `insufficient_data`) included.
        {"leader_id": leader, **q1, "from": "insufficient_data", "to": "manager"},
        {"leader_id": leader, **q2, "from": "manager", "to": "leader"},
    ]
    assert quiet not in str(published) + str(changed)


def test_a_period_without_a_figure_is_a_stage_change_and_the_trend_skips_it(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    leader = person(client, tenant, "L")
    frozen.at(datetime(2026, 1, 10, tzinfo=UTC))
    for i in range(6):  # Q1: enthusiastic → leader
        give(client, tenant, leader, f"r{i}", 5)
    frozen.at(datetime(2026, 7, 10, tzinfo=UTC))  # Q2: no campaign, no answer
    for i in range(3):  # Q3: lukewarm → manager
        give(client, tenant, leader, f"s{i}", 3)
    frozen.at(datetime(2026, 10, 1, 1, tzinfo=UTC))
    assert close(db) == 3

    q3 = score(client, tenant, leader)
    assert q3["period"]["start"] == "2026-07-01T00:00:00Z" and q3["stage"] == "manager"
    # The trend compares with Q1, the latest earlier period with a figure, and names it.
    assert q3["trend"]["period"] == {
        "start": "2026-01-01T00:00:00Z",
        "end": "2026-04-01T00:00:00Z",
    }
    assert q3["trend"]["stage"] == "leader"
    assert q3["trend"]["change"] == pytest.approx(
        q3["overall"]["score"] - q3["trend"]["overall"]["score"], abs=0.011
    )
    changed = [
        (e["data"]["period_start"][:7], e["data"]["from"], e["data"]["to"])
        for e in _events(client, tenant, "leader.stage_changed")
    ]
    assert changed == [
        ("2026-01", "insufficient_data", "leader"),
        ("2026-04", "leader", "insufficient_data"),
        ("2026-07", "insufficient_data", "manager"),
    ]
