"""Sandbox organizations and their test clocks (issue 21), through the API only, on SQLite
and PostgreSQL, with the real clock: a sandbox sees its own data's figures as soon as its
clock passes the period's end; a live organization cannot move time, and nothing of a
sandbox's clock reaches another organization."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from standardwebhooks import Webhook

from service.db import make_sessionmaker
from service.settings import Settings
from service.webhooks.worker import Worker
from tests.conftest import Tenant
from tests.feedback_requests.helpers import answer, campaign
from tests.trust.helpers import all_items, person
from tests.webhooks.receiver import receiver


def onboard(client: TestClient, platform_key: str, name: str, *, sandbox: bool) -> Tenant:
    r = client.post(
        "/v1/platform/organizations",
        json={"name": name, "sandbox": sandbox},
        headers={"Authorization": f"Bearer {platform_key}"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["organization"]["sandbox"] is sandbox
    key = body["admin_key"]["key"]
    assert key.startswith("csk_test_") is sandbox
    assert body["admin_key"]["prefix"].startswith("csk_test_") is sandbox
    return Tenant(body["organization"]["id"], key, dict.fromkeys(("admin", "write", "read"), key))


def get(client: TestClient, tenant: Tenant, path: str, **params: str) -> dict[str, Any]:
    r = client.get(path, params=params, headers=tenant.headers("read"))
    assert r.status_code == 200, r.text
    return dict(r.json())


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def circle(client: TestClient, tenant: Tenant, period: dict[str, str]) -> str:
    """A leader with two active beliefs, their own reflection on them in `period`, and
    five direct reports who answer (trust, belief ratings, a shared need)."""
    leader = person(client, tenant, "leader")
    beliefs = []
    for statement in ("Trust is given first.", "Say why."):
        r = client.post(
            f"/v1/leaders/{leader}/beliefs",
            json={"statement": statement, "status": "active"},
            headers=tenant.headers(),
        )
        assert r.status_code == 201, r.text
        beliefs.append(r.json()["id"])
    last_day = (at(period["end"]) - timedelta(days=1)).date().isoformat()
    r = client.post(
        f"/v1/leaders/{leader}/reflections",
        json={"period_start": period["start"][:10], "period_end": last_day, "scope": "self"},
        headers=tenant.headers(),
    )
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    entries = [{"belief_id": b, "alignment": 5} for b in beliefs]
    r = client.patch(
        f"/v1/reflections/{rid}",
        json={"entries": entries},
        headers=tenant.headers(**{"If-Match": '"1"'}),
    )
    assert r.status_code == 200, r.text
    r = client.post(f"/v1/reflections/{rid}/submit", headers=tenant.headers(**{"If-Match": '"2"'}))
    assert r.status_code == 200, r.text
    for i in range(5):
        r = client.post(
            "/v1/feedback",
            json={
                "leader_id": leader,
                "relationship": "direct_report",
                "answers": all_items(4),
                "belief_ratings": [{"belief_id": b, "rating": 3} for b in beliefs],
                "needs": f"Clearer priorities please {i}",
                "respondent": {"reference": f"dr-{i}"},
            },
            headers=tenant.headers("write"),
        )
        assert r.status_code == 201, r.text
    return leader


def test_a_sandbox_sees_its_own_figures_once_its_clock_passes_the_period_end(
    client: TestClient, platform_key: str
) -> None:
    sandbox = onboard(client, platform_key, "Acme sandbox", sandbox=True)
    live = onboard(client, platform_key, "Acme", sandbox=False)
    clock = get(client, sandbox, "/v1/test-clock")
    assert clock["offset_seconds"] == 0 and clock["closed_periods"] == []
    period = clock["open_period"]
    assert at(period["start"]) <= at(clock["now"]) < at(period["end"])
    leader = circle(client, sandbox, period)
    live_leader = circle(client, live, period)
    assert get(client, sandbox, f"/v1/leaders/{leader}/trust-score")["period"] is None
    live_org = get(client, live, "/v1/organization")

    r = client.post(
        "/v1/test-clock/advance",
        json={"to": period["end"]},
        headers=sandbox.headers(**{"Idempotency-Key": "advance-1"}),
    )
    assert r.status_code == 200, r.text
    assert r.headers["Calling-Sandbox"] == "true"
    moved = r.json()
    assert moved["closed_periods"] == [period]
    assert (
        at(moved["now"])
        >= at(period["end"])
        > at(moved["open_period"]["start"]) - timedelta(seconds=1)
    )
    assert moved["open_period"]["start"] == period["end"]
    # A retry with the same key replays the advance, it does not move the clock again.
    again = client.post(
        "/v1/test-clock/advance",
        json={"to": period["end"]},
        headers=sandbox.headers(**{"Idempotency-Key": "advance-1"}),
    )
    assert again.status_code == 200 and again.json() == moved

    score = get(client, sandbox, f"/v1/leaders/{leader}/trust-score")
    assert score["period"] == period
    assert score["overall"]["suppressed"] is False and score["overall"]["n"] == 5
    assert score["overall"]["score"] is not None
    alignment = get(client, sandbox, f"/v1/leaders/{leader}/alignment")
    assert alignment["period"] == period
    rows = alignment["beliefs"]
    assert len(rows) == 2
    assert all(row["classification"] != "insufficient_data" for row in rows), rows
    themes = get(client, sandbox, f"/v1/leaders/{leader}/themes")
    assert themes["period"] == period
    assert [(t["key"], t["respondents"]) for t in themes["themes"] if t["key"] == "clarity"] == [
        ("clarity", 5)
    ]
    # The period's events are dated by the sandbox's clock.
    events = get(client, sandbox, "/v1/events", type="trust_score.published")["data"]
    assert events and all(at(e["timestamp"]) >= at(period["end"]) for e in events)

    # The live organization, with the same answers in the same period: nothing closed, and
    # it cannot move time.
    assert get(client, live, f"/v1/leaders/{live_leader}/trust-score")["period"] is None
    for method, path, body in (
        ("POST", "/v1/test-clock/advance", {"days": 100}),
        ("GET", "/v1/test-clock", None),
    ):
        refused = client.request(method, path, json=body, headers=live.headers())
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "sandbox" in refused.json()["detail"]
        assert "Calling-Sandbox" not in refused.headers
    assert get(client, live, "/v1/organization") == live_org
    assert get(client, live, f"/v1/leaders/{live_leader}/trust-score")["period"] is None
    assert get(client, live, "/v1/themes")["themes"] == []
    assert get(client, live, "/v1/events", type="trust_score.published")["data"] == []


def test_a_sandbox_flags_every_response_and_its_keys(client: TestClient, platform_key: str) -> None:
    sandbox = onboard(client, platform_key, "Sandbox", sandbox=True)
    live = onboard(client, platform_key, "Live", sandbox=False)
    assert get(client, sandbox, "/v1/organization")["sandbox"] is True
    assert get(client, live, "/v1/organization")["sandbox"] is False
    for path in ("/v1/organization", "/v1/people/per_01JD5ZQ8W4M3KXHNB7T2C9V6RE", "/v1/api-keys"):
        assert client.get(path, headers=sandbox.headers()).headers["Calling-Sandbox"] == "true"
        assert "Calling-Sandbox" not in client.get(path, headers=live.headers()).headers
    keys = get(client, sandbox, "/v1/api-keys")["data"]
    assert keys and all(k["prefix"].startswith("csk_test_") for k in keys)
    r = client.post(
        "/v1/api-keys", json={"name": "HR sync", "scopes": ["write"]}, headers=sandbox.headers()
    )
    assert r.status_code == 201 and r.json()["key"].startswith("csk_test_")
    # A sandbox key with the live prefix (or a live key with the sandbox's) is no key.
    forged = sandbox.admin_key.replace("csk_test_", "csk_", 1)
    assert (
        client.get("/v1/organization", headers={"Authorization": f"Bearer {forged}"}).status_code
        == 401
    )
    forged = live.admin_key.replace("csk_", "csk_test_", 1)
    assert (
        client.get("/v1/organization", headers={"Authorization": f"Bearer {forged}"}).status_code
        == 401
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"days": 0},
        {"days": -3},
        {"days": 3661},
        {"days": 5, "to": "2999-01-01T00:00:00Z"},
        {"to": "2000-01-01T00:00:00Z"},
        {"to": "2999-01-01T00:00:00"},
        {"to": "9999-01-01T00:00:00Z"},
    ],
)
def test_a_test_clock_only_moves_forward_within_bounds(
    client: TestClient, platform_key: str, body: dict[str, Any]
) -> None:
    sandbox = onboard(client, platform_key, "Sandbox", sandbox=True)
    r = client.post("/v1/test-clock/advance", json=body, headers=sandbox.headers())
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert get(client, sandbox, "/v1/test-clock")["offset_seconds"] == 0


def test_advancing_needs_an_admin_key(client: TestClient, platform_key: str) -> None:
    sandbox = onboard(client, platform_key, "Sandbox", sandbox=True)
    r = client.post(
        "/v1/api-keys", json={"name": "reader", "scopes": ["read"]}, headers=sandbox.headers()
    )
    reader = r.json()["key"]
    refused = client.post(
        "/v1/test-clock/advance", json={"days": 1}, headers={"Authorization": f"Bearer {reader}"}
    )
    assert refused.status_code == 403
    assert get(client, sandbox, "/v1/test-clock")["offset_seconds"] == 0


def test_two_sandboxes_keep_their_own_time(client: TestClient, platform_key: str) -> None:
    one = onboard(client, platform_key, "One", sandbox=True)
    two = onboard(client, platform_key, "Two", sandbox=True)
    r = client.post("/v1/test-clock/advance", json={"days": 30}, headers=one.headers())
    assert r.status_code == 200, r.text
    assert r.json()["offset_seconds"] == 30 * 86_400
    r = client.post("/v1/test-clock/advance", json={"days": 2}, headers=one.headers())
    assert r.json()["offset_seconds"] == 32 * 86_400
    assert get(client, two, "/v1/test-clock")["offset_seconds"] == 0
    ahead = at(get(client, one, "/v1/test-clock")["now"]) - at(
        get(client, two, "/v1/test-clock")["now"]
    )
    assert timedelta(days=32) - timedelta(seconds=5) < ahead < timedelta(days=32, seconds=5)
    # What one sandbox creates is dated by its own time.
    created = client.post(
        "/v1/people", json={"external_id": "p", "display_name": "P"}, headers=one.headers()
    ).json()["created_at"]
    assert at(created) - at(get(client, two, "/v1/test-clock")["now"]) > timedelta(days=31)


def test_tokens_and_campaigns_expire_by_the_sandbox_clock(
    client: TestClient, platform_key: str
) -> None:
    sandbox = onboard(client, platform_key, "Sandbox", sandbox=True)
    leader = person(client, sandbox, "L")
    now = at(get(client, sandbox, "/v1/test-clock")["now"])
    created = campaign(
        client,
        sandbox,
        leader,
        [
            {"reference": "a", "relationship": "supplier"},
            {"reference": "b", "relationship": "supplier"},
        ],
        expires_at=(now + timedelta(days=10)).isoformat(),
    )
    first = answer(client, created["tokens"][0]["token"], needs="Forecasts")
    assert first.status_code == 201, first.text
    assert first.headers["Calling-Sandbox"] == "true"
    r = client.post("/v1/test-clock/advance", json={"days": 11}, headers=sandbox.headers())
    assert r.status_code == 200, r.text
    assert answer(client, created["tokens"][1]["token"]).status_code == 401
    got = get(client, sandbox, f"/v1/feedback-requests/{created['id']}")
    assert got["pending"] == 0


def test_a_sandbox_may_use_http_and_loopback_receivers_a_live_one_may_not(
    client: TestClient, platform_key: str
) -> None:
    sandbox = onboard(client, platform_key, "Sandbox", sandbox=True)
    live = onboard(client, platform_key, "Live", sandbox=False)
    # Far ahead, so a signature dated by the sandbox's clock would fail the receiver's check.
    r = client.post("/v1/test-clock/advance", json={"days": 400}, headers=sandbox.headers())
    assert r.status_code == 200, r.text
    with receiver() as hook:
        for url in (hook.url, "http://93.184.215.14/hooks/calling"):
            refused = client.post(
                "/v1/webhook-endpoints", json={"url": url}, headers=live.headers()
            )
            assert refused.status_code == 422, refused.text
        r = client.post("/v1/webhook-endpoints", json={"url": hook.url}, headers=sandbox.headers())
        assert r.status_code == 201, r.text
        endpoint = r.json()
        r = client.post(
            "/v1/webhook-endpoints",
            json={"url": "http://93.184.215.14/hooks/calling"},
            headers=sandbox.headers(),
        )
        assert r.status_code == 201, r.text
        # Private addresses stay refused for a sandbox too.
        for url in ("http://10.0.0.7/hook", "http://169.254.169.254/latest/meta-data"):
            r = client.post("/v1/webhook-endpoints", json={"url": url}, headers=sandbox.headers())
            assert r.status_code == 422, (url, r.text)
        tried = client.post(
            f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=sandbox.headers()
        )
        assert tried.status_code == 200, tried.text
        assert tried.json()["succeeded"] is True and tried.json()["status_code"] == 200
        (got,) = hook.requests
    # Signed with real time: the receiver's library accepts it (5 minutes' tolerance).
    payload = Webhook(endpoint["secret"]).verify(got.body, got.headers)
    assert payload["type"] == "webhook.test"


def test_a_sandboxs_events_are_delivered_at_once_to_its_loopback_receiver(
    client: TestClient, platform_key: str, db: Engine, settings: Settings
) -> None:
    sandbox = onboard(client, platform_key, "Sandbox", sandbox=True)
    live = onboard(client, platform_key, "Live", sandbox=False)
    r = client.post("/v1/test-clock/advance", json={"days": 400}, headers=sandbox.headers())
    assert r.status_code == 200, r.text
    sandbox_now = at(r.json()["now"])
    # The deployment's defaults: no loopback for live organizations, yes for sandboxes.
    worker = Worker(
        sessions=make_sessionmaker(db), server_secret=settings.secret_key.get_secret_value()
    )
    with receiver() as hook:
        r = client.post("/v1/webhook-endpoints", json={"url": hook.url}, headers=sandbox.headers())
        assert r.status_code == 201, r.text
        secret = r.json()["secret"]
        person(client, sandbox, "P")
        person(client, live, "P")
        assert worker.drain() == 1  # due at once, though the event is dated 400 days ahead
        (got,) = hook.requests
    payload = Webhook(secret).verify(got.body, got.headers)
    assert payload["type"] == "person.created"
    assert at(payload["timestamp"]) >= sandbox_now - timedelta(seconds=5)


def test_advancing_keeps_the_organizations_revision(client: TestClient, platform_key: str) -> None:
    sandbox = onboard(client, platform_key, "Sandbox", sandbox=True)
    before = client.get("/v1/organization", headers=sandbox.headers())
    r = client.post("/v1/test-clock/advance", json={"days": 3}, headers=sandbox.headers())
    assert r.status_code == 200, r.text
    after = client.get("/v1/organization", headers=sandbox.headers())
    assert after.headers["ETag"] == before.headers["ETag"]
    assert after.json()["revision"] == before.json()["revision"]
    # And the key's next request already runs on the new time (the key cache forgot it).
    created = client.post(
        "/v1/people", json={"external_id": "p", "display_name": "P"}, headers=sandbox.headers()
    ).json()["created_at"]
    assert at(created) > datetime.now(UTC) + timedelta(days=3) - timedelta(seconds=5)
