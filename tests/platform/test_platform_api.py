"""Tenants over HTTP: a platform key onboards and offboards customer organizations, and the
keys of the two kinds never reach each other's operations or data."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Tenant

ORGS = "/v1/platform/organizations"


def _bearer(key: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **extra}


def _onboard(client: TestClient, platform_key: str, name: str) -> dict:
    response = client.post(
        ORGS,
        json={"name": name, "admin_key_name": "Integration"},
        headers=_bearer(platform_key, **{"Idempotency-Key": uuid.uuid4().hex}),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"{ORGS}/{body['organization']['id']}"
    return body


def test_one_call_creates_an_organization_whose_admin_key_works_at_once(
    client: TestClient, platform_key: str
) -> None:
    created = _onboard(client, platform_key, "Acme AB")
    org, key = created["organization"], created["admin_key"]
    assert org["name"] == "Acme AB" and org["deactivated_at"] is None
    assert key["scopes"] == ["admin"] and key["name"] == "Integration"
    admin = _bearer(key["key"])
    mine = client.get("/v1/organization", headers=admin)
    assert mine.status_code == 200 and mine.json()["id"] == org["id"]
    assert mine.json()["settings"]["language"] == "en"  # the default, as every setting
    person = client.post(
        "/v1/people", json={"external_id": "E-1", "display_name": "Ada"}, headers=admin
    )
    assert person.status_code == 201, person.text
    assert len(client.get("/v1/reflection-prompts", headers=admin).json()["data"]) > 0
    listed = client.get(ORGS, headers=_bearer(platform_key)).json()["data"]
    assert [o["id"] for o in listed] == [org["id"]]  # the platform's own is never listed


def test_a_replayed_onboarding_creates_nothing_and_never_shows_the_key_again(
    client: TestClient, platform_key: str
) -> None:
    headers = _bearer(platform_key, **{"Idempotency-Key": "onboard-acme"})
    first = client.post(ORGS, json={"name": "Acme AB"}, headers=headers)
    again = client.post(ORGS, json={"name": "Acme AB"}, headers=headers)
    assert first.status_code == 201 and again.status_code == 409
    assert first.json()["admin_key"]["key"] not in again.text
    assert len(client.get(ORGS, headers=_bearer(platform_key)).json()["data"]) == 1


def test_deactivation_stops_every_key_of_the_organization_at_once(
    client: TestClient, platform_key: str
) -> None:
    created = _onboard(client, platform_key, "Leaving AB")
    org_id, admin = created["organization"]["id"], _bearer(created["admin_key"]["key"])
    assert client.get("/v1/organization", headers=admin).status_code == 200
    response = client.post(f"{ORGS}/{org_id}/deactivate", headers=_bearer(platform_key))
    assert response.status_code == 200 and response.json()["deactivated_at"] is not None
    assert client.get("/v1/organization", headers=admin).status_code == 401
    assert client.get(ORGS, headers=_bearer(platform_key)).json()["data"] == []
    everyone = client.get(f"{ORGS}?include_deactivated=true", headers=_bearer(platform_key))
    assert [o["id"] for o in everyone.json()["data"]] == [org_id]
    again = client.post(f"{ORGS}/{org_id}/deactivate", headers=_bearer(platform_key))
    assert again.status_code == 200
    assert again.json()["deactivated_at"] == response.json()["deactivated_at"]


@pytest.mark.parametrize("scope", ["admin", "write", "read", "feedback:submit"])
def test_an_organization_key_never_reaches_the_platform_operations(
    client: TestClient, tenant: Tenant, scope: str
) -> None:
    headers = tenant.headers(scope)
    assert client.get(ORGS, headers=headers).status_code == 403
    assert client.post(ORGS, json={"name": "Sneaky"}, headers=headers).status_code == 403
    path = f"{ORGS}/{tenant.org_id}"
    assert client.get(path, headers=headers).status_code == 403
    assert client.post(f"{path}/deactivate", headers=headers).status_code == 403
    assert client.get("/v1/organization", headers=tenant.headers()).status_code == 200


def test_a_platform_key_reads_no_organization_data(
    client: TestClient, platform_key: str, tenant: Tenant
) -> None:
    person = client.post(
        "/v1/people", json={"external_id": "E-1", "display_name": "Ada"}, headers=tenant.headers()
    ).json()
    key = _bearer(platform_key)
    for path in ("/v1/people", f"/v1/people/{person['id']}", "/v1/organization",
                 "/v1/api-keys", "/v1/trust-scores", "/v1/beliefs"):  # fmt: skip
        assert client.get(path, headers=key).status_code == 403, path
    # It sees the organization exists, and nothing of what is inside it.
    seen = client.get(f"{ORGS}/{tenant.org_id}", headers=key).json()
    assert set(seen) == {
        "id",
        "name",
        "revision",
        "created_at",
        "updated_at",
        "deactivated_at",
        "sandbox",
    }


def test_no_organization_key_can_be_given_the_platform_scope(
    client: TestClient, tenant: Tenant
) -> None:
    response = client.post(
        "/v1/api-keys", json={"name": "Escalate", "scopes": ["platform"]}, headers=tenant.headers()
    )
    assert response.status_code == 422
    response = client.post(
        "/v1/api-keys",
        json={"name": "Escalate", "scopes": ["admin", "platform"]},
        headers=tenant.headers(),
    )
    assert response.status_code == 422


def test_an_organization_created_over_http_is_isolated_from_the_others(
    client: TestClient, platform_key: str, tenant: Tenant
) -> None:
    theirs = client.post(
        "/v1/people", json={"external_id": "E-9", "display_name": "Bo"}, headers=tenant.headers()
    ).json()
    admin = _bearer(_onboard(client, platform_key, "New AB")["admin_key"]["key"])
    assert client.get(f"/v1/people/{theirs['id']}", headers=admin).status_code == 404
    assert client.get("/v1/people", headers=admin).json()["data"] == []
    unknown = f"{ORGS}/org_01JD5ZQ8W4M3KXHNB7T2C9V6RE"
    assert client.get(unknown, headers=_bearer(platform_key)).status_code == 404
