from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.reflections.conftest import T0, FrozenClock
from tests.reflections.helpers import belief, created, patch, person, rated, retire, submit


def rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def schedule(client: TestClient, tenant: Tenant, leader_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/leaders/{leader_id}/reflection-schedule", headers=tenant.headers())
    assert response.status_code == 200, response.text
    return dict(response.json())


def reflect(client: TestClient, tenant: Tenant, leader_id: str) -> str:
    """Create, fill and submit a reflection at the clock's current time."""
    reflection = created(client, tenant, leader_id, from_template=True)
    assert patch(client, tenant, reflection["id"], entries=rated(reflection)).status_code == 200
    response = submit(client, tenant, reflection["id"])
    assert response.status_code == 200, response.text
    return str(response.json()["submitted_at"])


def put(client: TestClient, tenant: Tenant, leader_id: str, tag: str | None, **body: Any):
    headers = tenant.headers("write", **({"If-Match": tag} if tag else {}))
    return client.put(f"/v1/leaders/{leader_id}/reflection-schedule", json=body, headers=headers)


def due(client: TestClient, tenant: Tenant, **params: Any) -> list[str]:
    response = client.get("/v1/reflection-schedule", params=params, headers=tenant.headers())
    assert response.status_code == 200, response.text
    return [s["leader_id"] for s in response.json()["data"]]


def test_a_leader_who_never_reflected_is_due_now(client: TestClient, tenant: Tenant) -> None:
    leader = person(client, tenant)
    nobody = schedule(client, tenant, leader)
    assert nobody == {
        "leader_id": leader,
        "cadence_days": 90,
        "cadence_source": "organization",
        "active_beliefs": 0,
        "last_submitted_at": None,
        "next_due_at": None,
        "overdue": False,
    }
    belief(client, tenant, leader, "Trust is given first.")
    leading = schedule(client, tenant, leader)
    assert (leading["active_beliefs"], leading["next_due_at"], leading["overdue"]) == (
        1,
        None,
        True,
    )


def test_next_due_is_last_submission_plus_cadence(
    client: TestClient, tenant: Tenant, clock: FrozenClock
) -> None:
    leader = person(client, tenant)
    belief(client, tenant, leader, "Trust is given first.")
    clock.advance(days=20)
    submitted_at = reflect(client, tenant, leader)
    assert submitted_at == rfc3339(T0 + timedelta(days=20))
    response = schedule(client, tenant, leader)
    assert response["last_submitted_at"] == submitted_at
    assert response["next_due_at"] == rfc3339(T0 + timedelta(days=110))
    assert response["overdue"] is False

    clock.set(T0 + timedelta(days=110))
    assert schedule(client, tenant, leader)["overdue"] is False  # due now, not yet overdue
    clock.advance(seconds=1)
    assert schedule(client, tenant, leader)["overdue"] is True

    # A later submission moves the schedule on; the latest one counts.
    clock.advance(days=5)
    again = reflect(client, tenant, leader)
    later = schedule(client, tenant, leader)
    assert later["last_submitted_at"] == again
    assert later["next_due_at"] == rfc3339(T0 + timedelta(days=205, seconds=1))


def test_a_leaders_own_cadence_and_the_organization_default(
    client: TestClient, tenant: Tenant, clock: FrozenClock
) -> None:
    leader = person(client, tenant)
    belief(client, tenant, leader, "Trust is given first.")
    reflect(client, tenant, leader)
    response = client.get(f"/v1/leaders/{leader}/reflection-schedule", headers=tenant.headers())
    assert response.headers["etag"] == '"0"'

    assert put(client, tenant, leader, None, cadence_days=30).status_code == 428
    assert put(client, tenant, leader, '"3"', cadence_days=30).status_code == 412
    for bad in (6, 367, "monthly", 30.5, "30", True):
        assert put(client, tenant, leader, '"0"', cadence_days=bad).status_code == 422, bad
    assert put(client, tenant, leader, '"0"').status_code == 422  # cadence_days is required

    own = put(client, tenant, leader, '"0"', cadence_days=30)
    assert own.status_code == 200, own.text
    assert own.headers["etag"] == '"1"'
    assert (own.json()["cadence_days"], own.json()["cadence_source"]) == (30, "leader")
    assert own.json()["next_due_at"] == rfc3339(T0 + timedelta(days=30))
    assert put(client, tenant, leader, '"0"', cadence_days=60).status_code == 412

    org = client.get("/v1/organization", headers=tenant.headers())
    settings = client.patch(
        "/v1/organization",
        json={"settings": {"reflection_cadence_days": 45}},
        headers=tenant.headers("admin", **{"If-Match": org.headers["etag"]}),
    )
    assert settings.status_code == 200, settings.text
    assert schedule(client, tenant, leader)["cadence_days"] == 30  # the leader's own wins

    back = put(client, tenant, leader, '"1"', cadence_days=None)
    assert back.status_code == 200
    assert back.headers["etag"] == '"2"'
    assert (back.json()["cadence_days"], back.json()["cadence_source"]) == (45, "organization")
    assert back.json()["next_due_at"] == rfc3339(T0 + timedelta(days=45))

    missing = put(client, tenant, "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE", '"0"', cadence_days=30)
    assert missing.status_code == 404


def test_due_listing_with_a_frozen_clock(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, clock: FrozenClock
) -> None:
    quarterly = person(client, tenant, "Q")
    monthly = person(client, tenant, "M")
    never = person(client, tenant, "N")
    no_beliefs = person(client, tenant, "X")
    retired_only = person(client, tenant, "R")
    for leader in (quarterly, monthly, never):
        belief(client, tenant, leader, "Trust is given first.")
    retire(client, tenant, belief(client, tenant, retired_only, "Once held."))
    outsider = person(client, other_tenant, "O")
    belief(client, other_tenant, outsider, "Another org's belief.")

    assert put(client, tenant, monthly, '"0"', cadence_days=30).status_code == 200
    reflect(client, tenant, quarterly)  # at T0: due T0 + 90 days
    reflect(client, tenant, monthly)  # at T0: due T0 + 30 days

    def listed(moment: datetime) -> list[str]:
        return due(client, tenant, due_before=rfc3339(moment))

    assert listed(T0 + timedelta(days=1)) == [never]
    assert listed(T0 + timedelta(days=30)) == [never]  # due exactly then: not before
    assert listed(T0 + timedelta(days=30, seconds=1)) == sorted([monthly, never])
    assert listed(T0 + timedelta(days=91)) == sorted([quarterly, monthly, never])
    assert no_beliefs not in listed(T0 + timedelta(days=999))
    assert retired_only not in listed(T0 + timedelta(days=999))

    # Without `due_before`: those overdue now, by the frozen clock.
    clock.set(T0 + timedelta(days=31))
    assert due(client, tenant) == sorted([monthly, never])
    assert [
        s["leader_id"]
        for s in (schedule(client, tenant, p) for p in (quarterly, monthly, never))
        if s["overdue"]
    ] == [monthly, never]

    page = client.get(
        "/v1/reflection-schedule",
        params={"due_before": rfc3339(T0 + timedelta(days=91)), "limit": 2},
        headers=tenant.headers(),
    ).json()
    assert len(page["data"]) == 2 and page["next_cursor"]
    rest = client.get(
        "/v1/reflection-schedule",
        params={"due_before": rfc3339(T0 + timedelta(days=91)), "cursor": page["next_cursor"]},
        headers=tenant.headers(),
    ).json()
    assert [s["leader_id"] for s in page["data"] + rest["data"]] == sorted(
        [quarterly, monthly, never]
    )
    assert rest["next_cursor"] is None
    first = page["data"][0]
    assert set(first) == {
        "leader_id",
        "cadence_days",
        "cadence_source",
        "active_beliefs",
        "last_submitted_at",
        "next_due_at",
        "overdue",
    }
    assert due(client, other_tenant, due_before=rfc3339(T0 + timedelta(days=999))) == [outsider]

    for params in ({"due_before": "2026-01-01"}, {"due_before": "soon"}, {"limit": 0}):
        response = client.get("/v1/reflection-schedule", params=params, headers=tenant.headers())
        assert response.status_code == 422, params
