"""The attacks of issue 9, each replayed through the API (closing periods as the CronJob
would, reading every figure-serving endpoint after every step, and with `as_of` at every
moment at the end), each now learning nothing: the audit's rank test finds no answer, nor
any vector over fewer than `min_group_size` anonymous answers, in the span of all figures
served. Uses the audit's own machinery (`test_audit.History`, `audit`, `replay_as_of`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from service.api.app import create_app
from service.db import make_sessionmaker
from service.feedback.models import Feedback
from service.settings import Settings
from service.trust.models import TrustPeriodCell
from tests.conftest import make_tenant
from tests.trust.helpers import Clock, close, purge
from tests.trust.test_audit import History, audit, replay_as_of

Q1_END = datetime(2026, 4, 1, tzinfo=UTC)


@pytest.fixture
def client(settings: Settings, db: Engine) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"rate_limit_per_minute": 0}))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def history(client: TestClient, db: Engine, frozen: Clock) -> History:
    tenant = make_tenant(db, "Scenario")
    h = History(client, tenant, frozen, db)
    for name in ("L0", "L1", "A0", "A1", "A2"):
        r = client.post(
            "/v1/people",
            json={"external_id": name, "display_name": name},
            headers=tenant.headers(),
        )
        assert r.status_code == 201, r.text
        (h.leaders if name.startswith("L") else h.people).append(r.json()["id"])
    return h


def answer(relationship: str, who: str | None, value: int = 4) -> tuple[Any, ...]:
    return ("answer", 0, relationship, who, (value, value, value, 5 - value % 2))


def served(history: History, cell: str) -> list[dict[str, Any]]:
    return [f.shown for f in history.figures if f.cell == cell and f.leader == history.leaders[0]]


def finish(history: History) -> int:
    """Close what is open (one quarter on, then well beyond), then audit."""
    history.run(("skip", 90))
    history.run(("skip", 200))
    replay_as_of(history)
    return audit(history)


def test_cross_time_subtraction(history: History) -> None:
    """d1, d2, p1, d1 again, d3, p2, p3, read after each: nothing shows while the period is
    open; its one table then shows overall, direct reports and peers over disjoint sets, so
    peer − (overall − direct_report) is the zero vector."""
    for step in (
        answer("direct_report", "r0", 4),
        answer("direct_report", "r1", 5),
        answer("peer", "r2", 3),
        answer("direct_report", "r0", 2),
        answer("direct_report", "r3", 4),
        answer("peer", "r4", 5),
        answer("peer", "r5", 1),
    ):
        history.run(step)
        assert history.figures == []  # the open period shows counts only
    assert finish(history) == 3
    assert [f["n"] for f in served(history, "overall")][:1] == [6]
    assert {f["n"] for f in served(history, "rel:direct_report")} == {3}
    assert {f["n"] for f in served(history, "rel:peer")} == {3}


def test_cross_time_subtraction_across_a_period_boundary(history: History) -> None:
    """The same answers split over two quarters: each quarter's table stands alone."""
    for step in (
        answer("direct_report", "r0"),
        answer("direct_report", "r1"),
        answer("peer", "r2"),
        ("skip", 95),  # into Q2; Q1 closes
        answer("direct_report", "r0", 2),
        answer("direct_report", "r3"),
        answer("peer", "r4"),
        answer("peer", "r5"),
    ):
        history.run(step)
    finish(history)
    # Q1: 3 answers, groups of 2 and 1 hidden; Q2: 4 answers, groups of 2 and 2 hidden.
    assert sorted(f["n"] for f in served(history, "overall")) == sorted(
        f["n"] for f in served(history, "overall")
    )
    assert {f["n"] for f in served(history, "overall")} == {3, 4}
    assert served(history, "rel:direct_report") == served(history, "rel:peer") == []


def test_ageing_alone(history: History, frozen: Clock) -> None:
    """Five answers on days 0–4 (three internal customers, two peers). Nothing ages out of a
    closed period: the same table is served at day 180.5 and at every other moment."""
    for day, relationship in enumerate(["internal_customer"] * 3 + ["peer"] * 2):
        history.run(("answer", 0, relationship, f"r{day}", (4, 4, 5, 5)))
        frozen.at(frozen.now + timedelta(days=1))
    history.run(("skip", 90))  # Q1 closes
    frozen.at(datetime(2026, 1, 5, 12, tzinfo=UTC) + timedelta(days=180.5))
    history.read_everything()
    finish(history)
    assert {f["n"] for f in served(history, "overall")} == {5}
    # The customer group (3) would leave the peers (2) by subtraction: hidden.
    assert served(history, "rel:internal_customer") == []


def test_retraction_and_supersession_never_move_a_closed_table(history: History) -> None:
    """A closed table keeps retracted and superseded answers as they stood at its end; in
    the open period, retractions and supersessions change counts only."""
    for step in (
        answer("direct_report", "r0"),
        answer("direct_report", "r1", 2),
        answer("direct_report", "r2", 5),
        answer("peer", "r3"),
        answer("peer", "r4", 3),
        answer("peer", "r5", 2),
        ("skip", 90),  # Q1 closes: overall 6, both groups of 3 shown
        ("retract", 0),  # r0's Q1 answer
        answer("peer", "r3", 1),  # r3 again, in Q2
        ("retract", 6),  # and retracted
        answer("direct_report", "r1", 5),
        answer("direct_report", "r2", 4),
    ):
        history.run(step)
    finish(history)
    q1 = [
        {k: v for k, v in f.shown.items() if k != "items"}
        for f in history.figures
        if f.period.month == 1 and f.cell == "overall"
    ]
    assert len(q1) > 5 and all(f == q1[0] for f in q1)  # read at many moments, never moved
    assert q1[0]["n"] == 6


def test_admin_cannot_subtract_attributed_answers(history: History) -> None:
    """Two attributed direct reports and one anonymous one, three anonymous peers. An admin
    can read the attributed answers; overall − peers would leave the anonymous direct
    report, so the peer group is hidden, and so is the direct-report group (1 anonymous)."""
    for step in (
        answer("direct_report", "a0"),
        answer("direct_report", "a1", 2),
        answer("direct_report", "r0", 5),
        answer("peer", "r1"),
        answer("peer", "r2", 3),
        answer("peer", "r3", 2),
    ):
        history.run(step)
    finish(history)
    assert {f["n"] for f in served(history, "overall")} == {6}
    assert served(history, "rel:peer") == served(history, "rel:direct_report") == []
    # The attributed answers are readable by admins, so the attack's inputs did exist.
    listed = history.client.get("/v1/feedback", headers=history.headers()).json()["data"]
    assert sum(item["content"] is not None for item in listed) == 2


def test_a_mixed_group_needs_min_group_size_anonymous_respondents(history: History) -> None:
    """Three attributed and two anonymous answers make a group of five with two anonymous
    respondents: not shown, though it has five members."""
    for step in (
        answer("peer", "a0"),
        answer("peer", "a1"),
        answer("peer", "a2"),
        answer("peer", "r0", 2),
        answer("peer", "r1", 5),
    ):
        history.run(step)
    finish(history)
    assert served(history, "overall") == served(history, "rel:peer") == []


def test_skipped_item_is_refused_and_old_partial_answers_do_not_count(
    history: History, db: Engine
) -> None:
    """n = 6 with one skipped `leaned_on` can no longer be submitted (422). An answer with a
    skipped item stored before the rule is left out of the table, so every item has the
    overall's n and Σ items − overall isolates nobody."""
    r = history.client.post(
        "/v1/feedback",
        json={
            "leader_id": history.leaders[0],
            "relationship": "peer",
            "answers": {"trust": 4, "greater_good": 4, "want_to_follow": 4},
        },
        headers=history.headers("write"),
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["answers.leaned_on"]
    for i in range(5):
        history.run(answer("peer", f"r{i}", 2 + i % 3))
    with make_sessionmaker(db)() as session, session.begin():
        template = session.scalars(select(Feedback)).first()
        assert template is not None
        session.add(
            Feedback(
                org_id=template.org_id,
                id="fbk_01JD5ZQ8W4M3KXHNB7T2C9V6RE",
                leader_id=template.leader_id,
                relationship="peer",
                trust=1,
                greater_good=1,
                want_to_follow=1,
                leaned_on=None,
                anonymous=True,
                attributed=False,
                respondent_key="legacy",
                submitted_at=template.submitted_at,
                period_start=template.period_start,
            )
        )
    history.run(("skip", 90))
    (figure,) = served(history, "overall")[:1]
    assert figure["n"] == 5
    assert {item["n"] for item in figure["items"].values()} == {5}


def test_retention_is_enforced_and_closed_tables_stay(history: History, db: Engine) -> None:
    """`calling purge` deletes feedback older than `feedback_retention_days` whose period is
    closed: it closes the ended periods first, so those answers still count; the open
    period's answers wait for its close, however old (they are not in any table yet); closed
    tables stay as they are."""
    client, tenant = history.client, history.tenant
    etag = client.get("/v1/organization", headers=tenant.headers()).headers["etag"]
    r = client.patch(
        "/v1/organization",
        json={"settings": {"feedback_retention_days": 30}},
        headers=tenant.headers(**{"If-Match": etag}),
    )
    assert r.status_code == 200
    for i in range(4):
        history.run(answer("peer", f"r{i}", 2 + i % 3))
    ids = list(history.answers)
    history.clock.at(datetime(2026, 2, 20, tzinfo=UTC))  # 46 days on, Q1 still open
    assert purge(db) == 0  # the open period keeps its answers until it is closed
    assert all(
        client.get(f"/v1/feedback/{i}", headers=tenant.headers()).status_code == 200 for i in ids
    )
    leader = history.leaders[0]
    trust = client.get(f"/v1/leaders/{leader}/trust-score", headers=tenant.headers())
    assert trust.json()["open_period"]["answers"] == 4
    for i in range(3):
        history.run(answer("peer", f"s{i}", 3))
    history.clock.at(Q1_END + timedelta(days=40))  # Q1 ended, not closed yet
    assert purge(db) == 7  # purge closes Q1 first, then deletes
    for a in history.answers.values():
        a.purged_at = a.purged_at or history.clock.now
    assert all(
        client.get(f"/v1/feedback/{i}", headers=tenant.headers()).status_code == 404 for i in ids
    )
    with make_sessionmaker(db)() as session:
        assert session.scalars(select(Feedback)).all() == []
        cells = session.scalars(select(TrustPeriodCell)).all()
    assert {len(c.members) for c in cells if c.cell == "overall"} == {7}
    history.read_everything()
    assert {f["n"] for f in served(history, "overall")} == {7}
    assert close(db) == 0
    finish(history)
