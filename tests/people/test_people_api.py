from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Tenant


def create(client: TestClient, tenant: Tenant, **body: object) -> dict:
    payload = {"external_id": "E-1", "display_name": "Ada Lindqvist", **body}
    response = client.post("/v1/people", json=payload, headers=tenant.headers("write"))
    assert response.status_code == 201, response.text
    return response.json()


def test_create_read_update_delete(client: TestClient, tenant: Tenant) -> None:
    person = create(client, tenant, email="ada@example.com")
    assert person["id"].startswith("per_")
    got = client.get(f"/v1/people/{person['id']}", headers=tenant.headers("read"))
    assert got.status_code == 200
    assert got.json() == person
    etag = got.headers["etag"]

    patched = client.patch(
        f"/v1/people/{person['id']}",
        json={"title": "COO"},
        headers=tenant.headers("write", **{"If-Match": etag}),
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["title"] == "COO"
    assert patched.headers["etag"] != etag

    stale = client.delete(
        f"/v1/people/{person['id']}", headers=tenant.headers("write", **{"If-Match": etag})
    )
    assert stale.status_code == 412
    deleted = client.delete(
        f"/v1/people/{person['id']}",
        headers=tenant.headers("write", **{"If-Match": patched.headers["etag"]}),
    )
    assert deleted.status_code == 204
    assert client.get(f"/v1/people/{person['id']}", headers=tenant.headers()).status_code == 404


def test_update_without_if_match_is_428(client: TestClient, tenant: Tenant) -> None:
    person = create(client, tenant)
    response = client.patch(
        f"/v1/people/{person['id']}", json={"title": "x"}, headers=tenant.headers("write")
    )
    assert response.status_code == 428
    assert response.headers["content-type"] == "application/problem+json"


def test_external_id_is_unique_per_org(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    create(client, tenant)
    again = client.post(
        "/v1/people", json={"external_id": "E-1", "display_name": "X"}, headers=tenant.headers()
    )
    assert again.status_code == 409
    create(client, other_tenant)  # the same external id in another org is fine


def test_manager_must_exist_in_org(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    foreign = create(client, other_tenant)
    response = client.post(
        "/v1/people",
        json={"external_id": "E-2", "display_name": "Bo", "manager_id": foreign["id"]},
        headers=tenant.headers(),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "manager_id"


def test_manager_loop_is_refused(client: TestClient, tenant: Tenant) -> None:
    a = create(client, tenant, external_id="A")
    b = create(client, tenant, external_id="B", manager_id=a["id"])
    etag = client.get(f"/v1/people/{a['id']}", headers=tenant.headers()).headers["etag"]
    response = client.patch(
        f"/v1/people/{a['id']}",
        json={"manager_id": b["id"]},
        headers=tenant.headers(**{"If-Match": etag}),
    )
    assert response.status_code == 422


def test_deleting_a_manager_unlinks_reports(client: TestClient, tenant: Tenant) -> None:
    boss = create(client, tenant, external_id="BOSS")
    report = create(client, tenant, external_id="R", manager_id=boss["id"])
    etag = client.get(f"/v1/people/{boss['id']}", headers=tenant.headers()).headers["etag"]
    assert (
        client.delete(
            f"/v1/people/{boss['id']}", headers=tenant.headers(**{"If-Match": etag})
        ).status_code
        == 204
    )
    assert (
        client.get(f"/v1/people/{report['id']}", headers=tenant.headers()).json()["manager_id"]
        is None
    )


def test_pagination_and_filters(client: TestClient, tenant: Tenant) -> None:
    ids = [create(client, tenant, external_id=f"E-{i}")["id"] for i in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/people", params=params, headers=tenant.headers()).json()
        seen += [p["id"] for p in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(ids)
    one = client.get("/v1/people", params={"external_id": "E-3"}, headers=tenant.headers())
    assert [p["external_id"] for p in one.json()["data"]] == ["E-3"]
    future = client.get(
        "/v1/people", params={"updated_since": "2999-01-01T00:00:00Z"}, headers=tenant.headers()
    )
    assert future.json() == {"data": [], "next_cursor": None}


def test_limit_out_of_range_and_bad_cursor_are_422(client: TestClient, tenant: Tenant) -> None:
    for params in ({"limit": 0}, {"limit": 101}, {"cursor": "not-a-cursor"}):
        response = client.get("/v1/people", params=params, headers=tenant.headers())
        assert response.status_code == 422, params
        assert response.json()["errors"]


def test_bulk_upsert_creates_then_updates(client: TestClient, tenant: Tenant) -> None:
    rows = [
        {"external_id": "M", "display_name": "Manager"},
        {"external_id": "R1", "display_name": "Report 1", "manager_external_id": "M"},
        {"external_id": "R2", "display_name": "Report 2", "manager_external_id": "R1"},
    ]
    # Reports listed before their managers still insert.
    response = client.post(
        "/v1/people/bulk", json={"people": list(reversed(rows))}, headers=tenant.headers()
    )
    assert response.status_code == 200, response.text
    assert [r["status"] for r in response.json()["data"]] == ["created"] * 3
    rows[2]["display_name"] = "Report Two"
    again = client.post("/v1/people/bulk", json={"people": rows}, headers=tenant.headers())
    assert [r["status"] for r in again.json()["data"]] == ["unchanged", "unchanged", "updated"]
    people = client.get("/v1/people", headers=tenant.headers()).json()["data"]
    by_ext = {p["external_id"]: p for p in people}
    assert by_ext["R2"]["manager_id"] == by_ext["R1"]["id"]


def test_bulk_upsert_is_all_or_nothing(client: TestClient, tenant: Tenant) -> None:
    rows = [
        {"external_id": "A", "display_name": "A"},
        {"external_id": "B", "display_name": "B", "manager_external_id": "NOPE"},
        {"external_id": "A", "display_name": "dup"},
    ]
    response = client.post("/v1/people/bulk", json={"people": rows}, headers=tenant.headers())
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"people.1.manager_external_id", "people.2.external_id"}
    assert client.get("/v1/people", headers=tenant.headers()).json()["data"] == []


def test_bulk_upsert_refuses_loops(client: TestClient, tenant: Tenant) -> None:
    rows = [
        {"external_id": "A", "display_name": "A", "manager_external_id": "B"},
        {"external_id": "B", "display_name": "B", "manager_external_id": "A"},
    ]
    response = client.post("/v1/people/bulk", json={"people": rows}, headers=tenant.headers())
    assert response.status_code == 422
    assert client.get("/v1/people", headers=tenant.headers()).json()["data"] == []


def test_bulk_upsert_limit(client: TestClient, tenant: Tenant) -> None:
    rows = [{"external_id": f"E{i}", "display_name": "x"} for i in range(1001)]
    response = client.post("/v1/people/bulk", json={"people": rows}, headers=tenant.headers())
    assert response.status_code == 422


def test_concurrent_updates_with_one_etag_exactly_one_wins(
    client: TestClient, tenant: Tenant
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    person = create(client, tenant)

    def update(i: int) -> int:
        return client.patch(
            f"/v1/people/{person['id']}",
            json={"title": f"title {i}"},
            headers=tenant.headers(**{"If-Match": '"1"'}),
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(update, range(16)))
    assert sorted(set(statuses)) == [200, 412], statuses
    assert statuses.count(200) == 1
    final = client.get(f"/v1/people/{person['id']}", headers=tenant.headers())
    assert final.headers["etag"] == '"2"'
