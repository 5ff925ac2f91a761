"""Property: a closed period's table is a function of its rows — recomputing it from the
feedback rows gives exactly the stored trust, belief and theme cells, also after answers
arrive in the next period. On SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.engine import Engine

from service import clock
from service.closing import close_all
from service.db import make_sessionmaker
from service.insights.closing import insight_table, texts_of
from service.insights.models import InsightOrgCell
from service.periods.calendar import Period
from service.periods.models import TrustPeriod
from service.trust.closing import contributions_of
from service.trust.models import TrustPeriodCell
from service.trust.tables import Rules, period_table
from tests.conftest import make_tenant
from tests.trust.helpers import all_items

Q1_START = datetime(2026, 1, 1, tzinfo=UTC)
Q1 = Period(Q1_START, datetime(2026, 4, 1, tzinfo=UTC))
TEXTS = [
    "Clearer priorities",
    "More feedback and clear goals",
    "Less overtime, clearer priorities",
    "Tydligare mål och mer återkoppling",
    "Growth and learning 🚀",
    None,
]
ANSWERS = st.lists(
    st.tuples(
        st.integers(0, 1),  # leader
        st.sampled_from(["direct_report", "direct_report", "peer", "manager", "supplier"]),
        st.integers(0, 9),  # respondent reference
        st.integers(1, 5),  # trust items
        st.integers(1, 5),  # belief rating
        st.sampled_from(TEXTS),
        st.sampled_from(TEXTS),
    ),
    min_size=3,
    max_size=30,
)


def stored(engine: Engine, org_id: str) -> set[tuple[Any, ...]]:
    with make_sessionmaker(engine)() as session:
        cells = {
            (c.leader_id, c.cell, c.shown, repr(sorted(c.stats.items())), tuple(c.members))
            for c in session.scalars(
                select(TrustPeriodCell).where(
                    TrustPeriodCell.org_id == org_id, TrustPeriodCell.period_start == Q1_START
                )
            )
        }
        cells |= {
            (None, c.cell, c.shown, repr(sorted(c.stats.items())), tuple(c.members))
            for c in session.scalars(
                select(InsightOrgCell).where(
                    InsightOrgCell.org_id == org_id, InsightOrgCell.period_start == Q1_START
                )
            )
        }
        return cells


def recomputed(engine: Engine, org_id: str) -> set[tuple[Any, ...]]:
    with make_sessionmaker(engine)() as session:
        period = session.get(TrustPeriod, (org_id, Q1_START))
        assert period is not None
        contributions = contributions_of(session, org_id, Q1)
        trust = period_table(contributions, Rules.of(period.settings))
        cells = {
            (leader, c.name, c.shown, repr(sorted(dict(c.stats).items())), tuple(sorted(c.members)))
            for leader, table in trust.items()
            for c in table.values()
        }
        texts = texts_of(session, org_id, Q1_START)
        cells |= {
            (c.leader_id, c.name, c.shown, repr(sorted(c.stats.items())), tuple(sorted(c.members)))
            for c in insight_table(contributions, texts, period.settings)
        }
        return cells


@pytest.mark.usefixtures("db")
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ANSWERS)
def test_recomputing_a_closed_period_from_its_rows_gives_the_same_table(
    client: TestClient,
    db: Engine,
    monkeypatch: pytest.MonkeyPatch,
    answers: list[tuple[int, str, int, int, int, str | None, str | None]],
) -> None:
    now = {"t": datetime(2026, 2, 1, tzinfo=UTC)}
    monkeypatch.setattr(clock, "now", lambda: now["t"])
    tenant = make_tenant(db, f"org-{uuid.uuid4().hex[:8]}")
    leaders, beliefs = [], []
    for i in range(2):
        r = client.post(
            "/v1/people",
            json={"external_id": f"L{i}", "display_name": f"L{i}"},
            headers=tenant.headers(),
        )
        leaders.append(r.json()["id"])
        r = client.post(
            f"/v1/leaders/{leaders[-1]}/beliefs",
            json={"statement": "Trust first.", "status": "active"},
            headers=tenant.headers(),
        )
        beliefs.append(r.json()["id"])
    for leader, rel, ref, value, rating, needs, dreams in answers:
        r = client.post(
            "/v1/feedback",
            json={
                "leader_id": leaders[leader],
                "relationship": rel,
                "answers": all_items(value),
                "belief_ratings": [{"belief_id": beliefs[leader], "rating": rating}],
                "needs": needs,
                "dreams": dreams,
                "respondent": {"reference": f"r{ref}"},
            },
            headers=tenant.headers("write"),
        )
        assert r.status_code == 201, r.text
    now["t"] = datetime(2026, 4, 1, 0, 5, tzinfo=UTC)
    close_all(make_sessionmaker(db))
    table = stored(db, tenant.org_id)
    assert table == recomputed(db, tenant.org_id)
    # Answers in the next period leave the closed table as it was.
    r = client.post(
        "/v1/feedback",
        json={
            "leader_id": leaders[0],
            "relationship": "peer",
            "answers": all_items(1),
            "needs": "Clearer priorities",
        },
        headers=tenant.headers("write"),
    )
    assert r.status_code == 201
    assert stored(db, tenant.org_id) == table == recomputed(db, tenant.org_id)
