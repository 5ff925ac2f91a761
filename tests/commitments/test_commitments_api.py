from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Tenant

ANOTHER_BELIEF = "blf_01JD5ZQ8W4M3KXHNB7T2C9V6ZZ"


def person(client: TestClient, tenant: Tenant, external_id: str = "L-1") -> str:
    response = client.post(
        "/v1/people",
        json={"external_id": external_id, "display_name": "Ada"},
        headers=tenant.headers("write"),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def belief(client: TestClient, tenant: Tenant, leader_id: str) -> str:
    response = client.post(
        f"/v1/leaders/{leader_id}/beliefs",
        json={"statement": "Trust is given first.", "status": "active"},
        headers=tenant.headers("write"),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def create(client: TestClient, tenant: Tenant, leader_id: str, **body: Any) -> Any:
    payload = {
        "statement": "Share the priorities in every team meeting.",
        "for_whom": ["employees"],
        "due_on": "2026-06-30",
        **body,
    }
    return client.post(
        f"/v1/leaders/{leader_id}/commitments", json=payload, headers=tenant.headers("write")
    )


def made(client: TestClient, tenant: Tenant, leader_id: str, **body: Any) -> dict[str, Any]:
    response = create(client, tenant, leader_id, **body)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/v1/commitments/{response.json()['id']}"
    assert response.headers["etag"] == '"1"'
    return dict(response.json())


def patch(client: TestClient, tenant: Tenant, commitment: dict, etag: str | None, **body: Any):
    headers = tenant.headers("write", **({"If-Match": etag} if etag else {}))
    return client.patch(f"/v1/commitments/{commitment['id']}", json=body, headers=headers)


def listed(client: TestClient, tenant: Tenant, leader_id: str, **params: Any) -> list[str]:
    response = client.get(
        f"/v1/leaders/{leader_id}/commitments", params=params, headers=tenant.headers("read")
    )
    assert response.status_code == 200, response.text
    return [c["id"] for c in response.json()["data"]]


def test_create_read_revise_and_revisions(client: TestClient, tenant: Tenant) -> None:
    leader = person(client, tenant)
    blf = belief(client, tenant, leader)
    commitment = made(client, tenant, leader, links={"belief_ids": [blf]}, note="Heard it.")
    assert commitment["id"].startswith("cmt_")
    assert (commitment["status"], commitment["revision"]) == ("planned", 1)
    assert commitment["links"]["belief_ids"] == [blf]
    assert [(u["status"], u["note"]) for u in commitment["updates"]] == [("planned", "Heard it.")]

    read = client.get(f"/v1/commitments/{commitment['id']}", headers=tenant.headers("read"))
    assert read.status_code == 200 and read.headers["etag"] == '"1"'
    assert read.json() == commitment

    assert patch(client, tenant, commitment, None, statement="x").status_code == 428
    assert patch(client, tenant, commitment, '"7"', statement="x").status_code == 412
    first = patch(client, tenant, commitment, '"1"', status="in_progress", note="Started.")
    assert first.status_code == 200, first.text
    assert first.headers["etag"] == '"2"'
    second = patch(client, tenant, commitment, '"2"', due_on="2026-09-30")
    assert second.json()["revision"] == 3
    assert [(u["status"], u["note"]) for u in second.json()["updates"]] == [
        ("planned", "Heard it."),
        ("in_progress", "Started."),
    ]
    revisions = client.get(
        f"/v1/commitments/{commitment['id']}/revisions", headers=tenant.headers("read")
    )
    assert [(r["revision"], r["status"], r["due_on"]) for r in revisions.json()["data"]] == [
        (1, "planned", "2026-06-30"),
        (2, "in_progress", "2026-06-30"),
        (3, "in_progress", "2026-09-30"),
    ]


def test_transitions(client: TestClient, tenant: Tenant) -> None:
    leader = person(client, tenant)
    started = create(client, tenant, leader, status="done")
    assert started.status_code == 409
    assert started.json()["type"].endswith("/commitment-transition-not-allowed")
    commitment = made(client, tenant, leader)
    skip = patch(client, tenant, commitment, '"1"', status="done")
    assert skip.status_code == 409
    assert skip.json()["type"].endswith("/commitment-transition-not-allowed")
    alone = patch(client, tenant, commitment, '"1"', note="Only a note.")
    assert alone.status_code == 422
    assert patch(client, tenant, commitment, '"1"', status="in_progress").status_code == 200
    done = patch(client, tenant, commitment, '"2"', status="done", note="Done.")
    assert done.status_code == 200
    assert [u["status"] for u in done.json()["updates"]] == ["planned", "in_progress", "done"]
    final = patch(client, tenant, commitment, '"3"', statement="Reopened")
    assert final.status_code == 409
    assert "final" in final.json()["detail"]
    dropped = made(client, tenant, leader)
    assert patch(client, tenant, dropped, '"1"', status="dropped").status_code == 200


def test_links_must_be_the_leaders(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    ada = person(client, tenant, "A")
    bo = person(client, tenant, "B")
    bos = belief(client, tenant, bo)
    foreign = belief(client, other_tenant, person(client, other_tenant, "X"))
    for links in (
        {"belief_ids": [bos]},
        {"belief_ids": [foreign]},
        {"belief_ids": [ANOTHER_BELIEF]},
        {
            "gaps": [
                {"belief_id": belief(client, tenant, ada), "period_start": "2026-01-01T00:00:00Z"}
            ]
        },
        {
            "reflection_entries": [
                {"reflection_id": "rfl_01JD5ZQ8W4M3KXHNB7T2C9V6ZZ", "belief_id": bos}
            ]
        },
        {
            "themes": [
                {
                    "period_start": "2026-01-01T00:00:00Z",
                    "kind": "needs",
                    "key": "clarity",
                    "stakeholder": "employees",
                }
            ]
        },
    ):
        response = create(client, tenant, ada, links=links)
        assert response.status_code == 422, (links, response.text)
        assert response.json()["type"].endswith("/invalid-reference")
    assert listed(client, tenant, ada) == []
    events = client.get(
        "/v1/events", params={"type": "commitment.created"}, headers=tenant.headers()
    )
    assert events.json()["data"] == []
    commitment = made(client, tenant, ada)
    refused = patch(client, tenant, commitment, '"1"', links={"belief_ids": [bos]})
    assert refused.status_code == 422
    again = client.get(f"/v1/commitments/{commitment['id']}", headers=tenant.headers())
    assert again.json()["revision"] == 1 and again.json()["links"]["belief_ids"] == []
    assert create(client, tenant, ada, for_whom=[]).status_code == 422
    assert create(client, tenant, ada, for_whom=["employees", "employees"]).status_code == 422


def test_list_filters_and_pages(client: TestClient, tenant: Tenant) -> None:
    ada = person(client, tenant, "A")
    bo = person(client, tenant, "B")
    first = made(client, tenant, ada)
    second = made(client, tenant, ada, status="in_progress")
    made(client, tenant, bo)
    assert listed(client, tenant, ada) == [first["id"], second["id"]]
    assert listed(client, tenant, ada, status="in_progress") == [second["id"]]
    page = client.get(
        f"/v1/leaders/{ada}/commitments", params={"limit": 1}, headers=tenant.headers()
    ).json()
    assert listed(client, tenant, ada, limit=1, cursor=page["next_cursor"]) == [second["id"]]
    assert listed(client, tenant, ada, updated_since="2999-01-01T00:00:00Z") == []
    assert len(listed(client, tenant, ada, updated_since=first["created_at"])) == 2
    unknown = client.get(
        "/v1/leaders/per_01JD5ZQ8W4M3KXHNB7T2C9V6ZZ/commitments", headers=tenant.headers()
    )
    assert unknown.status_code == 404


def test_idempotent_create(client: TestClient, tenant: Tenant) -> None:
    ada = person(client, tenant)
    body = {"statement": "Ask every supplier.", "for_whom": ["suppliers"], "due_on": "2026-06-30"}
    headers = tenant.headers("write", **{"Idempotency-Key": "cmt-1"})
    one = client.post(f"/v1/leaders/{ada}/commitments", json=body, headers=headers)
    two = client.post(f"/v1/leaders/{ada}/commitments", json=body, headers=headers)
    assert one.status_code == two.status_code == 201
    assert one.json() == two.json()
    assert len(listed(client, tenant, ada)) == 1
    other = client.post(
        f"/v1/leaders/{ada}/commitments", json={**body, "statement": "Else."}, headers=headers
    )
    assert other.status_code == 422


def test_events_carry_ids_only(client: TestClient, tenant: Tenant) -> None:
    ada = person(client, tenant)
    commitment = made(client, tenant, ada)
    patch(client, tenant, commitment, '"1"', status="in_progress", note="Secret plan text")
    deleted = client.delete(
        f"/v1/commitments/{commitment['id']}", headers=tenant.headers(**{"If-Match": '"2"'})
    )
    assert deleted.status_code == 204
    assert (
        client.get(f"/v1/commitments/{commitment['id']}", headers=tenant.headers()).status_code
        == 404
    )
    events = client.get("/v1/events", params={"limit": 100}, headers=tenant.headers()).json()
    mine = [e for e in events["data"] if e["type"].startswith("commitment.")]
    assert [(e["type"], e["data"]) for e in mine] == [
        ("commitment.created", {"id": commitment["id"], "leader_id": ada, "version": 1}),
        ("commitment.updated", {"id": commitment["id"], "leader_id": ada, "version": 2}),
        ("commitment.deleted", {"id": commitment["id"], "leader_id": ada}),
    ]


def _reflection(client: TestClient, tenant: Tenant, leader: str, blf: str, **entry: Any) -> str:
    today = client.get(f"/v1/people/{leader}", headers=tenant.headers()).json()["created_at"][:10]
    body = {
        "period_start": today,
        "period_end": today,
        "scope": "self",
        "entries": [{"belief_id": blf, "alignment": 3, **entry}],
    }
    response = client.post(f"/v1/leaders/{leader}/reflections", json=body, headers=tenant.headers())
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_a_reflection_entrys_next_step_becomes_a_commitment(
    client: TestClient, tenant: Tenant
) -> None:
    ada = person(client, tenant)
    blf = belief(client, tenant, ada)
    reflection = _reflection(client, tenant, ada, blf, next_step="Ask the team weekly.")
    url = f"/v1/reflections/{reflection}/entries/{blf}/commitment"
    body = {"for_whom": ["employees"], "due_on": "2026-05-31"}
    response = client.post(url, json=body, headers=tenant.headers("write"))
    assert response.status_code == 201, response.text
    commitment = response.json()
    assert (commitment["statement"], commitment["status"]) == ("Ask the team weekly.", "planned")
    assert commitment["links"]["belief_ids"] == [blf]
    assert commitment["links"]["reflection_entries"] == [
        {"reflection_id": reflection, "belief_id": blf}
    ]
    # The link it made is one a create accepts too.
    assert create(client, tenant, ada, links=commitment["links"]).status_code == 201

    other = belief(client, tenant, ada)
    missing = client.post(
        f"/v1/reflections/{reflection}/entries/{other}/commitment",
        json=body,
        headers=tenant.headers(),
    )
    assert missing.status_code == 404
    empty = _reflection(client, tenant, ada, blf)
    refused = client.post(
        f"/v1/reflections/{empty}/entries/{blf}/commitment", json=body, headers=tenant.headers()
    )
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("/entry-without-next-step")
    assert len(listed(client, tenant, ada)) == 2


def test_erasing_a_leader_removes_their_commitments(client: TestClient, tenant: Tenant) -> None:
    ada = person(client, tenant)
    commitment = made(client, tenant, ada, status="in_progress")
    response = client.delete(f"/v1/people/{ada}", headers=tenant.headers(**{"If-Match": '"1"'}))
    assert response.status_code == 204
    gone = client.get(f"/v1/commitments/{commitment['id']}", headers=tenant.headers())
    assert gone.status_code == 404
    events = client.get(
        "/v1/events", params={"type": "commitment.deleted"}, headers=tenant.headers()
    ).json()["data"]
    assert [e["data"] for e in events] == [{"id": commitment["id"]}]


def test_reads_need_read_and_writes_write(client: TestClient, tenant: Tenant) -> None:
    ada = person(client, tenant)
    commitment = made(client, tenant, ada)
    body = {"statement": "x", "for_whom": ["other"], "due_on": "2026-06-30"}
    refused = client.post(
        f"/v1/leaders/{ada}/commitments", json=body, headers=tenant.headers("read")
    )
    assert refused.status_code == 403
    change = client.patch(
        f"/v1/commitments/{commitment['id']}",
        json={"statement": "y"},
        headers=tenant.headers("read", **{"If-Match": '"1"'}),
    )
    assert change.status_code == 403
    assert listed(client, tenant, ada) == [commitment["id"]]
