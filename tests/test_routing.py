"""Authentication, then the route's scope, before anything else (issue 10, finding 2):
an unauthenticated request's body is never read; 401 comes before 400, 413, 415 and 428,
and 403 before them and before validation and idempotency; requests without a valid key
are rate limited per client address."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from service.api.app import create_app
from service.settings import Settings
from tests.conftest import Tenant, make_tenant

NESTED = b"[" * 900_000 + b"]" * 900_000  # 1.8 MB of nested arrays


def call(
    app: FastAPI, method: str, path: str, headers: dict[str, str], body: bytes
) -> tuple[int, bool, float]:
    """Call the ASGI app directly: (status, whether the body was read at all, seconds)."""
    read = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        read = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    headers = {"Content-Length": str(len(body)), **headers} if body else headers
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("203.0.113.9", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    started = time.perf_counter()
    asyncio.run(app(scope, receive, send))
    return status, read, time.perf_counter() - started


JSON = {"Content-Type": "application/json"}


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(
    ("method", "path", "headers", "body"),
    [
        ("POST", "/v1/people", JSON, NESTED),  # would be 400 (too deep)
        ("POST", "/v1/people", {"Content-Type": "text/plain"}, b"x"),  # would be 415
        ("POST", "/v1/people", {**JSON, "Content-Length": str(10**9)}, b"{}"),  # would be 413
        ("PATCH", "/v1/organization", JSON, b"{}"),  # would be 428
        ("POST", "/v1/people", JSON, b"{not json"),  # would be 400
        ("POST", "/v1/people", {**JSON, "Authorization": "Bearer csk_nonsense"}, NESTED),
    ],
    ids=["nested", "415", "413", "428", "400", "malformed-key"],
)
def test_unauthenticated_is_401_without_reading_the_body(
    app: FastAPI, method: str, path: str, headers: dict[str, str], body: bytes
) -> None:
    status, read, seconds = call(app, method, path, headers, body)
    assert status == 401
    assert not read, "the body of an unauthenticated request was read"
    assert seconds < 0.5, seconds  # parsing 1.8 MB of arrays took 1.5 s before


def test_a_key_without_the_scope_is_403_before_anything_else(app: FastAPI, tenant: Tenant) -> None:
    auth = {"Authorization": f"Bearer {tenant.keys['read']}"}
    cases = [
        ("POST", "/v1/people", {**JSON, **auth}, NESTED),
        ("POST", "/v1/people", {"Content-Type": "text/plain", **auth}, b"x"),
        ("POST", "/v1/people", {**JSON, **auth, "Content-Length": str(10**9)}, b"{}"),
        ("PATCH", "/v1/organization", {**JSON, **auth}, b"{}"),
        ("POST", "/v1/people", {**JSON, **auth}, b'{"unknown": 1}'),  # would be 422
    ]
    for method, path, headers, body in cases:
        status, read, _ = call(app, method, path, headers, body)
        assert (status, read) == (403, False), (method, path, headers)


def test_with_the_scope_the_checks_follow_in_order(app: FastAPI, tenant: Tenant) -> None:
    auth = {"Authorization": f"Bearer {tenant.keys['admin']}"}
    assert call(app, "POST", "/v1/people", {"Content-Type": "text/plain", **auth}, b"x")[:2] == (
        415,
        False,
    )
    big = {**JSON, **auth, "Content-Length": str(10**9)}
    assert call(app, "POST", "/v1/people", big, b"{}")[:2] == (413, False)
    assert call(app, "PATCH", "/v1/organization", {**JSON, **auth}, b"{}")[:2] == (428, False)
    status, read, seconds = call(app, "POST", "/v1/people", {**JSON, **auth}, NESTED)
    assert (status, read) == (400, True) and seconds < 0.5


@pytest.fixture
def limited(database_url: str, db: Engine) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, rate_limit_per_minute=3, rate_limit_burst=0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def test_requests_without_a_valid_key_are_limited_per_client_address(
    limited: TestClient, db: Engine
) -> None:
    statuses = [limited.get("/v1/people").status_code for _ in range(3)]
    bad_key = {"Authorization": "Bearer csk_" + "0" * 26 + "_" + "0" * 26 + "_" + "0" * 40}
    refused = limited.get("/v1/people", headers=bad_key)
    assert statuses == [401, 401, 401]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "client address" in refused.json()["detail"]
    # An organization's own key is counted against the organization, not the address.
    tenant = make_tenant(db, "Keyed Ltd")
    assert limited.get("/v1/people", headers=tenant.headers()).status_code == 200
