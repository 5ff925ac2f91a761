"""SSRF through the API: refused at registration (422) and again at delivery (DNS rebinding),
with a stub resolver so no test touches the network."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from service.api.app import create_app
from service.db import make_sessionmaker
from service.events.outbox import WebhookDelivery
from service.settings import Settings
from service.webhooks.delivery import Outcome
from service.webhooks.ssrf import Target
from service.webhooks.worker import Worker
from tests.conftest import Tenant
from tests.webhooks.test_delivery import register
from tests.webhooks.test_ssrf import PUBLIC, REFUSED


class StubDNS:
    def __init__(self) -> None:
        self.answers = {"hooks.example.com": [PUBLIC], "internal.example.com": ["10.1.2.3"]}
        self.answers["metadata.example.com"] = ["169.254.169.254"]

    def __call__(self, host: str, port: int) -> list[str]:
        if host not in self.answers:
            raise OSError("NXDOMAIN")
        return self.answers[host]


@pytest.fixture(scope="session")
def stub_app(settings: Settings) -> FastAPI:
    app = create_app(settings)  # production behaviour: no loopback exception
    app.state.webhook_resolver = StubDNS()
    return app


@pytest.fixture
def sclient(stub_app: FastAPI, db: Engine) -> Iterator[TestClient]:
    stub_app.state.webhook_resolver = StubDNS()
    with TestClient(stub_app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(
    "url", [*REFUSED, "http://127.0.0.1:8080/", "https://localhost/", "http://[::1]:80/"]
)
def test_registration_refuses_with_422(sclient: TestClient, tenant: Tenant, url: str) -> None:
    r = sclient.post("/v1/webhook-endpoints", json={"url": url}, headers=tenant.headers())
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "url"
    assert sclient.get("/v1/webhook-endpoints", headers=tenant.headers()).json()["data"] == []


def test_changing_the_url_is_checked_too(sclient: TestClient, tenant: Tenant) -> None:
    r = sclient.post(
        "/v1/webhook-endpoints",
        json={"url": "https://hooks.example.com/in"},
        headers=tenant.headers(),
    )
    assert r.status_code == 201, r.text
    etag = r.headers["etag"]
    bad = sclient.patch(
        f"/v1/webhook-endpoints/{r.json()['id']}",
        json={"url": "https://internal.example.com/in"},
        headers=tenant.headers(**{"If-Match": etag}),
    )
    assert bad.status_code == 422


def test_dns_rebinding_is_refused_at_delivery_and_the_address_is_pinned(
    sclient: TestClient, stub_app: FastAPI, tenant: Tenant, db: Engine, settings: Settings
) -> None:
    r = sclient.post(
        "/v1/webhook-endpoints",
        json={"url": "https://hooks.example.com/in"},
        headers=tenant.headers(),
    )
    assert r.status_code == 201, r.text
    dns: StubDNS = stub_app.state.webhook_resolver
    sent: list[Target] = []

    def send(target: Target, headers: dict[str, str], body: bytes) -> Outcome:
        sent.append(target)
        return Outcome(200)

    worker = Worker(
        sessions=make_sessionmaker(db),
        server_secret=settings.secret_key.get_secret_value(),
        resolve=dns,
        send=send,
    )
    sclient.post(
        "/v1/people", json={"external_id": "A", "display_name": "A"}, headers=tenant.headers()
    ).raise_for_status()
    worker.drain()
    # Delivered to the address that was checked, with the name for Host and TLS.
    assert [(t.address, t.host, t.scheme, t.port) for t in sent] == [
        (PUBLIC, "hooks.example.com", "https", 443)
    ]

    dns.answers["hooks.example.com"] = ["10.0.0.7"]  # the attacker's DNS now points inside
    sclient.post(
        "/v1/people", json={"external_id": "B", "display_name": "B"}, headers=tenant.headers()
    ).raise_for_status()
    worker.drain()
    assert len(sent) == 1  # nothing was sent to the private address
    with Session(db) as session:
        refused = session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.status == "pending")
        ).one()
        assert refused.last_error is not None and refused.last_error.startswith("refused")
        assert refused.attempts == 1


MALFORMED_HOSTS = [
    "https://a..b.test/hook",
    "https://.test/hook",
    f"https://{'a' * 64}.test/hook",
    f"https://{'a' * 63}.{'b' * 63}.{'c' * 63}.{'d' * 63}.test/hook",
]


@pytest.fixture
def real_dns_client(settings: Settings, db: Engine) -> Iterator[TestClient]:
    """The app with its own resolver: the idna codec runs before any DNS query, so these
    hosts never reach the network."""
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("url", MALFORMED_HOSTS)
def test_a_host_that_is_no_dns_name_is_422_on_create_and_patch(
    real_dns_client: TestClient, sclient: TestClient, tenant: Tenant, url: str
) -> None:
    r = real_dns_client.post("/v1/webhook-endpoints", json={"url": url}, headers=tenant.headers())
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["field"] == "url"
    created = sclient.post(
        "/v1/webhook-endpoints",
        json={"url": "https://hooks.example.com/calling"},
        headers=tenant.headers(),
    )
    assert created.status_code == 201, created.text
    endpoint = f"/v1/webhook-endpoints/{created.json()['id']}"
    if_match = {"If-Match": created.headers["etag"]}
    r = real_dns_client.patch(endpoint, json={"url": url}, headers=tenant.headers() | if_match)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "url"
    assert sclient.get(endpoint, headers=tenant.headers()).json()["url"] == (
        "https://hooks.example.com/calling"
    )


def test_a_test_event_is_pinned_and_refused_after_dns_rebinding(
    sclient: TestClient, stub_app: FastAPI, tenant: Tenant
) -> None:
    endpoint = register(sclient, tenant, "https://hooks.example.com/in")
    test = f"/v1/webhook-endpoints/{endpoint['id']}/test"
    sent: list[Target] = []

    def send(target: Target, headers: dict[str, str], body: bytes) -> Outcome:
        sent.append(target)
        return Outcome(204)

    stub_app.state.webhook_sender = send
    try:
        first = sclient.post(test, headers=tenant.headers())
        assert first.status_code == 200, first.text
        assert first.json()["succeeded"] is True and first.json()["status_code"] == 204
        assert [(t.address, t.host) for t in sent] == [(PUBLIC, "hooks.example.com")]

        stub_app.state.webhook_resolver.answers["hooks.example.com"] = ["10.0.0.7"]
        second = sclient.post(test, headers=tenant.headers())
    finally:
        del stub_app.state.webhook_sender
    assert second.status_code == 200, second.text
    assert second.json()["succeeded"] is False and second.json()["status_code"] is None
    assert second.json()["error"].startswith("refused:")
    assert len(sent) == 1  # nothing went to the inside address
