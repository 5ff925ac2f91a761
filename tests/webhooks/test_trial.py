"""POST /v1/webhook-endpoints/{id}/test: a signed `webhook.test` sent at once, changing nothing."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from standardwebhooks.webhooks import Webhook

from tests.conftest import Tenant
from tests.webhooks.receiver import receiver
from tests.webhooks.test_delivery import register


def state(client: TestClient, tenant: Tenant, endpoint_id: str) -> tuple[object, ...]:
    """What a test send must not change: the endpoint, its delivery log, the event feed."""
    h = tenant.headers()
    return (
        client.get(f"/v1/webhook-endpoints/{endpoint_id}", headers=h).json(),
        client.get(f"/v1/webhook-endpoints/{endpoint_id}/deliveries", headers=h).json(),
        client.get("/v1/events", headers=h).json(),
    )


def test_a_test_event_arrives_signed_and_changes_nothing(
    hclient: TestClient, tenant: Tenant
) -> None:
    with receiver() as rx:
        endpoint = register(hclient, tenant, rx.url, event_types=["person.deleted"])
        before = state(hclient, tenant, endpoint["id"])
        r = hclient.post(f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=tenant.headers())
        assert r.status_code == 200, r.text
        result = r.json()
        assert len(rx.requests) == 1
    assert result["succeeded"] is True and result["status_code"] == 200
    assert result["error"] is None and result["event_type"] == "webhook.test"
    assert result["duration_ms"] >= 0
    sent = rx.requests[0]
    assert sent.headers["webhook-id"] == result["event_id"]
    payload = Webhook(endpoint["secret"]).verify(sent.body, sent.headers)
    assert payload["type"] == "webhook.test"
    assert payload["data"]["endpoint_id"] == endpoint["id"]
    assert json.loads(sent.body)["timestamp"] == result["sent_at"]
    assert state(hclient, tenant, endpoint["id"]) == before  # not in the feed, not logged


def test_a_failing_receiver_is_reported_and_the_endpoint_stays_enabled(
    hclient: TestClient, tenant: Tenant
) -> None:
    with receiver(fail_first=1, fail_status=410) as rx:
        endpoint = register(hclient, tenant, rx.url)
        r = hclient.post(f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=tenant.headers())
    assert r.status_code == 200, r.text
    assert r.json()["succeeded"] is False and r.json()["status_code"] == 410
    after = hclient.get(f"/v1/webhook-endpoints/{endpoint['id']}", headers=tenant.headers())
    assert after.json()["status"] == "enabled"  # a real 410 delivery would disable it


def test_an_unreachable_receiver_is_reported(hclient: TestClient, tenant: Tenant) -> None:
    endpoint = register(hclient, tenant, "http://127.0.0.1:9/hooks")  # nothing listens
    r = hclient.post(f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=tenant.headers())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["succeeded"] is False and body["status_code"] is None
    assert body["error"].startswith("connection failed")


def test_another_organizations_endpoint_is_not_found(
    hclient: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    with receiver() as rx:
        theirs = register(hclient, other_tenant, rx.url)
        r = hclient.post(f"/v1/webhook-endpoints/{theirs['id']}/test", headers=tenant.headers())
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/problem+json"
        assert rx.requests == []


def test_a_read_key_may_not_send_one(hclient: TestClient, tenant: Tenant) -> None:
    with receiver() as rx:
        endpoint = register(hclient, tenant, rx.url)
        r = hclient.post(
            f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=tenant.headers("read")
        )
        assert r.status_code == 403
        assert rx.requests == []


def test_a_retry_with_the_same_idempotency_key_does_not_send_again(
    hclient: TestClient, tenant: Tenant
) -> None:
    with receiver() as rx:
        endpoint = register(hclient, tenant, rx.url)
        test = f"/v1/webhook-endpoints/{endpoint['id']}/test"
        headers = tenant.headers(**{"Idempotency-Key": "try-1"})
        first = hclient.post(test, headers=headers)
        again = hclient.post(test, headers=headers)
        assert first.status_code == again.status_code == 200, (first.text, again.text)
        assert again.json() == first.json()
        assert len(rx.requests) == 1
        other = hclient.post(test, headers=tenant.headers(**{"Idempotency-Key": "try-2"}))
        assert other.json()["event_id"] != first.json()["event_id"]
        assert len(rx.requests) == 2
