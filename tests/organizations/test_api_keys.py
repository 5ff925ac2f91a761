from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.api_keys.models import ApiKey
from tests.conftest import Tenant


def test_key_shown_once_and_stored_hashed(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    response = client.post(
        "/v1/api-keys", json={"name": "sync", "scopes": ["read"]}, headers=tenant.headers()
    )
    assert response.status_code == 201, response.text
    body = response.json()
    token = body["key"]
    assert token.startswith("csk_")
    secret = token.rsplit("_", 1)[1]
    assert len(secret) * 4 >= 128  # hex: 4 bits a character
    stored = session.scalars(select(ApiKey).where(ApiKey.id == body["id"])).one()
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(stored.__dict__)
    session.rollback()  # release SQLite's lock before the next request
    listed = client.get("/v1/api-keys", headers=tenant.headers()).json()["data"]
    assert all("key" not in k for k in listed)
    assert token not in client.get(f"/v1/api-keys/{body['id']}", headers=tenant.headers()).text


def test_scopes(client: TestClient, tenant: Tenant) -> None:
    read_only = tenant.headers("read")
    assert client.get("/v1/people", headers=read_only).status_code == 200
    denied = client.post(
        "/v1/people", json={"external_id": "x", "display_name": "x"}, headers=read_only
    )
    assert denied.status_code == 403
    assert denied.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/api-keys", headers=tenant.headers("write")).status_code == 403
    assert client.get("/v1/api-keys", headers=tenant.headers("admin")).status_code == 200


def test_revocation_is_immediate(client: TestClient, tenant: Tenant) -> None:
    created = client.post(
        "/v1/api-keys", json={"name": "temp", "scopes": ["read"]}, headers=tenant.headers()
    ).json()
    bearer = {"Authorization": f"Bearer {created['key']}"}
    assert client.get("/v1/people", headers=bearer).status_code == 200
    revoked = client.post(f"/v1/api-keys/{created['id']}/revoke", headers=tenant.headers())
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    response = client.get("/v1/people", headers=bearer)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_bad_credentials_are_401(client: TestClient, tenant: Tenant) -> None:
    wrong_secret = tenant.admin_key[:-4] + "0000"
    for headers in (
        {},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": f"Bearer {wrong_secret}"},
        {"Authorization": f"Basic {tenant.admin_key}"},
    ):
        response = client.get("/v1/people", headers=headers)
        assert response.status_code == 401, headers
        assert "www-authenticate" in response.headers
        assert response.json()["status"] == 401


def test_replaying_a_key_creation_does_not_reveal_the_key(
    client: TestClient, tenant: Tenant
) -> None:
    headers = tenant.headers(**{"Idempotency-Key": "k-1"})
    first = client.post("/v1/api-keys", json={"name": "a", "scopes": ["read"]}, headers=headers)
    assert first.status_code == 201
    again = client.post("/v1/api-keys", json={"name": "a", "scopes": ["read"]}, headers=headers)
    assert again.status_code == 409
    assert first.json()["key"] not in again.text
    listed = client.get("/v1/api-keys", headers=tenant.headers()).json()["data"]
    assert len([k for k in listed if k["name"] == "a"]) == 1


def test_a_key_can_ask_who_it_is(client: TestClient, tenant: Tenant) -> None:
    response = client.get("/v1/api-keys/current", headers=tenant.headers("read"))
    assert response.status_code == 200, response.text
    me = response.json()
    assert me["organization_id"] == tenant.org_id
    assert me["scopes"] == ["read"]
    assert me["name"] == "read key"
    assert tenant.keys["read"].split("_")[2] == me["id"].removeprefix("key_")
    assert "key" not in me  # never the secret
    assert client.get("/v1/api-keys/current").status_code == 401


def test_the_last_active_admin_key_cannot_be_revoked(client: TestClient, tenant: Tenant) -> None:
    me = client.get("/v1/api-keys/current", headers=tenant.headers("admin")).json()
    refused = client.post(f"/v1/api-keys/{me['id']}/revoke", headers=tenant.headers("admin"))
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert "last active admin key" in refused.json()["detail"]
    assert client.get("/v1/api-keys", headers=tenant.headers("admin")).status_code == 200
    # With a second admin key, the first can go; then the second is the last one.
    second = client.post(
        "/v1/api-keys", json={"name": "second", "scopes": ["admin"]}, headers=tenant.headers()
    ).json()
    revoked = client.post(f"/v1/api-keys/{me['id']}/revoke", headers=tenant.headers("admin"))
    assert revoked.status_code == 200
    auth = {"Authorization": f"Bearer {second['key']}"}
    last = client.post(f"/v1/api-keys/{second['id']}/revoke", headers=auth)
    assert last.status_code == 409
    # Keys without the admin scope are revoked as before.
    other = client.get("/v1/api-keys/current", headers=tenant.headers("write")).json()
    assert client.post(f"/v1/api-keys/{other['id']}/revoke", headers=auth).status_code == 200
