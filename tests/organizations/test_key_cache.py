"""Accepted API keys are remembered for `auth_cache_seconds` per replica (app): a revocation
or deactivation made through this replica takes effect at once, one made through another
replica (or outside the app) within that bound, and not before the bound is over."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from service.api.app import create_app
from service.api.keycache import KeyCache
from service.api_keys.keys import Principal
from service.api_keys.models import ApiKey
from service.db import utcnow
from service.organizations.models import Organization
from service.settings import Settings
from tests.conftest import Tenant


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _replica(settings: Settings, clock: Clock) -> TestClient:
    app = create_app(settings.model_copy(update={"auth_cache_seconds": 5.0}))
    app.state.key_cache.clock = clock
    return TestClient(app)


def test_another_replica_sees_a_revocation_within_the_bound(
    settings: Settings, db: Engine, tenant: Tenant
) -> None:
    clock = Clock()
    with _replica(settings, clock) as a, _replica(settings, clock) as b:
        created = a.post(
            "/v1/api-keys", json={"name": "temp", "scopes": ["read"]}, headers=tenant.headers()
        ).json()
        bearer = {"Authorization": f"Bearer {created['key']}"}
        assert a.get("/v1/people", headers=bearer).status_code == 200
        assert b.get("/v1/people", headers=bearer).status_code == 200  # b remembers it now
        revoked = a.post(f"/v1/api-keys/{created['id']}/revoke", headers=tenant.headers())
        assert revoked.status_code == 200
        assert a.get("/v1/people", headers=bearer).status_code == 401  # a: at once
        clock.now += 4.9
        assert b.get("/v1/people", headers=bearer).status_code == 200  # b: within the bound
        clock.now += 0.2
        refused = b.get("/v1/people", headers=bearer)  # b: once the bound is over
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"


def test_a_revocation_outside_the_app_takes_effect_within_the_bound(
    settings: Settings, db: Engine, tenant: Tenant
) -> None:
    clock = Clock()
    with _replica(settings, clock) as client:
        assert client.get("/v1/people", headers=tenant.headers("read")).status_code == 200
        with Session(db) as session, session.begin():  # as `calling keys revoke` does
            session.execute(
                update(ApiKey).where(ApiKey.org_id == tenant.org_id).values(revoked_at=utcnow())
            )
        assert client.get("/v1/people", headers=tenant.headers("read")).status_code == 200
        clock.now += 5.0
        assert client.get("/v1/people", headers=tenant.headers("read")).status_code == 401


def test_a_deactivation_through_the_app_forgets_every_key_of_the_organization(
    settings: Settings, db: Engine, tenant: Tenant
) -> None:
    clock = Clock()
    with _replica(settings, clock) as client:
        assert client.get("/v1/people", headers=tenant.headers("read")).status_code == 200
        assert client.get("/v1/people", headers=tenant.headers("write")).status_code == 200
        assert len(client.app.state.key_cache) == 2  # type: ignore[attr-defined]
        sessions = client.app.state.sessionmaker  # type: ignore[attr-defined]
        with sessions() as session, session.begin():  # one of the app's own sessions
            org = session.get(Organization, tenant.org_id)
            org.deactivated_at = utcnow()
        assert len(client.app.state.key_cache) == 0  # type: ignore[attr-defined]
        assert client.get("/v1/people", headers=tenant.headers("read")).status_code == 401


def test_a_bulk_update_of_keys_forgets_every_key(
    settings: Settings, db: Engine, tenant: Tenant
) -> None:
    clock = Clock()
    with _replica(settings, clock) as client:
        assert client.get("/v1/people", headers=tenant.headers("read")).status_code == 200
        sessions = client.app.state.sessionmaker  # type: ignore[attr-defined]
        with sessions() as session, session.begin():
            session.execute(
                update(ApiKey).where(ApiKey.org_id == tenant.org_id).values(revoked_at=utcnow())
            )
        assert client.get("/v1/people", headers=tenant.headers("read")).status_code == 401


def test_the_cache_forgets_by_organization_and_expires() -> None:
    clock = Clock()
    cache: KeyCache[Principal] = KeyCache(2.0, clock=clock, size=3)
    a = Principal("org_a", "key_a", frozenset({"read"}))
    b = Principal("org_b", "key_b", frozenset({"read"}))
    cache.put("token-a", "org_a", a)
    cache.put("token-b", "org_b", b)
    assert cache.get("token-a") == a and cache.get("token-b") == b
    assert cache.get("token-c") is None
    cache.forget("org_a")
    assert cache.get("token-a") is None and cache.get("token-b") == b
    clock.now += 2.0
    assert cache.get("token-b") is None  # expired
    for i in range(5):  # bounded: the oldest go first
        cache.put(f"t{i}", "org_a", a)
    assert len(cache) == 3 and cache.get("t0") is None and cache.get("t4") == a
    off: KeyCache[Principal] = KeyCache(0.0)
    off.put("token-a", "org_a", a)
    assert off.get("token-a") is None  # 0 turns the cache off
