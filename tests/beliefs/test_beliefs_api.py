from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Tenant


def leader(client: TestClient, tenant: Tenant, external_id: str = "L-1") -> str:
    response = client.post(
        "/v1/people",
        json={"external_id": external_id, "display_name": "Ada"},
        headers=tenant.headers("write"),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def codify(client: TestClient, tenant: Tenant, leader_id: str, **body: object) -> dict:
    payload = {"statement": "Trust is given first.", **body}
    response = client.post(
        f"/v1/leaders/{leader_id}/beliefs", json=payload, headers=tenant.headers("write")
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/v1/beliefs/{response.json()['id']}"
    return response.json()


def patch(client: TestClient, tenant: Tenant, belief: dict, etag: str, **body: object):
    return client.patch(
        f"/v1/beliefs/{belief['id']}", json=body, headers=tenant.headers(**{"If-Match": etag})
    )


def test_codify_revise_and_list_revisions(client: TestClient, tenant: Tenant) -> None:
    belief = codify(client, tenant, leader(client, tenant), category="integrity")
    assert belief["id"].startswith("blf_")
    assert (belief["status"], belief["revision"], belief["position"]) == ("draft", 1, 0)

    first = patch(client, tenant, belief, '"1"', status="active")
    assert first.status_code == 200, first.text
    assert first.json()["activated_at"] is not None
    second = patch(client, tenant, belief, first.headers["etag"], statement="Trust first.")
    assert second.json()["revision"] == 3

    revisions = client.get(f"/v1/beliefs/{belief['id']}/revisions", headers=tenant.headers())
    assert revisions.status_code == 200
    data = revisions.json()["data"]
    assert [(r["revision"], r["status"], r["statement"]) for r in data] == [
        (1, "draft", "Trust is given first."),
        (2, "active", "Trust is given first."),
        (3, "active", "Trust first."),
    ]


def test_lifecycle_rules(client: TestClient, tenant: Tenant) -> None:
    belief = codify(client, tenant, leader(client, tenant), status="active")
    back = patch(client, tenant, belief, '"1"', status="draft")
    assert back.status_code == 409
    retired = patch(client, tenant, belief, '"1"', status="retired")
    assert retired.status_code == 200 and retired.json()["retired_at"]
    frozen = patch(client, tenant, belief, retired.headers["etag"], statement="Changed")
    assert frozen.status_code == 409
    assert "final" in frozen.json()["detail"]
    delete = client.delete(
        f"/v1/beliefs/{belief['id']}", headers=tenant.headers(**{"If-Match": '"2"'})
    )
    assert delete.status_code == 409


def test_create_retired_or_for_unknown_leader(client: TestClient, tenant: Tenant) -> None:
    person = leader(client, tenant)
    retired = client.post(
        f"/v1/leaders/{person}/beliefs",
        json={"statement": "x", "status": "retired"},
        headers=tenant.headers(),
    )
    assert retired.status_code == 409
    unknown = client.post(
        "/v1/leaders/per_01JD5ZQ8W4M3KXHNB7T2C9V6RE/beliefs",
        json={"statement": "x"},
        headers=tenant.headers(),
    )
    assert unknown.status_code == 404


def test_null_for_a_required_field_is_422(client: TestClient, tenant: Tenant) -> None:
    belief = codify(client, tenant, leader(client, tenant))
    response = patch(client, tenant, belief, '"1"', statement=None)
    assert response.status_code == 422
    cleared = patch(client, tenant, belief, '"1"', rationale=None)
    assert cleared.status_code == 200


def test_order_per_leader_and_filters(client: TestClient, tenant: Tenant) -> None:
    ada = leader(client, tenant, "A")
    bo = leader(client, tenant, "B")
    first = codify(client, tenant, ada, statement="one")
    second = codify(client, tenant, ada, statement="two", status="active")
    codify(client, tenant, bo, statement="other leader")
    assert second["position"] == 1
    patch(client, tenant, first, '"1"', position=5)

    listed = client.get("/v1/beliefs", params={"leader_id": ada}, headers=tenant.headers())
    assert [b["statement"] for b in listed.json()["data"]] == ["two", "one"]
    paged = client.get(
        "/v1/beliefs", params={"leader_id": ada, "limit": 1}, headers=tenant.headers()
    ).json()
    rest = client.get(
        "/v1/beliefs",
        params={"leader_id": ada, "limit": 1, "cursor": paged["next_cursor"]},
        headers=tenant.headers(),
    ).json()
    assert [b["statement"] for b in paged["data"] + rest["data"]] == ["two", "one"]
    active = client.get("/v1/beliefs", params={"status": "active"}, headers=tenant.headers())
    assert [b["statement"] for b in active.json()["data"]] == ["two"]


def test_draft_can_be_deleted_with_its_revisions(client: TestClient, tenant: Tenant) -> None:
    belief = codify(client, tenant, leader(client, tenant))
    response = client.delete(
        f"/v1/beliefs/{belief['id']}", headers=tenant.headers(**{"If-Match": '"1"'})
    )
    assert response.status_code == 204
    assert client.get(f"/v1/beliefs/{belief['id']}", headers=tenant.headers()).status_code == 404
    gone = client.get(f"/v1/beliefs/{belief['id']}/revisions", headers=tenant.headers())
    assert gone.status_code == 404


def test_deleting_a_leader_deletes_their_beliefs(client: TestClient, tenant: Tenant) -> None:
    person = leader(client, tenant)
    belief = codify(client, tenant, person, status="active")
    response = client.delete(f"/v1/people/{person}", headers=tenant.headers(**{"If-Match": '"1"'}))
    assert response.status_code == 204
    assert client.get(f"/v1/beliefs/{belief['id']}", headers=tenant.headers()).status_code == 404
