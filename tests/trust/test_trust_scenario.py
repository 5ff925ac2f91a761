"""A scenario computed by hand (see the comments), through the HTTP API with a frozen clock.

Organization defaults: quarterly periods, C = 3, min_group_size = 3. Per respondent
t = 25 × (mean answer − 1): all 5 → 100, all 4 → 75, all 3 → 50, all 2 → 25.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.conftest import Tenant
from tests.trust.helpers import Clock, close, give, person, retract, score

Q1 = {"start": "2026-01-01T00:00:00Z", "end": "2026-04-01T00:00:00Z"}
Q2 = {"start": "2026-04-01T00:00:00Z", "end": "2026-07-01T00:00:00Z"}


def test_hand_computed_periods(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    leader = person(client, tenant, "L")
    other = person(client, tenant, "M")

    # Q1, 5 January. L: r1 = 100, r2 = 75, r3 = 50 (peers). M: three answers of all 2 (t = 25).
    r1 = give(client, tenant, leader, "r1", 5)
    give(client, tenant, leader, "r2", 4)
    give(client, tenant, leader, "r3", 3)
    for ref in ("m1", "m2", "m3"):
        give(client, tenant, other, ref, 2, "direct_report")
    # The open period shows a count only.
    open_read = score(client, tenant, leader)
    assert open_read["period"] is None and open_read["closed_at"] is None
    assert open_read["open_period"] == {**Q1, "answers": 3}
    assert open_read["overall"] == {"suppressed": True}
    assert open_read["stage"] == "insufficient_data"

    # 1 February: r3 answers again with all 5: one voice per respondent, the latest counts.
    frozen.at(datetime(2026, 2, 1, tzinfo=UTC))
    give(client, tenant, leader, "r3", 5)
    assert score(client, tenant, leader)["open_period"]["answers"] == 3
    assert close(db) == 0  # nothing has ended yet

    # 1 April 00:05: Q1 closes. L counts r1 100, r2 75, r3 100: n 3, raw 275/3 = 91.67.
    # M: n 3, raw 25. m = (91.67 + 25)/2 = 58.33.
    frozen.at(datetime(2026, 4, 1, 0, 5, tzinfo=UTC))
    assert close(db) == 1
    assert close(db) == 0  # idempotent
    q1 = score(client, tenant, leader)
    assert q1["period"] == Q1
    assert q1["closed_at"] == "2026-04-01T00:05:00Z"
    assert q1["open_period"] == {**Q2, "answers": 0}
    o = q1["overall"]
    # score = (3·58.33 + 3·91.67)/6 = 75.0.
    # s² of (100, 75, 100) = (8.33² + 16.67² + 8.33²)/2 = 208.33;
    # half-width 1.645·sqrt(208.33/6) = 9.69 → [65.31, 84.69].
    assert o["n"] == 3
    assert o["raw"] == pytest.approx(91.67, abs=0.01)
    assert o["score"] == pytest.approx(75.0, abs=0.01)
    assert o["interval"] == {
        "lower": pytest.approx(65.31, abs=0.01),
        "upper": pytest.approx(84.69, abs=0.01),
    }
    # Favorable (own mean ≥ 4): all three. Followers (want_to_follow and leaned_on ≥ 4): 3.
    assert o["favorability"] == 1.0 and o["followers"] == 3
    assert o["items"]["trust"] == {
        "suppressed": False,
        "n": 3,
        "mean": pytest.approx(4.67, abs=0.01),
    }
    # Stage: lower 65.31 ≥ 65, followers 3 ≥ 3, 3/3 ≥ 0.5 → leader.
    assert q1["stage"] == "leader"
    assert q1["method"]["prior_mean"] == pytest.approx(58.33, abs=0.01)
    assert q1["method"]["period_months"] == 3
    # The peer group is the whole table: shown, the same figures; the others are empty.
    assert q1["relationships"]["peer"]["n"] == 3
    assert q1["relationships"]["peer"]["score"] == o["score"]
    assert q1["relationships"]["direct_report"] == {"suppressed": True}
    assert q1["trend"] == {
        "period": None,
        "stage": "insufficient_data",
        "overall": {"suppressed": True},
        "change": None,
    }
    # M: score (3·58.33 + 3·25)/6 = 41.67; three identical answers: s² = 0, a zero-width
    # interval (the homogeneity limit, SECURITY.md).
    m = score(client, tenant, other)["overall"]
    assert m["score"] == pytest.approx(41.67, abs=0.01)
    assert m["interval"]["lower"] == m["interval"]["upper"] == m["score"]

    # 2 April: r1's Q1 answer is retracted. A closed period never changes.
    frozen.at(datetime(2026, 4, 2, tzinfo=UTC))
    retract(client, tenant, r1)
    assert close(db) == 0
    assert score(client, tenant, leader)["overall"] == o

    # Q2: p1 = 50, p2 = 50 (peers), d1 = 75, d2 = 25 (direct reports).
    give(client, tenant, leader, "p1", 3)
    give(client, tenant, leader, "p2", 3)
    give(client, tenant, leader, "d1", 4, "direct_report")
    give(client, tenant, leader, "d2", 2, "direct_report")
    assert score(client, tenant, leader)["open_period"]["answers"] == 4

    # 1 July 01:00: Q2 closes. L: n 4, raw 200/4 = 50; M has no answers, so m = 50.
    # score = (3·50 + 4·50)/7 = 50; s² of (50, 50, 75, 25) = (0 + 0 + 625 + 625)/3 = 416.67;
    # half-width 1.645·sqrt(416.67/7) = 12.69 → [37.31, 62.69]. Both groups have 2 < 3.
    frozen.at(datetime(2026, 7, 1, 1, 0, tzinfo=UTC))
    assert close(db) == 1
    q2 = score(client, tenant, leader)
    assert q2["period"] == Q2
    assert q2["overall"]["n"] == 4
    assert q2["overall"]["score"] == pytest.approx(50.0, abs=0.01)
    assert q2["overall"]["interval"] == {
        "lower": pytest.approx(37.31, abs=0.01),
        "upper": pytest.approx(62.69, abs=0.01),
    }
    assert q2["method"]["prior_mean"] == 50.0
    assert q2["relationships"]["peer"] == {"suppressed": True}
    assert q2["relationships"]["direct_report"] == {"suppressed": True}
    # Score 50 < 60: manager. Trend: Q1's figures; change 50 − 75 = −25.
    assert q2["stage"] == "manager"
    assert q2["trend"]["period"] == Q1
    assert q2["trend"]["overall"]["score"] == pytest.approx(75.0, abs=0.01)
    assert q2["trend"]["change"] == pytest.approx(-25.0, abs=0.01)
    # M had no answers in Q2: nothing to show for Q2.
    assert score(client, tenant, other)["overall"] == {"suppressed": True}

    # as_of: the latest period closed at that moment (Q1 closed at 1 April 00:05).
    assert score(client, tenant, leader, as_of="2026-04-01T00:01:00Z")["period"] is None
    at_q1 = score(client, tenant, leader, as_of="2026-04-01T00:10:00Z")
    assert at_q1["period"] == Q1 and at_q1["overall"] == o and at_q1["open_period"] is None
    assert score(client, tenant, leader, as_of="2030-01-01T00:00:00Z")["period"] == Q2

    # History: one point per closed period, oldest first.
    history = client.get(f"/v1/leaders/{leader}/trust-history", headers=tenant.headers()).json()
    assert [p["period"] for p in history["data"]] == [Q1, Q2]
    assert history["data"][0]["overall"]["score"] == pytest.approx(75.0, abs=0.01)
    assert history["data"][1]["stage"] == "manager"
