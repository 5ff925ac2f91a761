"""Rate limits per organization (and per replica): 429 with `Retry-After` and the RateLimit
header fields beyond the limit; another organization is unaffected; the limit resets."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from service.api.app import create_app
from service.api.ratelimit import RateLimiter
from service.people.models import Person
from service.settings import Settings
from tests.conftest import make_tenant

RATE_HEADERS = ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy")


def _client(database_url: str, per_minute: int, burst: int) -> TestClient:
    settings = Settings(
        database_url=database_url, rate_limit_per_minute=per_minute, rate_limit_burst=burst
    )
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture
def limited(database_url: str, db: Engine) -> Iterator[TestClient]:
    """Five requests a minute per organization, no per-second cap."""
    with _client(database_url, per_minute=5, burst=0) as client:
        yield client


def test_over_the_limit_is_429_with_retry_after_and_ratelimit_fields(
    limited: TestClient, db: Engine
) -> None:
    tenant = make_tenant(db, "Busy Ltd")
    for used in range(1, 6):
        response = limited.get("/v1/people", headers=tenant.headers("read"))
        assert response.status_code == 200
        assert response.headers["ratelimit-limit"] == "5"
        assert response.headers["ratelimit-remaining"] == str(5 - used)
        assert response.headers["ratelimit-policy"] == "5;w=60"
        assert 1 <= int(response.headers["ratelimit-reset"]) <= 60
        assert "retry-after" not in response.headers

    refused = limited.post(
        "/v1/people", json={"external_id": "E1", "display_name": "Ann"}, headers=tenant.headers()
    )
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"] == "https://calling.dev/problems/rate-limited"
    assert (problem["status"], problem["instance"]) == (429, "/v1/people")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["retry-after"] == refused.headers["ratelimit-reset"]
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.headers["ratelimit-limit"] == "5"
    with db.connect() as conn:  # refused before the handler: nothing was written
        assert conn.scalar(select(func.count()).select_from(Person)) == 0


def test_another_organization_is_unaffected(limited: TestClient, db: Engine) -> None:
    busy, calm = make_tenant(db, "Busy Ltd"), make_tenant(db, "Calm Ltd")
    statuses = [limited.get("/v1/people", headers=busy.headers()).status_code for _ in range(8)]
    assert statuses == [200] * 5 + [429] * 3

    response = limited.get("/v1/people", headers=calm.headers())
    assert response.status_code == 200
    assert response.headers["ratelimit-remaining"] == "4"


def test_the_limit_resets(database_url: str, db: Engine) -> None:
    tenant = make_tenant(db, "Bursty Ltd")
    with _client(database_url, per_minute=100, burst=2) as client:
        first = [client.get("/v1/people", headers=tenant.headers()) for _ in range(3)]
        assert [r.status_code for r in first] == [200, 200, 429]
        assert first[0].headers["ratelimit-policy"] == "100;w=60, 2;w=1"
        assert first[1].headers["ratelimit-limit"] == "2"  # the window closest to running out
        retry_after = int(first[2].headers["retry-after"])
        assert retry_after == 1
        time.sleep(retry_after + 0.1)
        again = client.get("/v1/people", headers=tenant.headers())
        assert again.status_code == 200
        assert again.headers["ratelimit-remaining"] == "1"


def test_every_authenticated_response_carries_the_fields(limited: TestClient, db: Engine) -> None:
    tenant = make_tenant(db, "Errors Ltd")
    missing = limited.get("/v1/people/per_00000000000000000000000000", headers=tenant.headers())
    assert missing.status_code == 404
    assert all(name in missing.headers for name in RATE_HEADERS)
    # No organization is known without a valid key: not counted, no fields.
    anonymous = limited.get("/v1/people")
    assert anonymous.status_code == 401
    assert not any(name in anonymous.headers for name in RATE_HEADERS)
    assert limited.get("/livez").status_code == 200


def test_zero_turns_rate_limiting_off(database_url: str, db: Engine) -> None:
    tenant = make_tenant(db, "Unlimited Ltd")
    with _client(database_url, per_minute=0, burst=1) as client:
        responses = [client.get("/v1/people", headers=tenant.headers()) for _ in range(5)]
    assert {r.status_code for r in responses} == {200}
    assert not any(name in responses[-1].headers for name in RATE_HEADERS)


def test_a_burst_at_or_above_the_minute_limit_adds_nothing() -> None:
    assert [w.amount for w in RateLimiter(10, 10).windows] == [10]
    assert [w.amount for w in RateLimiter(10, 3).windows] == [10, 3]
    assert RateLimiter(0, 3).windows == []


def test_an_unreachable_shared_storage_lets_requests_through() -> None:
    """A Redis outage must not take the API down (nor make it answer 500)."""
    limiter = RateLimiter(10, 0, "redis://127.0.0.1:1/0")  # nothing listens on port 1
    started = time.monotonic()
    assert [limiter.check("org_x") for _ in range(20)] == [{}] * 20
    assert time.monotonic() - started < 5
