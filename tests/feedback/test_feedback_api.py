from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Engine

from service.feedback.models import Feedback
from service.models import Base
from tests.conftest import Tenant

ANSWERS = {"trust": 4, "greater_good": 5, "want_to_follow": 4, "leaned_on": 3}


def person(client: TestClient, tenant: Tenant, external_id: str) -> str:
    r = client.post(
        "/v1/people",
        json={"external_id": external_id, "display_name": external_id},
        headers=tenant.headers(),
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def post(client: TestClient, tenant: Tenant, scope: str = "write", **body: object):
    return client.post(
        "/v1/feedback",
        json={"relationship": "peer", "answers": ANSWERS, **body},
        headers=tenant.headers(scope),
    )


def test_anonymous_feedback_returns_only_a_receipt(client: TestClient, tenant: Tenant) -> None:
    leader = person(client, tenant, "L")
    r = post(client, tenant, leader_id=leader, needs="More focus time", dreams="Own the roadmap")
    assert r.status_code == 201, r.text
    receipt = r.json()
    assert receipt["id"].startswith("fbk_")
    assert receipt["anonymous"] is True and receipt["content"] is None
    assert r.headers["location"] == f"/v1/feedback/{receipt['id']}"
    for scope in ("read", "admin"):
        got = client.get(f"/v1/feedback/{receipt['id']}", headers=tenant.headers(scope))
        assert got.status_code == 200
        assert got.json()["content"] is None
        assert "focus" not in got.text and "roadmap" not in got.text
    listed = client.get("/v1/feedback", params={"leader_id": leader}, headers=tenant.headers())
    assert [f["id"] for f in listed.json()["data"]] == [receipt["id"]]
    assert "focus" not in listed.text


def test_attributed_feedback_is_readable_by_admins_only(client: TestClient, tenant: Tenant) -> None:
    leader, respondent = person(client, tenant, "L"), person(client, tenant, "R")
    r = post(
        client, tenant, leader_id=leader, needs="Clarity", respondent={"person_id": respondent}
    )
    assert r.status_code == 201, r.text
    fid = r.json()["id"]
    admin = client.get(f"/v1/feedback/{fid}", headers=tenant.headers("admin")).json()
    assert admin["anonymous"] is False
    assert admin["content"]["respondent_id"] == respondent
    assert admin["content"]["needs"] == "Clarity"
    assert admin["content"]["answers"] == ANSWERS
    reader = client.get(f"/v1/feedback/{fid}", headers=tenant.headers("read")).json()
    assert reader["content"] is None


def test_rules(client: TestClient, tenant: Tenant) -> None:
    leader, other = person(client, tenant, "L"), person(client, tenant, "O")
    assert (
        post(client, tenant, leader_id=leader, respondent={"person_id": leader}).status_code == 422
    )  # about themselves
    assert post(client, tenant, leader_id="per_01JD5ZQ8W4M3KXHNB7T2C9V6RE").status_code == 422
    r = client.post(
        "/v1/feedback",
        json={"leader_id": leader, "relationship": "peer", "answers": {}},
        headers=tenant.headers(),
    )
    assert r.status_code == 422  # all four items
    r = post(client, tenant, leader_id=leader, answers={"trust": 6})
    assert r.status_code == 422
    # Ratings only of the leader's active beliefs.
    draft = client.post(
        f"/v1/leaders/{leader}/beliefs", json={"statement": "x"}, headers=tenant.headers()
    ).json()
    active = client.post(
        f"/v1/leaders/{leader}/beliefs",
        json={"statement": "y", "status": "active"},
        headers=tenant.headers(),
    ).json()
    foreign = client.post(
        f"/v1/leaders/{other}/beliefs",
        json={"statement": "z", "status": "active"},
        headers=tenant.headers(),
    ).json()
    bad = post(
        client,
        tenant,
        leader_id=leader,
        belief_ratings=[
            {"belief_id": active["id"], "rating": 5},
            {"belief_id": draft["id"], "rating": 4},
            {"belief_id": foreign["id"], "rating": 3},
        ],
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {
        "belief_ratings.1.belief_id",
        "belief_ratings.2.belief_id",
    }
    twice = post(
        client,
        tenant,
        leader_id=leader,
        belief_ratings=[
            {"belief_id": active["id"], "rating": 5},
            {"belief_id": active["id"], "rating": 4},
        ],
    )
    assert twice.status_code == 422
    assert twice.json()["errors"] == [
        {"field": "belief_ratings.1.belief_id", "message": "duplicate of belief_ratings.0"}
    ]
    ok = post(
        client, tenant, leader_id=leader, belief_ratings=[{"belief_id": active["id"], "rating": 5}]
    )
    assert ok.status_code == 201
    assert len(client.get("/v1/feedback", headers=tenant.headers()).json()["data"]) == 1


def test_scopes_and_retraction(client: TestClient, tenant: Tenant) -> None:
    leader = person(client, tenant, "L")
    assert post(client, tenant, scope="read", leader_id=leader).status_code == 403
    submitted = post(client, tenant, scope="feedback:submit", leader_id=leader)
    assert submitted.status_code == 201
    assert client.get("/v1/feedback", headers=tenant.headers("feedback:submit")).status_code == 403
    fid = submitted.json()["id"]
    assert (
        client.post(f"/v1/feedback/{fid}/retract", headers=tenant.headers("write")).status_code
        == 403
    )
    retracted = client.post(f"/v1/feedback/{fid}/retract", headers=tenant.headers("admin"))
    assert retracted.status_code == 200
    assert retracted.json()["retracted_at"] is not None


def test_other_organization_sees_nothing(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    leader = person(client, tenant, "L")
    fid = post(client, tenant, leader_id=leader).json()["id"]
    b = other_tenant.headers()
    assert client.get(f"/v1/feedback/{fid}", headers=b).status_code == 404
    assert client.post(f"/v1/feedback/{fid}/retract", headers=b).status_code == 404
    assert client.get("/v1/feedback", headers=b).json()["data"] == []
    assert client.get(f"/v1/leaders/{leader}/trust-score", headers=b).status_code == 404
    assert client.get(f"/v1/leaders/{leader}/trust-history", headers=b).status_code == 404
    assert post(client, other_tenant, leader_id=leader).status_code == 422
    assert client.get("/v1/trust-scores", headers=b).json()["data"] == []


def _all_text(engine: Engine) -> str:
    chunks = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                chunks.append(repr(tuple(row)))
        if conn.dialect.name == "postgresql":
            assert set(inspect(conn).get_table_names()) >= {
                t.name for t in Base.metadata.sorted_tables
            }
        conn.execute(text("SELECT 1"))
    return "\n".join(chunks)


def test_anonymous_respondent_reference_is_stored_nowhere(
    client: TestClient, tenant: Tenant, db: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    marker = "MARKER-7f3a2c-respondent"
    leader = person(client, tenant, "L")
    caplog.set_level(logging.DEBUG)
    for _ in range(2):
        r = post(client, tenant, leader_id=leader, respondent={"reference": marker})
        assert r.status_code == 201
    assert marker not in _all_text(db)
    assert marker not in caplog.text
    # The pseudonymous key still makes the second answer supersede the first.
    with db.connect() as conn:
        keys = conn.execute(select(Feedback.respondent_key)).scalars().all()
    assert len(keys) == 2 and len(set(keys)) == 1


def test_erasure_keeps_only_anonymous_numbers(
    client: TestClient, tenant: Tenant, db: Engine
) -> None:
    leader, respondent = person(client, tenant, "L"), person(client, tenant, "R")
    fid = post(
        client, tenant, leader_id=leader, needs="SECRET-NEED", respondent={"person_id": respondent}
    ).json()["id"]
    etag = client.get(f"/v1/people/{respondent}", headers=tenant.headers()).headers["etag"]
    assert (
        client.delete(
            f"/v1/people/{respondent}", headers=tenant.headers(**{"If-Match": etag})
        ).status_code
        == 204
    )
    receipt = client.get(f"/v1/feedback/{fid}", headers=tenant.headers("admin")).json()
    assert receipt["anonymous"] is True and receipt["content"] is None
    everything = _all_text(db)
    # Only the tombstone of the events feed still names the opaque id (so that mirrors delete
    # the person too; it ages out with the feed): no other row, no earlier event.
    assert everything.count(respondent) == 1
    events = client.get("/v1/events", params={"limit": 100}, headers=tenant.headers()).json()
    naming = [e for e in events["data"] if respondent in str(e)]
    assert [(e["type"], e["data"]) for e in naming] == [("person.deleted", {"id": respondent})]
    assert "SECRET-NEED" not in everything
    # What is about the leader goes with the leader.
    etag = client.get(f"/v1/people/{leader}", headers=tenant.headers()).headers["etag"]
    assert (
        client.delete(
            f"/v1/people/{leader}", headers=tenant.headers(**{"If-Match": etag})
        ).status_code
        == 204
    )
    assert client.get(f"/v1/feedback/{fid}", headers=tenant.headers()).status_code == 404


@pytest.mark.parametrize(
    "missing",
    [["leaned_on"], ["trust", "want_to_follow"], ["trust", "greater_good", "want_to_follow"]],
)
def test_every_trust_item_is_required_and_each_missing_one_is_named(
    client: TestClient, tenant: Tenant, missing: list[str]
) -> None:
    """A skipped item would let the item means and the overall be combined into the
    skipper's exact answer (issue 9): refused with 422 naming each missing item, nothing
    stored, and `null` is not an answer either."""
    leader = person(client, tenant, "L")
    answers = {k: v for k, v in ANSWERS.items() if k not in missing}
    for body in (answers, {**answers, **dict.fromkeys(missing)}):
        r = post(client, tenant, leader_id=leader, answers=body)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        fields = {e["field"] for e in r.json()["errors"]}
        assert fields == {f"answers.{item}" for item in missing}, fields
    listed = client.get("/v1/feedback", headers=tenant.headers()).json()["data"]
    assert listed == []
