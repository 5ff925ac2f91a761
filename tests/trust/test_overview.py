from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.conftest import Tenant
from tests.trust.helpers import Clock, change_settings, close, give, person

NEXT_QUARTER = datetime(2026, 4, 1, 1, tzinfo=UTC)


def test_overview_sorts_paginates_and_exports_csv(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    high = person(client, tenant, "=HYPERLINK(1)")  # a name that would be a CSV formula
    low = person(client, tenant, "Low")
    few = person(client, tenant, "Few")
    for ref in ("a", "b", "c"):
        give(client, tenant, high, ref, 5)
        give(client, tenant, low, ref, 2)
    give(client, tenant, few, "a", 5)
    # Nothing closed yet: the overview is empty.
    assert client.get("/v1/trust-scores", headers=tenant.headers()).json()["data"] == []
    frozen.at(NEXT_QUARTER)
    close(db)

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
    last = client.get(
        "/v1/trust-scores",
        params={"limit": 1, "cursor": rest["next_cursor"]},
        headers=tenant.headers(),
    ).json()
    # "Few" has one answer in the period: listed, suppressed, last.
    assert [r["leader_id"] for r in last["data"]] == [few]
    assert last["data"][0]["overall"] == {"suppressed": True}
    assert last["next_cursor"] is None
    assert first["data"][0]["period"] == {
        "start": "2026-01-01T00:00:00Z",
        "end": "2026-04-01T00:00:00Z",
    }

    ascending = client.get(
        "/v1/trust-scores", params={"sort": "score"}, headers=tenant.headers()
    ).json()["data"]
    assert [r["leader_id"] for r in ascending] == [low, high, few]

    exported = client.get("/v1/trust-scores", headers=tenant.headers(Accept="text/csv"))
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["leader_id"] for r in rows] == [high, low, few]
    assert rows[0]["period_start"] == "2026-01-01T00:00:00Z"  # as in JSON
    assert rows[0]["period_end"] == "2026-04-01T00:00:00Z"
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


def test_overview_suppresses_small_groups(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    # The stricter settings are made before the first period: they apply from the next one,
    # so the answers are given there.
    change_settings(
        client, tenant, min_group_size=5, min_comment_group_size=5, manager_group_minimum=5
    )
    frozen.at(NEXT_QUARTER)
    leader = person(client, tenant, "L")
    for ref in ("a", "b", "c", "d"):
        give(client, tenant, leader, ref, 4)
    frozen.at(datetime(2026, 7, 1, 1, tzinfo=UTC))
    close(db)
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
    periods = client.get(
        f"/v1/leaders/{leader}/trust-history", params={"periods": 41}, headers=tenant.headers()
    )
    assert periods.status_code == 422
