"""A scenario computed by hand (see the comments), through the HTTP API with a frozen clock.

Organization defaults: C = 3, min_group_size = 3, window 180 days. Per respondent
t = 25 × (mean answer − 1): all 5 → 100, all 4 → 75, all 3 → 50, all 2 → 25.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from service import clock
from tests.conftest import Tenant

DAY0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = DAY0

    def at(self, days: float) -> None:
        self.now = DAY0 + timedelta(days=days)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    c = Clock()
    monkeypatch.setattr(clock, "now", lambda: c.now)
    yield c


def all_items(value: int) -> dict[str, int]:
    return {"trust": value, "greater_good": value, "want_to_follow": value, "leaned_on": value}


def person(client: TestClient, tenant: Tenant, external_id: str) -> str:
    r = client.post(
        "/v1/people",
        json={"external_id": external_id, "display_name": external_id},
        headers=tenant.headers(),
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def give(
    client: TestClient,
    tenant: Tenant,
    leader: str,
    ref: str,
    value: int,
    relationship: str = "peer",
) -> str:
    r = client.post(
        "/v1/feedback",
        json={
            "leader_id": leader,
            "relationship": relationship,
            "answers": all_items(value),
            "respondent": {"reference": ref},
        },
        headers=tenant.headers("write"),
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def score(client: TestClient, tenant: Tenant, leader: str, **params: str) -> dict:
    r = client.get(f"/v1/leaders/{leader}/trust-score", params=params, headers=tenant.headers())
    assert r.status_code == 200, r.text
    return r.json()


def test_hand_computed_scenario(client: TestClient, tenant: Tenant, frozen: Clock) -> None:
    leader = person(client, tenant, "L")
    other = person(client, tenant, "M")

    # Day 0. L: r1 = 100, r2 = 75, r3 = 50 → published: n 3, raw 75.
    # M: three answers of all 2 → t = 25 each, n 3, raw 25.
    give(client, tenant, leader, "r1", 5)
    give(client, tenant, leader, "r2", 4)
    assert score(client, tenant, leader)["overall"] == {"suppressed": True}
    give(client, tenant, leader, "r3", 3)
    for ref in ("m1", "m2", "m3"):
        give(client, tenant, other, ref, 2)

    # Prior m = (3·75 + 3·25)/6 = 50. Score = (3·50 + 3·75)/6 = 62.5.
    # s² of (100, 75, 50) = 625; half-width 1.645·sqrt(625/6) = 16.789 → [45.71, 79.29].
    # Favorable (own mean ≥ 4): r1, r2 → 2/3. Followers: r1, r2 → 2.
    # Stage: lower 45.71 < 65 → not leader; score ≥ 60 and followers ≥ 1 → emerging_leader.
    day0 = score(client, tenant, leader)
    o = day0["overall"]
    assert o["n"] == 3
    assert o["score"] == pytest.approx(62.5, abs=0.01)
    assert o["raw"] == pytest.approx(75.0, abs=0.01)
    assert o["interval"]["lower"] == pytest.approx(45.71, abs=0.01)
    assert o["interval"]["upper"] == pytest.approx(79.29, abs=0.01)
    assert o["favorability"] == pytest.approx(2 / 3, abs=0.01)
    assert o["followers"] == 2
    assert day0["stage"] == "emerging_leader"
    assert day0["method"]["prior_mean"] == pytest.approx(50.0, abs=0.01)
    assert day0["pending"] is False
    assert day0["relationships"]["peer"]["n"] == 3
    assert day0["relationships"]["manager"] == {"suppressed": True}

    # Day 100: r3 supersedes their answer with all 5 (t = 100) and r4 arrives: two changes
    # after a publication change no figure.
    frozen.at(100)
    give(client, tenant, leader, "r3", 5)
    give(client, tenant, leader, "r4", 4)
    held = score(client, tenant, leader)
    assert held["overall"] == day0["overall"]
    assert held["pending"] is True

    # The third change (r5, t = 75) publishes: members r1 100, r2 75, r3 100, r4 75, r5 75.
    # n 5, raw 85. Prior m = (5·85 + 3·25)/8 = 62.5. Score = (3·62.5 + 5·85)/8 = 76.5625.
    # s² = (225+100+225+100+100)/4 = 187.5; half-width 1.645·sqrt(187.5/8) = 7.964
    # → [68.60, 84.53]. Followers 5 (≥ 3, 5/5 ≥ 0.5), lower ≥ 65 → leader.
    give(client, tenant, leader, "r5", 4)
    day100 = score(client, tenant, leader)
    o = day100["overall"]
    assert o["n"] == 5
    assert o["raw"] == pytest.approx(85.0, abs=0.01)
    assert o["score"] == pytest.approx(76.5625, abs=0.01)
    assert o["interval"]["lower"] == pytest.approx(68.60, abs=0.01)
    assert o["interval"]["upper"] == pytest.approx(84.53, abs=0.01)
    assert o["favorability"] == pytest.approx(1.0, abs=0.01)
    assert o["followers"] == 5
    assert day100["stage"] == "leader"
    assert day100["pending"] is False

    # as_of returns the states in force then.
    then = score(client, tenant, leader, as_of=(DAY0 + timedelta(days=50)).isoformat())
    assert then["overall"]["score"] == pytest.approx(62.5, abs=0.01)
    assert then["stage"] == "emerging_leader"

    # Day 190: r1 and r2 (day 0) aged out of (day 10, day 190]: only two changes, so the
    # day-100 state stays, pending. Trend: the state in force at day 10 (score 62.5).
    frozen.at(190)
    day190 = score(client, tenant, leader)
    assert day190["overall"] == day100["overall"]
    assert day190["pending"] is True
    assert day190["trend"]["overall"]["score"] == pytest.approx(62.5, abs=0.01)
    assert day190["trend"]["stage"] == "emerging_leader"
    assert day190["trend"]["change"] == pytest.approx(76.5625 - 62.5, abs=0.01)

    # The monthly history shows the published states at each month's end.
    history = client.get(
        f"/v1/leaders/{leader}/trust-history", params={"months": 7}, headers=tenant.headers()
    ).json()["data"]
    scores = [p["overall"].get("score") for p in history]
    assert scores[0] == pytest.approx(62.5, abs=0.01)  # January
    assert scores[-1] == pytest.approx(76.5625, abs=0.01)  # July


def test_few_respondents_show_nothing(client: TestClient, tenant: Tenant) -> None:
    leader = person(client, tenant, "L")
    give(client, tenant, leader, "a", 5, "direct_report")
    give(client, tenant, leader, "b", 4, "direct_report")
    result = score(client, tenant, leader)
    assert result["overall"] == {"suppressed": True}
    assert result["stage"] == "insufficient_data"
    assert all(f == {"suppressed": True} for f in result["relationships"].values())


def test_a_small_group_cannot_be_recovered_by_subtraction(
    client: TestClient, tenant: Tenant
) -> None:
    # A lone manager may show as their own group (manager_group_minimum = 1) ...
    r = client.patch(
        "/v1/organization",
        json={"settings": {"manager_group_minimum": 1}},
        headers=tenant.headers(**{"If-Match": '"1"'}),
    )
    assert r.status_code == 200, r.text
    leader = person(client, tenant, "L")
    give(client, tenant, leader, "m1", 2, "manager")
    give(client, tenant, leader, "p1", 5, "peer")
    give(client, tenant, leader, "p2", 4, "peer")
    result = score(client, tenant, leader)
    assert result["overall"]["n"] == 3
    # ... but here overall − manager would be the two peers: the manager group is hidden too.
    assert result["relationships"]["manager"] == {"suppressed": True}
    assert result["relationships"]["peer"] == {"suppressed": True}
