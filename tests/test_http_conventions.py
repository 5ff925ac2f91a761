"""HTTP mechanics every resource shares (API.md), as found and fixed with Schemathesis."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Tenant

NOBODY = "per_0000000000000000000000000Z"
PROBLEM = "application/problem+json"


def _person(client: TestClient, tenant: Tenant, external_id: str = "E-1") -> dict[str, str]:
    response = client.post(
        "/v1/people",
        json={"external_id": external_id, "display_name": "Ada"},
        headers=tenant.headers(),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_405_allows_every_method_of_the_path(client: TestClient, tenant: Tenant) -> None:
    # `/v1/people/{person_id}` has one route per method; `Allow` names them all.
    response = client.options(f"/v1/people/{NOBODY}", headers=tenant.headers())
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, PATCH, DELETE"
    assert response.headers["content-type"] == PROBLEM
    assert client.put("/v1/people", headers=tenant.headers()).headers["allow"] == "GET, POST"
    assert client.post("/livez").headers["allow"] == "GET"


def test_a_path_segment_that_is_not_an_id_is_not_that_resource(
    client: TestClient, tenant: Tenant
) -> None:
    # `bulk` is not a person id: PATCH /v1/people/bulk is a method `/v1/people/bulk` lacks.
    response = client.patch("/v1/people/bulk", json={}, headers=tenant.headers())
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    missing = client.get("/v1/people/nobody", headers=tenant.headers())
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM


def test_missing_if_match_is_428_whether_or_not_the_object_exists(
    client: TestClient, tenant: Tenant
) -> None:
    person = _person(client, tenant)
    for person_id in (person["id"], NOBODY):
        response = client.delete(f"/v1/people/{person_id}", headers=tenant.headers())
        assert response.status_code == 428, response.text
        assert response.headers["content-type"] == PROBLEM
    gone = client.delete(f"/v1/people/{NOBODY}", headers=tenant.headers(**{"If-Match": "*"}))
    assert gone.status_code == 404


def test_if_match_accepts_entity_tags_and_star_only(client: TestClient, tenant: Tenant) -> None:
    person = _person(client, tenant)
    url = f"/v1/people/{person['id']}"
    malformed = client.patch(url, json={}, headers=tenant.headers(**{"If-Match": "1"}))
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["field"] == "header.If-Match"
    stale = client.patch(url, json={}, headers=tenant.headers(**{"If-Match": 'W/"1", "9"'}))
    assert stale.status_code == 412
    listed = client.patch(
        url, json={"title": "CTO"}, headers=tenant.headers(**{"If-Match": '"9", "1"'})
    )
    assert listed.status_code == 200, listed.text
    star = client.patch(url, json={"title": "CEO"}, headers=tenant.headers(**{"If-Match": "*"}))
    assert star.status_code == 200, star.text
    assert star.headers["etag"] == '"3"'


def test_timestamps_in_queries_must_be_rfc3339(client: TestClient, tenant: Tenant) -> None:
    for bad in ("0.5", "1700000000", "2025-01-01", "2025-01-01T00:00:00"):
        response = client.get("/v1/people", params={"updated_since": bad}, headers=tenant.headers())
        assert response.status_code == 422, bad
    for good in (
        "2025-01-01T00:00:00Z",
        "2025-01-01t00:00:00.5+02:00",
        "0001-01-01T00:00:00+01:00",
    ):
        response = client.get(
            "/v1/people", params={"updated_since": good}, headers=tenant.headers()
        )
        assert response.status_code == 200, (good, response.text)


def test_numbers_in_bodies_are_json_numbers(client: TestClient, tenant: Tenant) -> None:
    leader = _person(client, tenant)
    url = f"/v1/leaders/{leader['id']}/beliefs"
    for position in (False, True, "3", 2.5):
        response = client.post(
            url, json={"statement": "Trust first.", "position": position}, headers=tenant.headers()
        )
        assert response.status_code == 422, position
    created = client.post(
        url, json={"statement": "Trust first.", "position": 3.0}, headers=tenant.headers()
    )
    assert created.status_code == 201, created.text
    assert created.json()["position"] == 3


def test_a_body_that_is_not_text_is_malformed_json(client: TestClient, tenant: Tenant) -> None:
    response = client.post(
        "/v1/people",
        content=b"\xff\xfe\x00\x81",
        headers=tenant.headers(**{"Content-Type": "application/json"}),
    )
    assert response.status_code == 400
    assert response.json()["type"].endswith("/malformed-json")


def test_a_beliefs_cursor_stays_valid_whatever_the_filters(
    client: TestClient, tenant: Tenant
) -> None:
    leader = _person(client, tenant)
    for statement in ("One.", "Two.", "Three."):
        client.post(
            f"/v1/leaders/{leader['id']}/beliefs",
            json={"statement": statement},
            headers=tenant.headers(),
        )
    first = client.get("/v1/beliefs", params={"limit": 1}, headers=tenant.headers()).json()
    assert first["next_cursor"]
    for params in ({}, {"leader_id": leader["id"]}, {"status": "draft"}):
        response = client.get(
            "/v1/beliefs",
            params={"cursor": first["next_cursor"], **params},
            headers=tenant.headers(),
        )
        assert response.status_code == 200, (params, response.text)
        assert len(response.json()["data"]) == 2


def test_idempotency_keys_are_printable_ascii(client: TestClient, tenant: Tenant) -> None:
    response = client.post(
        "/v1/people",
        json={"external_id": "E-9", "display_name": "Ada"},
        headers=tenant.headers(**{"Idempotency-Key": "a\tb"}),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "header.Idempotency-Key"


def test_every_documented_cursor_example_is_a_cursor_of_its_collection(
    client: TestClient, tenant: Tenant
) -> None:
    """The spec's example `cursor` of a collection must be one the collection accepts (build
    it with `service.pages.cursor_field` and the collection's sort key): it is what clients
    copy, and what Schemathesis sends."""
    spec = client.get("/openapi.json").json()
    checked = 0
    for path, item in spec["paths"].items():
        operation = item.get("get", {})
        parameters = {p["name"]: p for p in operation.get("parameters", [])}
        if "cursor" not in parameters or "{" in path:
            continue  # collections under an object need one: Schemathesis covers those
        example = parameters["cursor"]["schema"]["examples"][0]
        scope = operation["x-required-scope"]
        headers = tenant.headers("platform" if scope == "platform" else "admin")
        response = client.get(path, params={"cursor": example}, headers=headers)
        assert response.status_code == 200, (path, response.text)
        checked += 1
    assert checked
