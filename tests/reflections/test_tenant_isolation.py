"""Another organization never sees or changes a reflection, prompt or schedule: 404 or empty."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.reflections.helpers import belief, created, patch, person, prompts, rated, submit


def test_other_organization_gets_404_and_sees_nothing(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    leader = person(client, tenant)
    trust = belief(client, tenant, leader, "Trust is given first.")
    own_prompt = client.post(
        "/v1/reflection-prompts", json={"text": "Secret question?"}, headers=tenant.headers()
    ).json()
    submitted = created(client, tenant, leader, from_template=True, notes="Private notes.")
    assert patch(client, tenant, submitted["id"], entries=rated(submitted)).status_code == 200
    assert submit(client, tenant, submitted["id"]).status_code == 200
    draft = created(client, tenant, leader, from_template=True)

    b = other_tenant.headers(**{"If-Match": '"1"'})
    window = {"period_start": "2026-01-01", "period_end": "2026-03-31"}
    calls = [
        ("GET", f"/v1/reflections/{draft['id']}", None),
        ("PATCH", f"/v1/reflections/{draft['id']}", {"notes": "hijacked"}),
        ("DELETE", f"/v1/reflections/{draft['id']}", None),
        ("POST", f"/v1/reflections/{draft['id']}/submit", None),
        ("GET", f"/v1/reflections/{submitted['id']}", None),
        ("POST", f"/v1/leaders/{leader}/reflections", window),
        ("GET", f"/v1/reflection-prompts/{own_prompt['id']}", None),
        ("PATCH", f"/v1/reflection-prompts/{own_prompt['id']}", {"status": "retired"}),
        ("DELETE", f"/v1/reflection-prompts/{own_prompt['id']}", None),
        ("GET", f"/v1/leaders/{leader}/reflection-schedule", None),
        ("PUT", f"/v1/leaders/{leader}/reflection-schedule", {"cadence_days": 7}),
        ("GET", f"/v1/beliefs/{trust}/alignment-history", None),
    ]
    for method, path, body in calls:
        response = client.request(method, path, json=body, headers=b)
        assert response.status_code == 404, (method, path, response.text)
        assert "Private notes" not in response.text and "Secret question" not in response.text

    for path in (
        "/v1/reflections",
        f"/v1/reflections?leader_id={leader}",
        "/v1/reflections?status=submitted",
        "/v1/reflection-schedule?due_before=2999-01-01T00:00:00Z",
    ):
        listed = client.get(path, headers=b)
        assert listed.status_code == 200, path
        assert listed.json()["data"] == [], path
    theirs = prompts(client, other_tenant)
    assert len(theirs) == 5 and all(p["built_in"] for p in theirs)
    assert own_prompt["id"] not in [p["id"] for p in theirs]

    # Nothing changed for the owner.
    a = tenant.headers()
    assert client.get(f"/v1/reflections/{draft['id']}", headers=a).json()["notes"] is None
    got = client.get(f"/v1/reflection-prompts/{own_prompt['id']}", headers=a).json()
    assert got["status"] == "active"
    assert (
        client.get(f"/v1/leaders/{leader}/reflection-schedule", headers=a).json()["cadence_source"]
        == "organization"
    )
