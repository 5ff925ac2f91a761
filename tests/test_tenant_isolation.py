"""Organization B never sees or changes organization A's objects: always 404 or empty."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Tenant


def seed(client: TestClient, tenant: Tenant) -> dict[str, str]:
    h = tenant.headers()
    person = client.post(
        "/v1/people", json={"external_id": "A-1", "display_name": "Ada"}, headers=h
    ).json()
    belief = client.post(
        f"/v1/leaders/{person['id']}/beliefs", json={"statement": "Trust first."}, headers=h
    ).json()
    commitment = client.post(
        f"/v1/leaders/{person['id']}/commitments",
        json={"statement": "Trust first.", "for_whom": ["employees"], "due_on": "2026-06-30"},
        headers=h,
    ).json()
    key = client.post("/v1/api-keys", json={"name": "a", "scopes": ["read"]}, headers=h).json()
    return {
        "person": person["id"],
        "belief": belief["id"],
        "commitment": commitment["id"],
        "key": key["id"],
    }


def test_other_org_gets_404_and_empty_lists(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    ids = seed(client, tenant)
    b = other_tenant.headers(**{"If-Match": '"1"'})
    calls = [
        ("GET", f"/v1/people/{ids['person']}", None),
        ("PATCH", f"/v1/people/{ids['person']}", {"title": "hijacked"}),
        ("DELETE", f"/v1/people/{ids['person']}", None),
        ("GET", f"/v1/beliefs/{ids['belief']}", None),
        ("PATCH", f"/v1/beliefs/{ids['belief']}", {"statement": "hijacked"}),
        ("DELETE", f"/v1/beliefs/{ids['belief']}", None),
        ("GET", f"/v1/beliefs/{ids['belief']}/revisions", None),
        ("POST", f"/v1/leaders/{ids['person']}/beliefs", {"statement": "planted"}),
        ("GET", f"/v1/commitments/{ids['commitment']}", None),
        ("PATCH", f"/v1/commitments/{ids['commitment']}", {"statement": "hijacked"}),
        ("DELETE", f"/v1/commitments/{ids['commitment']}", None),
        ("GET", f"/v1/commitments/{ids['commitment']}/revisions", None),
        ("GET", f"/v1/leaders/{ids['person']}/commitments", None),
        (
            "POST",
            f"/v1/leaders/{ids['person']}/commitments",
            {"statement": "planted", "for_whom": ["other"], "due_on": "2026-06-30"},
        ),
        ("GET", f"/v1/api-keys/{ids['key']}", None),
        ("POST", f"/v1/api-keys/{ids['key']}/revoke", None),
    ]
    for method, path, body in calls:
        response = client.request(method, path, json=body, headers=b)
        assert response.status_code == 404, (method, path, response.text)
        assert "Ada" not in response.text and "Trust first" not in response.text

    for path in (
        "/v1/people",
        "/v1/beliefs",
        f"/v1/beliefs?leader_id={ids['person']}",
        f"/v1/people?manager_id={ids['person']}",
        "/v1/people?external_id=A-1",
    ):
        listed = client.get(path, headers=b)
        assert listed.status_code == 200
        assert all(ids["person"] not in str(item) for item in listed.json()["data"]), path
    assert len(client.get("/v1/api-keys", headers=b).json()["data"]) == 4  # B's own keys

    foreign_manager = client.post(
        "/v1/people",
        json={"external_id": "B-1", "display_name": "Bo", "manager_id": ids["person"]},
        headers=b,
    )
    assert foreign_manager.status_code == 422

    a = tenant.headers()
    assert client.get(f"/v1/people/{ids['person']}", headers=a).json()["title"] is None
    belief = client.get(f"/v1/beliefs/{ids['belief']}", headers=a).json()
    assert belief["statement"] == "Trust first."
    commitment = client.get(f"/v1/commitments/{ids['commitment']}", headers=a).json()
    assert commitment["statement"] == "Trust first."
    assert client.get(f"/v1/api-keys/{ids['key']}", headers=a).json()["revoked_at"] is None
    assert len(client.get("/v1/beliefs", headers=a).json()["data"]) == 1
