"""Rate limits per organization, and per client address for requests without a valid key.

Two moving windows (the `limits` library): `rate_limit_per_minute` requests in any 60 s,
and at most `rate_limit_burst` of them in any one second. A request over either is refused
with `429` and `Retry-After`. Every authenticated response carries the `RateLimit-Limit`,
`RateLimit-Remaining` and `RateLimit-Reset` fields of the window closest to running out,
and `RateLimit-Policy` names both windows (IETF httpapi RateLimit header fields draft).

The counters live where `rate_limit_storage` says: in this process (`memory://`, the
default: each replica counts on its own) or in a storage every replica shares
(`redis://host:6379/0`), so N replicas allow the documented rate, not N times it. When the
shared storage cannot be reached the request is let through (and logged): a Redis outage
must not take the API down.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from service.errors import TooManyRequests
from service.problem_types import RATE_LIMITED
from service.settings import Settings

STATE_KEY = "rate_limit_headers"
logger = logging.getLogger("calling.ratelimit")


def count_request(request: Request, org_id: str) -> None:
    """Count a request of `org_id` against this replica's limiter (429 when over it) and
    keep the RateLimit fields for the response to carry. (Blocks on a shared storage: call
    it from a worker thread, or `acount_request` from the event loop.)"""
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if limiter is not None and limiter.enabled:
        setattr(request.state, STATE_KEY, limiter.check(org_id))


def count_anonymous_request(request: Request) -> None:
    """Count a request without a valid key against its client address (429 when over);
    such a request gets no RateLimit fields (it has no organization)."""
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if limiter is not None and limiter.enabled:
        limiter.check(_address(request), who="this client address")


async def acount_request(request: Request, org_id: str) -> None:
    """`count_request` from the event loop: in place, or in a worker thread when the
    storage is remote."""
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if limiter is not None and limiter.enabled:
        setattr(request.state, STATE_KEY, await limiter.count(org_id))


async def acount_anonymous_request(request: Request) -> None:
    """`count_anonymous_request` from the event loop."""
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if limiter is not None and limiter.enabled:
        await limiter.count(_address(request), who="this client address")


def _address(request: Request) -> str:
    return "address:" + (request.client.host if request.client is not None else "unknown")


class RateLimiter:
    def __init__(self, per_minute: int, burst: int, storage: str = "memory://") -> None:
        self.windows: list[RateLimitItem] = []
        if per_minute > 0:
            self.windows.append(RateLimitItemPerMinute(per_minute))
            if 0 < burst < per_minute:
                self.windows.append(RateLimitItemPerSecond(burst))
        # A shared storage answers within half a second, or the request goes through.
        remote = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
        options = remote if storage.startswith(("redis://", "rediss://")) else {}
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage, **options))
        # A shared storage is a network round trip: counted in a worker thread, not on the
        # event loop. The in-process one is a few microseconds: counted in place.
        self.remote = bool(options)
        self._policy = ", ".join(f"{w.amount};w={w.get_expiry()}" for w in self.windows)

    @classmethod
    def for_settings(cls, settings: Settings) -> RateLimiter:
        return cls(
            settings.rate_limit_per_minute,
            settings.rate_limit_burst,
            settings.rate_limit_storage.get_secret_value(),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.windows)

    async def count(self, org_id: str, who: str = "your organization") -> dict[str, str]:
        """`check`, off the event loop when the storage is remote."""
        if self.remote:
            return await run_in_threadpool(self.check, org_id, who)
        return self.check(org_id, who)

    def check(self, org_id: str, who: str = "your organization") -> dict[str, str]:
        """Count one request of `org_id`; return the RateLimit header fields, or raise
        `TooManyRequests` (not counted) when a window is full."""
        if not self.windows:
            return {}
        try:
            refused = next((w for w in self.windows if not self._limiter.test(w, org_id)), None)
            if refused is None:  # count it in every window (`hit` refuses when a race filled one)
                refused = next((w for w in self.windows if not self._limiter.hit(w, org_id)), None)
            headers = self._headers(org_id, refused)
        except Exception as exc:  # the shared storage is down: let the request through
            logger.warning("rate limit storage unavailable: %s", type(exc).__name__)
            return {}
        if refused is not None:
            raise TooManyRequests(
                f"Too many requests for {who}; retry after the indicated delay.",
                cause=RATE_LIMITED,
                headers={**headers, "Retry-After": headers["RateLimit-Reset"]},
            )
        return headers

    def _headers(self, org_id: str, refused: RateLimitItem | None) -> dict[str, str]:
        now = time.time()
        stats = []
        for window in self.windows:
            reset_at, remaining = self._limiter.get_window_stats(window, org_id)
            remaining = 0 if window is refused else max(0, remaining)
            reset = max(1, math.ceil(reset_at - now)) if remaining < window.amount else 0
            stats.append((remaining, -window.get_expiry(), window.amount, reset))
        remaining, _, limit, reset = min(stats)  # the window closest to running out
        return {
            "RateLimit-Limit": str(limit),
            "RateLimit-Remaining": str(remaining),
            "RateLimit-Reset": str(reset),
            "RateLimit-Policy": self._policy,
        }
