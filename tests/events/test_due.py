"""`reflection.due`: announced once per due moment, by whichever worker sees it first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from service import clock
from service.db import make_sessionmaker
from service.webhooks.worker import Worker
from tests.conftest import Tenant


def due_events(client: TestClient, tenant: Tenant) -> list[dict]:
    r = client.get("/v1/events", params={"type": "reflection.due"}, headers=tenant.headers())
    assert r.status_code == 200
    return list(r.json()["data"])


def test_a_due_reflection_is_announced_once(
    client: TestClient, tenant: Tenant, db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = Worker(sessions=make_sessionmaker(db), server_secret="x" * 32)
    h = tenant.headers()
    leader = client.post("/v1/people", json={"external_id": "L", "display_name": "L"}, headers=h)
    leader_id = leader.json()["id"]
    assert worker.announce_due() == 0  # no active belief: not a leader yet
    belief = client.post(
        f"/v1/leaders/{leader_id}/beliefs",
        json={"statement": "Trust first.", "status": "active"},
        headers=h,
    ).json()
    assert worker.announce_due() == 1  # never reflected: due now
    assert worker.announce_due() == 0
    (event,) = due_events(client, tenant)
    assert event["data"] == {"leader_id": leader_id, "next_due_at": None}

    today = datetime.now(UTC).date().isoformat()
    reflection = client.post(
        f"/v1/leaders/{leader_id}/reflections",
        json={
            "period_start": today,
            "period_end": today,
            "entries": [{"belief_id": belief["id"], "alignment": 4}],
        },
        headers=h,
    ).json()
    submitted = client.post(
        f"/v1/reflections/{reflection['id']}/submit", headers={**h, "If-Match": '"1"'}
    )
    assert submitted.status_code == 200, submitted.text
    assert worker.announce_due() == 0  # next one due in 90 days
    later = datetime.now(UTC) + timedelta(days=91)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert worker.announce_due() == 1
    assert worker.announce_due() == 0
    assert [e["data"]["next_due_at"] is not None for e in due_events(client, tenant)] == [
        False,
        True,
    ]
