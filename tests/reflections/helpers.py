"""Small API helpers shared by the reflection tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import Tenant


def person(client: TestClient, tenant: Tenant, external_id: str = "L-1") -> str:
    response = client.post(
        "/v1/people",
        json={"external_id": external_id, "display_name": f"Leader {external_id}"},
        headers=tenant.headers("write"),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def belief(
    client: TestClient, tenant: Tenant, leader_id: str, statement: str, status: str = "active"
) -> str:
    response = client.post(
        f"/v1/leaders/{leader_id}/beliefs",
        json={"statement": statement, "status": status},
        headers=tenant.headers("write"),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def retire(client: TestClient, tenant: Tenant, belief_id: str) -> None:
    etag = client.get(f"/v1/beliefs/{belief_id}", headers=tenant.headers()).headers["etag"]
    response = client.patch(
        f"/v1/beliefs/{belief_id}",
        json={"status": "retired"},
        headers=tenant.headers("write", **{"If-Match": etag}),
    )
    assert response.status_code == 200, response.text


def start(client: TestClient, tenant: Tenant, leader_id: str, **body: Any) -> Response:
    payload = {"period_start": "2026-01-01", "period_end": "2026-03-31", **body}
    return client.post(
        f"/v1/leaders/{leader_id}/reflections", json=payload, headers=tenant.headers("write")
    )


def created(client: TestClient, tenant: Tenant, leader_id: str, **body: Any) -> dict[str, Any]:
    response = start(client, tenant, leader_id, **body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def etag(client: TestClient, tenant: Tenant, path: str) -> str:
    response = client.get(path, headers=tenant.headers())
    assert response.status_code == 200, response.text
    return str(response.headers["etag"])


def patch(client: TestClient, tenant: Tenant, reflection_id: str, **body: Any) -> Response:
    path = f"/v1/reflections/{reflection_id}"
    tag = etag(client, tenant, path)
    return client.patch(path, json=body, headers=tenant.headers("write", **{"If-Match": tag}))


def submit(client: TestClient, tenant: Tenant, reflection_id: str) -> Response:
    return client.post(f"/v1/reflections/{reflection_id}/submit", headers=tenant.headers("write"))


def rated(reflection: dict[str, Any], alignment: int = 4) -> list[dict[str, Any]]:
    """The reflection's entries, every one filled in."""
    return [
        {"belief_id": e["belief_id"], "alignment": alignment, "evidence": "Did it."}
        for e in reflection["entries"]
    ]


def prompts(client: TestClient, tenant: Tenant, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/v1/reflection-prompts", params=params, headers=tenant.headers())
    assert response.status_code == 200, response.text
    return list(response.json()["data"])
