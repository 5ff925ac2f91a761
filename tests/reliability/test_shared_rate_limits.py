"""Rate limits shared across replicas (issue 10, build 7): two service processes counting in
one Redis answer 429 at the organization's documented limit, not at twice it. Runs against
the Redis on 127.0.0.1:6379 (`CALLING_TEST_REDIS_URL`); without one it skips, except under
CI=true, where it fails."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy.engine import Engine

from tests.conftest import IN_CI, make_tenant
from tests.live_server import live_server

REDIS_URL = os.environ.get("CALLING_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
LIMIT = 12


def require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if IN_CI:
            pytest.fail(f"Redis is required when CI=true but is not reachable: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL} ({exc})")


def test_two_replicas_sharing_redis_allow_the_limit_once(
    database_url: str, db: Engine, tmp_path: Path, figures: object
) -> None:
    require_redis()
    tenant = make_tenant(db, "Replicated Ltd")
    settings = {
        "rate_limit_storage": REDIS_URL,
        "rate_limit_per_minute": str(LIMIT),
        "rate_limit_burst": "0",
    }
    with (
        live_server(database_url, tmp_path / "a.log", **settings) as a,
        live_server(database_url, tmp_path / "b.log", **settings) as b,
    ):
        statuses = []
        for i in range(3 * LIMIT):
            base = (a, b)[i % 2]
            response = httpx.get(f"{base}/v1/people", headers=tenant.headers("read"), timeout=10)
            statuses.append(response.status_code)
        assert response.headers["ratelimit-remaining"] == "0"
    assert statuses.count(200) == LIMIT, statuses
    assert statuses[:LIMIT] == [200] * LIMIT
    assert set(statuses[LIMIT:]) == {429}
    figures(
        f"2 replicas, limit {LIMIT}/min: {statuses.count(200)} answered, "  # type: ignore[operator]
        f"{statuses.count(429)} refused"
    )
