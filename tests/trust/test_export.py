"""`export_trust_scores`: the overview as its own CSV operation, timestamps as in JSON."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.conftest import Tenant
from tests.trust.helpers import Clock, close, give, person


def test_the_export_is_every_row_of_the_overview_as_csv_with_z_timestamps(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    high, low = person(client, tenant, "=HYPERLINK(1)"), person(client, tenant, "Low")
    for ref in ("a", "b", "c"):
        give(client, tenant, high, ref, 5)
        give(client, tenant, low, ref, 2)
    frozen.at(datetime(2026, 4, 1, 1, tzinfo=UTC))  # the quarter ends and is closed
    assert close(db) == 1
    listed = client.get("/v1/trust-scores", headers=tenant.headers("read")).json()["data"]
    exported = client.get("/v1/trust-scores/export", headers=tenant.headers("read"))
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["leader_id"] for r in rows] == [r["leader_id"] for r in listed] == [high, low]
    assert rows[0]["display_name"] == "'=HYPERLINK(1)"
    stamps = [(r["period_start"], r["period_end"]) for r in rows]
    json_stamps = [(r["period"]["start"], r["period"]["end"]) for r in listed]
    assert stamps == json_stamps  # one format: the JSON's, `Z` and all
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", s) for pair in stamps for s in pair
    )
    ascending = client.get(
        "/v1/trust-scores/export", params={"sort": "score"}, headers=tenant.headers("read")
    )
    assert [r["leader_id"] for r in csv.DictReader(io.StringIO(ascending.text))] == [low, high]


def test_the_export_needs_the_read_scope(client: TestClient, tenant: Tenant) -> None:
    response = client.get("/v1/trust-scores/export", headers=tenant.headers("feedback:submit"))
    assert response.status_code == 403
