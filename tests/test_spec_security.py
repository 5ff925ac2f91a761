"""What the spec promises for Spectral's OWASP rules (.spectral.yaml) is what the service does.

- No CORS: the rule asking for `Access-Control-Allow-Origin` is off because the service sends
  none (a server-to-server API); check that it really sends none.
- The RateLimit fields are documented on exactly the responses that carry them.
- The bounds the spec adds are enforced: a `date-time` is at most 40 characters, and a
  problem body stays bounded whatever the request (`maxItems` / `maxLength` of `Problem`).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api.openapi import RATE_LIMIT_HEADERS, REFUSED_BEFORE_AUTHENTICATION, SPEC_PATH
from service.api.ratelimit import RateLimiter
from service.errors import (
    MAX_FIELD_ERRORS,
    MAX_FIELD_LENGTH,
    MAX_INSTANCE_LENGTH,
)
from service.types import MAX_TIMESTAMP_LENGTH
from tests.conftest import Tenant

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
FIELDS = set(RATE_LIMIT_HEADERS)


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return dict(json.loads(SPEC_PATH.read_text(encoding="utf-8")))


def _lowercase(names: set[str]) -> set[str]:
    return {name.lower() for name in names}


# --- CORS ------------------------------------------------------------------------------


def test_no_cors_headers_are_sent(client: TestClient, tenant: Tenant) -> None:
    origin = {"Origin": "https://attacker.example"}
    preflight = client.options(
        "/v1/people", headers={**origin, "Access-Control-Request-Method": "GET"}
    )
    simple = client.get("/v1/people", headers=tenant.headers(**origin))
    unauthenticated = client.get("/v1/people", headers=origin)
    assert preflight.status_code == 405
    assert simple.status_code == 200
    for response in (preflight, simple, unauthenticated):
        cors = [name for name in response.headers if name.lower().startswith("access-control-")]
        assert cors == [], response.headers


# --- RateLimit fields --------------------------------------------------------------------


def test_the_documented_fields_are_those_the_limiter_sends() -> None:
    assert set(RateLimiter(per_minute=10, burst=5).check("org_x")) == FIELDS


def test_every_response_after_the_key_check_documents_the_rate_limit_fields(
    spec: dict[str, Any],
) -> None:
    assert set(spec["components"]["headers"]) >= FIELDS
    checked = 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS or not operation.get("security"):
                continue
            for code, response in operation["responses"].items():
                status = int(code)
                documented = FIELDS & set(response.get("headers", {}))
                label = f"{method.upper()} {path} → {code}"
                if status // 100 not in (2, 4):
                    continue
                if status in REFUSED_BEFORE_AUTHENTICATION:
                    assert not documented, f"{label}: never sent, yet documented"
                else:
                    assert documented == FIELDS, f"{label}: {sorted(documented)}"
                    checked += 1
    assert checked > 100


def test_the_rate_limit_fields_are_sent_where_documented(
    client: TestClient, tenant: Tenant
) -> None:
    person = {"external_id": "E-1", "display_name": "Ada"}
    sent = {
        201: client.post("/v1/people", json=person, headers=tenant.headers()),
        200: client.get("/v1/people", headers=tenant.headers()),
        403: client.get("/v1/api-keys", headers=tenant.headers("read")),
        404: client.get("/v1/people/per_01JD5ZQ8W4M3KXHNB7T2C9V6RE", headers=tenant.headers()),
        422: client.get("/v1/people?limit=0", headers=tenant.headers()),
    }
    # Issue 10: the key and its scope come first, so these are counted too.
    json_body = tenant.headers(**{"Content-Type": "application/json"})
    sent |= {
        400: client.post("/v1/people", content=b"{", headers=json_body),
        413: client.post("/v1/people", content=b" " * (2 * 1024 * 1024 + 1), headers=json_body),
        415: client.post(
            "/v1/people", content=b"x", headers=tenant.headers(**{"Content-Type": "text/plain"})
        ),
        428: client.patch("/v1/organization", json={}, headers=tenant.headers()),
    }
    for status, response in sent.items():
        assert response.status_code == status, response.text
        assert _lowercase(FIELDS) <= set(response.headers), status

    refused = {401: client.get("/v1/people")}
    assert set(refused) == REFUSED_BEFORE_AUTHENTICATION
    for status, response in refused.items():
        assert response.status_code == status, response.text
        assert not _lowercase(FIELDS) & set(response.headers), status


# --- bounds ------------------------------------------------------------------------------


def test_a_timestamp_is_at_most_its_documented_length(client: TestClient, tenant: Tenant) -> None:
    longest = "2025-01-31T09:30:00." + "1" * (MAX_TIMESTAMP_LENGTH - 26) + "+01:00"
    assert len(longest) == MAX_TIMESTAMP_LENGTH
    ok = client.get("/v1/people", params={"updated_since": longest}, headers=tenant.headers())
    assert ok.status_code == 200, ok.text
    too_long = longest.replace(".", ".1", 1)
    refused = client.get("/v1/people", params={"updated_since": too_long}, headers=tenant.headers())
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "query.updated_since"


def test_a_problem_body_stays_bounded(client: TestClient, tenant: Tenant) -> None:
    # Issue 10: at most 256 members per object (more → 400), at most 100 errors listed.
    body = {"x" * 5000: 1, **{f"unknown_{i}": 1 for i in range(250)}}
    response = client.post("/v1/people", json=body, headers=tenant.headers())
    assert response.status_code == 422
    problem = response.json()
    assert len(problem["errors"]) == 100 < MAX_FIELD_ERRORS
    assert "The first 100 are listed" in problem["detail"]
    assert all(len(e["field"]) <= MAX_FIELD_LENGTH for e in problem["errors"])

    long_path = "/v1/" + "a" * 5000
    not_found = client.get(long_path, headers=tenant.headers())
    assert not_found.status_code == 404
    instance = not_found.json()["instance"]
    assert len(instance) == MAX_INSTANCE_LENGTH
    assert long_path.startswith(instance[:-1])
