"""Deliveries: Standard Webhooks signatures, retries with the same id, 410, rotation, log."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from service.webhooks.worker import Worker
from tests.conftest import Tenant
from tests.webhooks.conftest import make_due
from tests.webhooks.receiver import receiver


def register(client: TestClient, tenant: Tenant, url: str, **extra: Any) -> dict[str, Any]:
    r = client.post("/v1/webhook-endpoints", json={"url": url, **extra}, headers=tenant.headers())
    assert r.status_code == 201, r.text
    return dict(r.json())


def people(client: TestClient, tenant: Tenant, n: int, prefix: str = "E") -> None:
    for i in range(n):
        r = client.post(
            "/v1/people",
            json={"external_id": f"{prefix}{i}", "display_name": f"P{i}"},
            headers=tenant.headers(),
        )
        assert r.status_code == 201


def test_every_event_arrives_once_signed_after_failures(
    hclient: TestClient, tenant: Tenant, worker: Worker, db: Engine
) -> None:
    with receiver(fail_first=3) as rx:
        endpoint = register(hclient, tenant, rx.url)
        people(hclient, tenant, 5)
        for _ in range(10):
            worker.drain()
            make_due(db)
        assert len(rx.requests) == 5 + 3
    events = hclient.get("/v1/events", headers=tenant.headers()).json()["data"]
    ok = rx.ok()
    assert sorted(r.headers["webhook-id"] for r in ok) == sorted(e["id"] for e in events)
    failed_ids = {r.headers["webhook-id"] for r in rx.requests[:3]}
    assert failed_ids <= {r.headers["webhook-id"] for r in ok}  # retries reuse the id
    wh = Webhook(endpoint["secret"])
    by_id = {e["id"]: e for e in events}
    for r in ok:
        payload = wh.verify(r.body, r.headers)
        event = by_id[r.headers["webhook-id"]]
        assert payload["type"] == event["type"] and payload["data"] == event["data"]
    log = hclient.get(
        f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", headers=tenant.headers()
    ).json()["data"]
    assert {d["status"] for d in log} == {"succeeded"}
    assert sorted(d["attempts"] for d in log) == [1, 1, 2, 2, 2]


def test_a_wrong_secret_does_not_verify(
    hclient: TestClient, tenant: Tenant, worker: Worker, other_tenant: Tenant
) -> None:
    with receiver() as rx:
        register(hclient, tenant, rx.url)
        theirs = register(hclient, other_tenant, "http://127.0.0.1:9/")
        people(hclient, tenant, 1)
        worker.drain()
    with pytest.raises(WebhookVerificationError):
        Webhook(theirs["secret"]).verify(rx.requests[0].body, rx.requests[0].headers)


def test_rotation_signs_with_both_secrets_during_the_overlap(
    hclient: TestClient, tenant: Tenant, worker: Worker
) -> None:
    with receiver() as rx:
        old = register(hclient, tenant, rx.url)
        rotated = hclient.post(
            f"/v1/webhook-endpoints/{old['id']}/rotate-secret",
            json={"overlap_hours": 24},
            headers=tenant.headers(),
        )
        assert rotated.status_code == 200, rotated.text
        new = rotated.json()
        assert new["secret"] != old["secret"] and new["previous_secret_expires_at"]
        people(hclient, tenant, 1)
        worker.drain()
        newest = hclient.post(
            f"/v1/webhook-endpoints/{old['id']}/rotate-secret",
            json={"overlap_hours": 0},
            headers=tenant.headers(),
        ).json()
        people(hclient, tenant, 1, prefix="F")
        worker.drain()
    first, second = rx.requests
    assert len(first.headers["webhook-signature"].split(" ")) == 2
    Webhook(old["secret"]).verify(first.body, first.headers)
    Webhook(new["secret"]).verify(first.body, first.headers)
    # Without an overlap only the newest secret signs.
    assert len(second.headers["webhook-signature"].split(" ")) == 1
    Webhook(newest["secret"]).verify(second.body, second.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new["secret"]).verify(second.body, second.headers)


def test_410_disables_the_endpoint(
    hclient: TestClient, tenant: Tenant, worker: Worker, db: Engine
) -> None:
    with receiver(fail_first=100, fail_status=410) as rx:
        endpoint = register(hclient, tenant, rx.url)
        people(hclient, tenant, 3)
        worker.drain()
        make_due(db)
        worker.drain()
        assert len(rx.requests) == 1
    got = hclient.get(f"/v1/webhook-endpoints/{endpoint['id']}", headers=tenant.headers()).json()
    assert got["status"] == "disabled" and "410" in got["disabled_reason"]


def test_redeliver_sends_the_same_event_again(
    hclient: TestClient, tenant: Tenant, worker: Worker
) -> None:
    with receiver() as rx:
        endpoint = register(hclient, tenant, rx.url)
        people(hclient, tenant, 1)
        worker.drain()
        base = f"/v1/webhook-endpoints/{endpoint['id']}/deliveries"
        (delivery,) = hclient.get(base, headers=tenant.headers()).json()["data"]
        r = hclient.post(f"{base}/{delivery['id']}/redeliver", headers=tenant.headers())
        assert r.status_code == 200 and r.json()["status"] == "pending"
        again = hclient.post(f"{base}/{delivery['id']}/redeliver", headers=tenant.headers())
        assert again.status_code == 409
        worker.drain()
    assert [r.headers["webhook-id"] for r in rx.requests] == [delivery["event_id"]] * 2


def test_subscriptions_filter_types_and_payloads_hold_ids_only(
    hclient: TestClient, tenant: Tenant, worker: Worker
) -> None:
    with receiver() as rx:
        register(hclient, tenant, rx.url, event_types=["feedback.received"])
        people(hclient, tenant, 1)
        leader = hclient.get("/v1/people", headers=tenant.headers()).json()["data"][0]["id"]
        hclient.post(
            "/v1/feedback",
            json={
                "leader_id": leader,
                "relationship": "peer",
                "answers": {"trust": 4, "greater_good": 4, "want_to_follow": 4, "leaned_on": 4},
                "respondent": {"reference": "who-am-i"},
                "needs": "a secret need",
            },
            headers=tenant.headers(),
        ).raise_for_status()
        worker.drain()
    (only,) = rx.requests
    body = json.loads(only.body)
    assert body["type"] == "feedback.received"
    assert set(body["data"]) == {"id", "leader_id"}
    assert b"who-am-i" not in only.body and b"secret need" not in only.body


def test_endpoint_secrets_are_shown_once(hclient: TestClient, tenant: Tenant) -> None:
    endpoint = register(hclient, tenant, "http://127.0.0.1:9/")
    got = hclient.get(f"/v1/webhook-endpoints/{endpoint['id']}", headers=tenant.headers())
    assert "secret" not in got.json()
    assert endpoint["secret"] not in got.text
    listed = hclient.get("/v1/webhook-endpoints", headers=tenant.headers())
    assert endpoint["secret"] not in listed.text
    # Managing webhooks needs an admin key.
    r = hclient.get("/v1/webhook-endpoints", headers=tenant.headers("write"))
    assert r.status_code == 403


def test_a_slow_receiver_never_holds_up_the_api(
    hclient: TestClient, tenant: Tenant, worker: Worker
) -> None:
    """No transaction is open while the worker waits for a receiver (SQLite has one writer)."""
    import threading
    import time

    from service.webhooks.delivery import Outcome

    started = threading.Event()

    def slow(target: object, headers: dict[str, str], body: bytes) -> Outcome:
        started.set()
        time.sleep(2)
        return Outcome(200)

    worker.send = slow
    register(hclient, tenant, "http://127.0.0.1:9/")
    people(hclient, tenant, 1)
    thread = threading.Thread(target=worker.drain)
    thread.start()
    assert started.wait(10)
    t0 = time.monotonic()
    people(hclient, tenant, 1, prefix="G")
    assert time.monotonic() - t0 < 1.5
    thread.join()
