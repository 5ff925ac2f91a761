from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Tenant

ANSWERS = {"trust": 5, "greater_good": 4, "want_to_follow": 4, "leaned_on": 5}


def person(client: TestClient, tenant: Tenant, external_id: str) -> str:
    r = client.post(
        "/v1/people",
        json={"external_id": external_id, "display_name": external_id},
        headers=tenant.headers(),
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def campaign(
    client: TestClient, tenant: Tenant, leader: str, respondents: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    r = client.post(
        "/v1/feedback-requests",
        json={"leader_id": leader, "respondents": respondents, **extra},
        headers=tenant.headers("write"),
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def answer(client: TestClient, token: str, **body: Any) -> Any:
    return client.post(
        "/v1/feedback-responses",
        json={"answers": ANSWERS, **body},
        headers={"Authorization": f"Bearer {token}"},
    )
