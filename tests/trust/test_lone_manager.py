"""The lone-manager rule through the HTTP API (issue 18, P1): with `manager_group_minimum`
= 1, a leader's manager group shows only when it is one known respondent — the leader's one
manager. Two to `min_group_size` − 1 managers stay hidden, in the trust score's groups and in
the belief cells of alignment, and their answers count as anonymous in the rank test."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.conftest import Tenant
from tests.insights.test_insights_api import AFTER_Q1, belief, get, rate
from tests.trust.helpers import Clock, change_settings, close, person, score

AFTER_Q2 = datetime(2026, 7, 1, 0, 5, tzinfo=UTC)


def _circle(
    client: TestClient, tenant: Tenant, leader: str, managers: dict[str, int], b: str
) -> None:
    """Three direct reports rating belief `b` 3, 4, 4 and the given managers (reference →
    rating); every answer gives 4 on each trust item."""
    for ref, value in {"d1": 3, "d2": 4, "d3": 4}.items():
        rate(client, tenant, leader, ref, "direct_report", {b: value})
    for ref, value in managers.items():
        rate(client, tenant, leader, ref, "manager", {b: value})


def test_two_managers_stay_hidden_and_one_shows(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    change_settings(client, tenant, manager_group_minimum=1)  # applies from Q2
    frozen.at(AFTER_Q1)
    pair, lone = person(client, tenant, "Pair"), person(client, tenant, "Lone")
    b_pair = belief(client, tenant, pair, "Trust is given first.")
    b_lone = belief(client, tenant, lone, "Trust is given first.")
    _circle(client, tenant, pair, {"m1": 5, "m2": 1}, b_pair)  # two managers
    _circle(client, tenant, lone, {"m1": 5}, b_lone)  # the one manager
    frozen.at(AFTER_Q2)
    close(db)

    two = score(client, tenant, pair)
    assert two["period"]["start"] == "2026-04-01T00:00:00Z"
    assert two["method"]["manager_group_minimum"] == 1
    assert two["overall"]["n"] == 5
    assert two["relationships"]["manager"] == {"suppressed": True}
    one = score(client, tenant, lone)
    assert one["relationships"]["manager"]["n"] == 1  # the lone manager the setting is for
    assert one["relationships"]["manager"]["raw"] == 75.0

    rows = get(client, tenant, f"/v1/leaders/{pair}/alignment")["beliefs"]
    assert rows[0]["others"]["n"] == 5
    assert rows[0]["relationships"]["manager"] == {"suppressed": True}
    rows = get(client, tenant, f"/v1/leaders/{lone}/alignment")["beliefs"]
    assert rows[0]["relationships"]["manager"] == {"suppressed": False, "n": 1, "mean": 5.0}
