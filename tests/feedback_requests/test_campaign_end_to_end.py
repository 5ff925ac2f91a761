"""The acceptance scenario of issue 13, end to end through the HTTP API and the worker.

A campaign to five respondents (two outside contacts), four answer with their tokens, one
token is reused (409); after the reporting period closes the trust score counts the four
(beside two answers given directly by the survey tool: n = 2 + 4; while the period is open
it shows only the count); a loopback receiver that fails its first three deliveries receives
every event exactly once after its first 2xx, retries reusing the `webhook-id`, each
signature verified with the `standardwebhooks` package. The period's close is announced
with `trust_score.published`.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from standardwebhooks.webhooks import Webhook

from service import clock
from service.webhooks.worker import Worker
from tests.conftest import Tenant
from tests.feedback_requests.helpers import ANSWERS, answer, campaign, person
from tests.trust.helpers import close
from tests.webhooks.conftest import make_due
from tests.webhooks.receiver import receiver


def test_campaign_end_to_end(
    hclient: TestClient, tenant: Tenant, worker: Worker, db: Engine
) -> None:
    client = hclient
    with receiver(fail_first=3) as rx:
        endpoint = client.post(
            "/v1/webhook-endpoints", json={"url": rx.url}, headers=tenant.headers()
        )
        assert endpoint.status_code == 201, endpoint.text
        secret = endpoint.json()["secret"]

        leader = person(client, tenant, "L")
        staff = [person(client, tenant, f"S{i}") for i in range(3)]
        for ref in ("d1", "d2"):  # two answers given directly by the survey tool
            r = client.post(
                "/v1/feedback",
                json={
                    "leader_id": leader,
                    "relationship": "peer",
                    "answers": ANSWERS,
                    "respondent": {"reference": ref},
                },
                headers=tenant.headers("feedback:submit"),
            )
            assert r.status_code == 201

        created = campaign(
            client,
            tenant,
            leader,
            [
                *({"person_id": p, "relationship": "direct_report"} for p in staff),
                {"reference": "acme-buyer", "relationship": "external_customer"},
                {"reference": "steel-supplier", "relationship": "supplier"},
            ],
            message="What do you need from me?",
            due_at="2099-01-01T00:00:00Z",
        )
        tokens = [t["token"] for t in created["tokens"]]
        answering = [tokens[0], tokens[1], tokens[3], tokens[4]]  # two staff, both outside
        for token in answering:
            r = answer(client, token, needs="Clear priorities")
            assert r.status_code == 201, r.text
        assert answer(client, answering[2]).status_code == 409  # reuse

        got = client.get(f"/v1/feedback-requests/{created['id']}", headers=tenant.headers())
        assert (got.json()["asked"], got.json()["answered"], got.json()["pending"]) == (5, 4, 1)

        url = f"/v1/leaders/{leader}/trust-score"
        score = client.get(url, headers=tenant.headers()).json()
        assert score["period"] is None and score["open_period"]["answers"] == 2 + 4
        end = datetime.fromisoformat(score["open_period"]["end"].replace("Z", "+00:00"))
        with pytest.MonkeyPatch.context() as later:  # the period ends; the closer runs
            later.setattr(clock, "now", lambda: end + timedelta(hours=1))
            assert close(db) == 1
            score = client.get(url, headers=tenant.headers()).json()
        assert score["period"]["end"] == score["open_period"]["start"]
        assert score["overall"]["n"] == 2 + 4

        for _ in range(10):  # the worker runs; time passes between its rounds
            worker.drain()
            make_due(db)

    events = []
    cursor = None
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/events", params=params, headers=tenant.headers()).json()
        events += page["data"]
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert len(rx.requests) == len(events) + 3
    first_ok = next(i for i, r in enumerate(rx.requests) if r.status == 200)
    assert first_ok == 3
    delivered = Counter(r.headers["webhook-id"] for r in rx.ok())
    assert delivered == Counter(e["id"] for e in events)  # every event, exactly once
    assert {r.headers["webhook-id"] for r in rx.requests[:3]} <= set(delivered)
    hook = Webhook(secret)
    for r in rx.ok():
        hook.verify(r.body, r.headers)
    types = Counter(e["type"] for e in events)
    assert types["feedback.received"] == 6
    assert types["feedback_request.created"] == 1
    assert types["trust_score.published"] == 1
    assert "acme-buyer" not in str(events) and "Clear priorities" not in str(events)
