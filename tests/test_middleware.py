"""Shared HTTP behaviour: problem+json for the framework's own errors, headers, limits."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Tenant

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= body.keys()
    assert body["status"] == status
    return body


def test_security_headers_and_request_id_on_every_response(
    client: TestClient, tenant: Tenant
) -> None:
    for response in (
        client.get("/livez"),
        client.get("/v1/people", headers=tenant.headers()),
        client.get("/v1/nothing-here"),
    ):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-request-id"]
    echoed = client.get("/livez", headers={"X-Request-ID": "req-123"})
    assert echoed.headers["x-request-id"] == "req-123"
    forged = client.get("/livez", headers={"X-Request-ID": "bad id\twith tab"})
    assert forged.headers["x-request-id"] != "bad id\twith tab"


def test_malformed_json_is_400(client: TestClient, tenant: Tenant) -> None:
    response = client.post(
        "/v1/people",
        content=b'{"external_id": "E-1", ',
        headers=tenant.headers(**{"Content-Type": "application/json"}),
    )
    assert_problem(response, 400)


def test_invalid_utf8_is_400(client: TestClient, tenant: Tenant) -> None:
    response = client.post(
        "/v1/people",
        content=b'{"external_id": "\xff\xfe"}',
        headers=tenant.headers(**{"Content-Type": "application/json"}),
    )
    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == PROBLEM


def test_unknown_route_is_404_problem(client: TestClient) -> None:
    assert_problem(client.get("/v1/nothing-here"), 404)


def test_wrong_method_is_405_with_allow(client: TestClient, tenant: Tenant) -> None:
    response = client.put("/v1/people", json={}, headers=tenant.headers())
    assert_problem(response, 405)
    assert "GET" in response.headers["allow"]


def test_oversized_body_is_413(client: TestClient, tenant: Tenant) -> None:
    big = b'{"external_id": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    response = client.post(
        "/v1/people", content=big, headers=tenant.headers(**{"Content-Type": "application/json"})
    )
    assert_problem(response, 413)


def test_oversized_chunked_body_is_413(client: TestClient, tenant: Tenant) -> None:
    def chunks():
        yield b'{"external_id": "'
        for _ in range(40):
            yield b"x" * 100_000
        yield b'"}'

    response = client.post(
        "/v1/people",
        content=chunks(),
        headers=tenant.headers(**{"Content-Type": "application/json"}),
    )
    assert_problem(response, 413)


def test_wrong_content_type_is_415(client: TestClient, tenant: Tenant) -> None:
    response = client.post(
        "/v1/people",
        content=b"external_id=E-1",
        headers=tenant.headers(**{"Content-Type": "application/x-www-form-urlencoded"}),
    )
    assert_problem(response, 415)


def test_unknown_fields_are_422_with_errors(client: TestClient, tenant: Tenant) -> None:
    response = client.post(
        "/v1/people",
        json={"external_id": "E-1", "display_name": "Ada", "org_id": "org_x", "id": "per_x"},
        headers=tenant.headers(),
    )
    body = assert_problem(response, 422)
    assert {e["field"] for e in body["errors"]} == {"org_id", "id"}
    assert client.get("/v1/people", headers=tenant.headers()).json()["data"] == []


def test_nul_and_control_characters_are_refused(client: TestClient, tenant: Tenant) -> None:
    for name in ("Ada\x00", "Ada\x1b[31m", "line\nbreak"):
        response = client.post(
            "/v1/people",
            json={"external_id": "E-1", "display_name": name},
            headers=tenant.headers(),
        )
        assert_problem(response, 422)
