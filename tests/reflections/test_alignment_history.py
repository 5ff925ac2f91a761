from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.reflections.conftest import T0, FrozenClock
from tests.reflections.helpers import belief, created, patch, person, submit


def test_alignment_history_follows_submitted_reflections(
    client: TestClient, tenant: Tenant, clock: FrozenClock
) -> None:
    leader = person(client, tenant)
    trust = belief(client, tenant, leader, "Trust is given first.")
    why = belief(client, tenant, leader, "People need to know why.")
    path = f"/v1/beliefs/{trust}/alignment-history"
    assert client.get(path, headers=tenant.headers()).json() == {
        "belief_id": trust,
        "leader_id": leader,
        "data": [],
    }

    periods = [
        ("2026-01-01", "2026-03-31", "self", 2),
        ("2026-04-01", "2026-06-30", "team", 3),
        ("2026-07-01", "2026-09-30", "organization", 5),
    ]
    ids = []
    for days, (start, end, scope, rating) in zip((90, 180, 270), periods, strict=True):
        clock.set(T0 + timedelta(days=days))
        reflection = created(
            client,
            tenant,
            leader,
            period_start=start,
            period_end=end,
            scope=scope,
            entries=[
                {"belief_id": trust, "alignment": rating},
                {"belief_id": why, "alignment": 1},
            ],
        )
        ids.append(reflection["id"])
        # Submitted in reverse order of creation below, to show the series follows submission.
    clock.set(T0 + timedelta(days=300))
    for offset, reflection_id in enumerate(reversed(ids)):
        clock.advance(hours=offset + 1)
        assert submit(client, tenant, reflection_id).status_code == 200
    draft = created(client, tenant, leader, entries=[{"belief_id": trust, "alignment": 1}])
    assert draft["status"] == "draft"

    history = client.get(path, headers=tenant.headers())
    assert history.status_code == 200, history.text
    points = history.json()["data"]
    assert [p["reflection_id"] for p in points] == list(reversed(ids))
    assert [p["alignment"] for p in points] == [5, 3, 2]
    assert [p["scope"] for p in points] == ["organization", "team", "self"]
    assert points[0]["period_start"] == "2026-07-01"
    assert points[0]["submitted_at"] < points[1]["submitted_at"] < points[2]["submitted_at"]

    other = client.get(f"/v1/beliefs/{why}/alignment-history", headers=tenant.headers()).json()
    assert [p["alignment"] for p in other["data"]] == [1, 1, 1]

    # A rating changed in a later draft does not touch history.
    assert (
        patch(
            client, tenant, draft["id"], entries=[{"belief_id": trust, "alignment": 4}]
        ).status_code
        == 200
    )
    assert len(client.get(path, headers=tenant.headers()).json()["data"]) == 3

    missing = client.get(
        "/v1/beliefs/blf_01JD5ZQ8W4M3KXHNB7T2C9V6RE/alignment-history", headers=tenant.headers()
    )
    assert missing.status_code == 404
