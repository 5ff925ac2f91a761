"""Replaying the `Idempotency-Key` of an anonymous answer reveals nothing about its body
(issue 18, P2), and no stored record links a response token's recipient to its answer (P3)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from service.db import make_sessionmaker
from service.idempotency.models import IdempotencyRecord
from tests.conftest import Tenant
from tests.feedback_requests.helpers import ANSWERS, answer, campaign, person


def _anonymous(leader: str, trust: int) -> dict[str, Any]:
    return {
        "leader_id": leader,
        "relationship": "peer",
        "respondent": {"reference": "r-1"},
        "answers": {**ANSWERS, "trust": trust},
        "needs": "Clear priorities",
    }


def _strip(problem: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in problem.items() if k not in {"instance", "request_id"}}


def test_a_replay_of_an_anonymous_answer_is_the_same_for_every_guess(
    client: TestClient, tenant: Tenant, db: Engine
) -> None:
    leader = person(client, tenant, "L")
    headers = tenant.headers("write", **{"Idempotency-Key": "anon-1"})
    first = client.post("/v1/feedback", json=_anonymous(leader, 2), headers=headers)
    assert first.status_code == 201, first.text
    replies = [
        client.post("/v1/feedback", json=_anonymous(leader, guess), headers=headers)
        for guess in (1, 2, 3, 4, 5)
    ]
    assert {r.status_code for r in replies} == {409}
    assert len({str(_strip(r.json())) for r in replies}) == 1  # the right guess looks the same
    varying = {"x-request-id", "date", "content-length"}  # and the rate limit's counters
    shapes = {
        tuple(sorted((k, v) for k, v in r.headers.items()
                     if k not in varying and not k.startswith("ratelimit")))
        for r in replies
    }  # fmt: skip
    assert len(shapes) == 1
    with make_sessionmaker(db)() as session:
        records = session.scalars(select(IdempotencyRecord)).all()
    receipt = first.json()["id"].rpartition("_")[2].encode()
    assert records and all(receipt not in bytes(r.body) for r in records)


def test_an_attributed_answer_still_replays(client: TestClient, tenant: Tenant) -> None:
    leader, giver = person(client, tenant, "L"), person(client, tenant, "G")
    body = {**_anonymous(leader, 4), "respondent": {"person_id": giver}}
    headers = tenant.headers("write", **{"Idempotency-Key": "attr-1"})
    first = client.post("/v1/feedback", json=body, headers=headers)
    again = client.post("/v1/feedback", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()


def test_no_record_links_a_token_to_its_answer(
    client: TestClient, tenant: Tenant, db: Engine
) -> None:
    leader = person(client, tenant, "L")
    made = campaign(client, tenant, leader, [{"reference": "buyer", "relationship": "supplier"}])
    token, recipient = made["tokens"][0]["token"], made["tokens"][0]["id"]
    first = client.post(
        "/v1/feedback-responses",
        json={"answers": ANSWERS},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "tok-1"},
    )
    assert first.status_code == 201, first.text
    receipt = first.json()["id"]
    with make_sessionmaker(db)() as session:
        records = session.scalars(
            select(IdempotencyRecord).where(IdempotencyRecord.api_key_id == recipient)
        ).all()
        everything = session.scalars(select(IdempotencyRecord)).all()
    assert records, "the key's use is recorded (a retry is refused, not repeated)"
    marker = receipt.rpartition("_")[2].encode()
    assert all(marker not in bytes(r.body) for r in everything)
    assert all(receipt not in str(r.headers) for r in everything)
    replay = client.post(
        "/v1/feedback-responses",
        json={"answers": ANSWERS},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "tok-1"},
    )
    assert replay.status_code == 409
    assert receipt not in replay.text
    assert answer(client, token).status_code == 409  # used: the token answers once
