from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from tests.conftest import Tenant

BODY = {"external_id": "E-1", "display_name": "Ada"}


def people_count(client: TestClient, tenant: Tenant) -> int:
    return len(client.get("/v1/people", headers=tenant.headers()).json()["data"])


def test_same_key_same_body_replays(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers(**{"Idempotency-Key": "abc"})
    first = client.post("/v1/people", json=BODY, headers=headers)
    second = client.post("/v1/people", json=BODY, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["idempotent-replayed"] == "true"
    assert people_count(client, tenant) == 1


def test_same_key_other_body_is_422(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers(**{"Idempotency-Key": "abc"})
    assert client.post("/v1/people", json=BODY, headers=headers).status_code == 201
    other = client.post("/v1/people", json={**BODY, "display_name": "Bo"}, headers=headers)
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert people_count(client, tenant) == 1


def test_keys_are_per_organization(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    a = client.post("/v1/people", json=BODY, headers=tenant.headers(**{"Idempotency-Key": "k"}))
    b = client.post(
        "/v1/people", json=BODY, headers=other_tenant.headers(**{"Idempotency-Key": "k"})
    )
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


def test_failed_request_is_not_recorded(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers(**{"Idempotency-Key": "retry-me"})
    bad = client.post(
        "/v1/people", json={**BODY, "manager_id": "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"}, headers=headers
    )
    assert bad.status_code == 422
    fixed = client.post(
        "/v1/people", json={**BODY, "manager_id": "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"}, headers=headers
    )
    assert fixed.status_code == 422  # still invalid, and still not recorded
    good = client.post("/v1/people", json=BODY, headers=tenant.headers(**{"Idempotency-Key": "x"}))
    assert good.status_code == 201


def test_key_longer_than_255_is_422(client: TestClient, tenant: Tenant) -> None:
    response = client.post(
        "/v1/people", json=BODY, headers=tenant.headers(**{"Idempotency-Key": "k" * 256})
    )
    assert response.status_code == 422
    assert people_count(client, tenant) == 0


def test_concurrent_requests_with_one_key_create_one_row(
    client: TestClient, tenant: Tenant
) -> None:
    headers = tenant.headers(**{"Idempotency-Key": "burst"})

    def post(_: int) -> tuple[int, str | None]:
        response = client.post("/v1/people", json=BODY, headers=headers)
        return response.status_code, response.json().get("id")

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(post, range(30)))
    statuses = sorted({status for status, _ in results})
    assert set(statuses) <= {201, 409}, results
    created_ids = {pid for status, pid in results if status == 201}
    assert len(created_ids) == 1
    assert people_count(client, tenant) == 1
