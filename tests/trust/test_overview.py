from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.trust.test_trust_scenario import give, person


def test_overview_sorts_paginates_and_exports_csv(client: TestClient, tenant: Tenant) -> None:
    high = person(client, tenant, "=HYPERLINK(1)")  # a name that would be a CSV formula
    low = person(client, tenant, "Low")
    few = person(client, tenant, "Few")
    for ref in ("a", "b", "c"):
        give(client, tenant, high, ref, 5)
        give(client, tenant, low, ref, 2)
    give(client, tenant, few, "a", 5)

    page = client.get("/v1/trust-scores", params={"limit": 1}, headers=tenant.headers("read"))
    assert page.status_code == 200, page.text
    first = page.json()
    assert [r["leader_id"] for r in first["data"]] == [high]
    rest = client.get(
        "/v1/trust-scores",
        params={"limit": 1, "cursor": first["next_cursor"]},
        headers=tenant.headers(),
    ).json()
    assert [r["leader_id"] for r in rest["data"]] == [low]
    assert rest["next_cursor"] is None  # "Few" has nothing published

    ascending = client.get(
        "/v1/trust-scores", params={"sort": "score"}, headers=tenant.headers()
    ).json()["data"]
    assert [r["leader_id"] for r in ascending] == [low, high]

    exported = client.get("/v1/trust-scores", headers=tenant.headers(Accept="text/csv"))
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["leader_id"] for r in rows] == [high, low]
    assert rows[0]["display_name"] == "'=HYPERLINK(1)"
    assert float(rows[0]["score"]) > float(rows[1]["score"])
    assert exported.headers["vary"] == "Accept"


def test_overview_negotiates_csv_by_accept_quality(client: TestClient, tenant: Tenant) -> None:
    csv_wanted = ("text/csv", "Text/CSV", "text/*", "application/json;q=0.5, text/csv")
    json_wanted = (
        "*/*",
        "application/json",
        "text/csv;q=0",
        "application/json, text/csv;q=0.9",
        "text/csv;q=0.5, application/json;q=0.5",
    )
    for accept in (*csv_wanted, *json_wanted):
        answer = client.get("/v1/trust-scores", headers=tenant.headers(Accept=accept))
        assert answer.status_code == 200, (accept, answer.text)
        expected = "text/csv" if accept in csv_wanted else "application/json"
        assert answer.headers["content-type"].startswith(expected), accept
        assert answer.headers["vary"] == "Accept"


def test_overview_suppresses_small_groups(client: TestClient, tenant: Tenant) -> None:
    leader = person(client, tenant, "L")
    for ref in ("a", "b", "c", "d"):
        give(client, tenant, leader, ref, 4)
    r = client.patch(
        "/v1/organization",
        json={
            "settings": {
                "min_group_size": 5,
                "min_comment_group_size": 5,
                "manager_group_minimum": 5,
            }
        },
        headers=tenant.headers(**{"If-Match": '"1"'}),
    )
    assert r.status_code == 200, r.text
    data = client.get("/v1/trust-scores", headers=tenant.headers()).json()["data"]
    assert data[0]["overall"] == {"suppressed": True}
    assert data[0]["stage"] == "insufficient_data"
    exported = client.get("/v1/trust-scores", headers=tenant.headers(Accept="text/csv")).text
    row = next(iter(csv.DictReader(io.StringIO(exported))))
    assert row["n"] == "" and row["score"] == ""


def test_unknown_leader_and_bad_as_of(client: TestClient, tenant: Tenant) -> None:
    missing = client.get(
        "/v1/leaders/per_01JD5ZQ8W4M3KXHNB7T2C9V6RE/trust-score", headers=tenant.headers()
    )
    assert missing.status_code == 404
    leader = person(client, tenant, "L")
    naive = client.get(
        f"/v1/leaders/{leader}/trust-score",
        params={"as_of": "2026-01-01T00:00"},
        headers=tenant.headers(),
    )
    assert naive.status_code == 422
    months = client.get(
        f"/v1/leaders/{leader}/trust-history", params={"months": 37}, headers=tenant.headers()
    )
    assert months.status_code == 422
