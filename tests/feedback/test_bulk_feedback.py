"""`POST /v1/feedback/bulk`: up to 1,000 answers, all or nothing, counted exactly as the
same answers given one at a time (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from service.events.models import Event
from service.feedback.models import Feedback
from tests.conftest import Tenant, make_tenant
from tests.feedback.test_feedback_api import ANSWERS, person


def answer(leader: str, **extra: Any) -> dict[str, Any]:
    return {"leader_id": leader, "relationship": "peer", "answers": ANSWERS, **extra}


def bulk(client: TestClient, tenant: Tenant, items: list[dict[str, Any]], scope: str = "write"):
    return client.post("/v1/feedback/bulk", json={"feedback": items}, headers=tenant.headers(scope))


def open_answers(client: TestClient, tenant: Tenant, leader: str) -> int:
    r = client.get(f"/v1/leaders/{leader}/trust-score", headers=tenant.headers("read"))
    assert r.status_code == 200, r.text
    return int(r.json()["open_period"]["answers"])


def rows(db: Engine, org_id: str, model: Any) -> int:
    with Session(db) as session:
        return int(session.scalar(select(func.count()).where(model.org_id == org_id)) or 0)


def test_a_batch_records_every_answer_with_receipts_in_order(
    client: TestClient, tenant: Tenant, db: Engine
) -> None:
    a, b = person(client, tenant, "A"), person(client, tenant, "B")
    respondent = person(client, tenant, "R")
    belief = client.post(
        f"/v1/leaders/{a}/beliefs",
        json={"statement": "Trust is given first.", "status": "active"},
        headers=tenant.headers(),
    ).json()["id"]
    items = [
        answer(
            a, respondent={"reference": "s-1"}, belief_ratings=[{"belief_id": belief, "rating": 4}]
        ),
        answer(a, respondent={"reference": "s-2"}, needs="Time to think"),
        answer(b, respondent={"reference": "s-1"}),  # the same respondent, another leader
        answer(b, respondent={"person_id": respondent}),
        answer(b),  # anonymous without a reference: a respondent of its own
    ]
    r = bulk(client, tenant, items, scope="feedback:submit")
    assert r.status_code == 200, r.text
    receipts = r.json()["data"]
    assert [x["leader_id"] for x in receipts] == [a, a, b, b, b]
    assert [x["anonymous"] for x in receipts] == [True, True, True, False, True]
    assert all(x["content"] is None for x in receipts) and "Time to think" not in r.text
    for x in receipts:
        got = client.get(f"/v1/feedback/{x['id']}", headers=tenant.headers("admin"))
        assert got.status_code == 200, got.text
    assert open_answers(client, tenant, a) == 2
    assert open_answers(client, tenant, b) == 3
    with Session(db) as session:
        types = session.scalars(select(Event.type).where(Event.org_id == tenant.org_id)).all()
    assert types.count("feedback.received") == 5


def test_one_bad_answer_writes_nothing_and_names_every_bad_field(
    client: TestClient, tenant: Tenant, db: Engine
) -> None:
    leader, other = person(client, tenant, "L"), person(client, tenant, "O")
    before = (rows(db, tenant.org_id, Feedback), rows(db, tenant.org_id, Event))
    items = [
        answer(leader, respondent={"reference": "x"}),
        answer("per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"),
        answer(leader, respondent={"person_id": leader}),
        answer(leader, respondent={"reference": "x"}),
        answer(
            other, belief_ratings=[{"belief_id": "blf_01JD5ZQ8W4M3KXHNB7T2C9V6RE", "rating": 3}]
        ),
    ]
    r = bulk(client, tenant, items)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    fields = [e["field"] for e in r.json()["errors"]]
    assert fields == [
        "feedback.1.leader_id",
        "feedback.2.respondent.person_id",
        "feedback.3.respondent.reference",
        "feedback.4.belief_ratings.0.belief_id",
    ]
    assert (rows(db, tenant.org_id, Feedback), rows(db, tenant.org_id, Event)) == before
    assert open_answers(client, tenant, leader) == 0


def test_bounds_and_scopes(client: TestClient, tenant: Tenant) -> None:
    leader = person(client, tenant, "L")
    assert bulk(client, tenant, []).status_code == 422
    too_many = bulk(client, tenant, [answer(leader)] * 1001)
    assert too_many.status_code in (400, 422), too_many.text
    missing = bulk(client, tenant, [{"leader_id": leader, "relationship": "peer", "answers": {}}])
    assert missing.status_code == 422
    assert "feedback.0.answers.trust" in missing.text
    assert bulk(client, tenant, [answer(leader)], scope="read").status_code == 403
    assert client.get("/v1/feedback/bulk", headers=tenant.headers()).status_code == 405
    assert open_answers(client, tenant, leader) == 0


def test_a_replayed_batch_creates_nothing_new(
    client: TestClient, tenant: Tenant, db: Engine
) -> None:
    leader = person(client, tenant, "L")
    headers = tenant.headers("write", **{"Idempotency-Key": "import-2026-q1-part-1"})
    body = {"feedback": [answer(leader, respondent={"reference": f"r{i}"}) for i in range(3)]}
    first = client.post("/v1/feedback/bulk", json=body, headers=headers)
    again = client.post("/v1/feedback/bulk", json=body, headers=headers)
    # Anonymous answers keep no replayable receipt (README, idempotency): a retry is refused.
    assert first.status_code == 200 and again.status_code == 409, again.text
    assert rows(db, tenant.org_id, Feedback) == 3


# A history of single answers, batches and retractions over a small pool of respondents:
# each leader's open count equals the number of respondents with an answer that counts.
step = st.one_of(
    st.tuples(st.just("one"), st.integers(0, 1), st.sampled_from(["p0", "p1", "p2", None])),
    st.tuples(
        st.just("bulk"),
        st.lists(
            st.tuples(st.integers(0, 1), st.sampled_from(["p0", "p1", "p2", "p3", None])),
            min_size=1,
            max_size=6,
            unique_by=lambda x: (x[0], x[1]) if x[1] is not None else object(),
        ),
    ),
    st.tuples(st.just("retract"), st.integers(0, 50)),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(step, min_size=1, max_size=8))
def test_open_counts_match_single_answers(
    client: TestClient, db: Engine, history: list[tuple[Any, ...]]
) -> None:
    tenant = make_tenant(db, "History")
    leaders = [person(client, tenant, "L0"), person(client, tenant, "L1")]
    given_: list[tuple[int, str, str | None]] = []  # (leader, feedback id, reference)
    retracted: set[str] = set()
    for kind, *args in history:
        if kind == "one":
            leader, ref = args
            extra = {"respondent": {"reference": ref}} if ref else {}
            r = client.post(
                "/v1/feedback", json=answer(leaders[leader], **extra), headers=tenant.headers()
            )
            assert r.status_code == 201, r.text
            given_.append((leader, r.json()["id"], ref))
        elif kind == "bulk":
            (pairs,) = args
            items = [
                answer(leaders[leader], **({"respondent": {"reference": ref}} if ref else {}))
                for leader, ref in pairs
            ]
            r = bulk(client, tenant, items)
            assert r.status_code == 200, r.text
            given_.extend(
                (leader, x["id"], ref)
                for (leader, ref), x in zip(pairs, r.json()["data"], strict=True)
            )
        elif given_:
            (index,) = args
            _, fid, _ = given_[index % len(given_)]
            r = client.post(f"/v1/feedback/{fid}/retract", headers=tenant.headers("admin"))
            assert r.status_code in (200, 204), r.text
            retracted.add(fid)
    for i, leader in enumerate(leaders):
        counting = {ref or fid for who, fid, ref in given_ if who == i and fid not in retracted}
        assert open_answers(client, tenant, leader) == len(counting)
