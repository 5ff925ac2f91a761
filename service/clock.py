"""The service's one clock. Everything that needs "now" asks `clock.now()` (through
`service.db.utcnow`), so a test can freeze time by replacing this one function.

In development and tests the clock can run ahead of (or behind) real time by a fixed
offset (`CALLING_CLOCK_OFFSET_DAYS`, refused in production; applied by the app and by each
`calling` command): the whole service then lives on another date, and what documents and
tests compute from the service's clock must still hold.

A sandbox organization has a test clock of its own (`service.test_clock`): its time runs
ahead of the service's by the offset its admin advanced it. `organization_time(offset)`
makes `now()` that organization's time for the work done inside it (a request of one of
its keys, one organization's turn of a background job). Delivery machinery that must keep
the receiver's and the worker's real time (webhook scheduling and signatures, idempotency
records) asks `real_now()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime, timedelta

_ORGANIZATION_OFFSET: ContextVar[timedelta] = ContextVar(
    "calling_organization_clock_offset", default=timedelta(0)
)


class _Offset:
    value = timedelta(0)


def now() -> datetime:
    """The current time of the organization whose work is being done, timezone-aware UTC:
    real time (plus the development offset, if any), plus that organization's test clock
    offset (a sandbox's; zero otherwise). Tests freeze time by replacing this function."""
    return datetime.now(UTC) + _Offset.value + _ORGANIZATION_OFFSET.get()


def real_now() -> datetime:
    """The service's own time, whatever organization's work is being done: `now()` outside
    any organization's test clock (so a test that freezes `now` freezes this too)."""
    with organization_time(timedelta(0)):
        return now()


def set_offset(offset: timedelta) -> None:
    """Run the clock `offset` ahead of real time (negative: behind); `timedelta(0)`: real time."""
    _Offset.value = offset


def enter_organization_time(offset: timedelta) -> Token[timedelta]:
    """Make `now()` run `offset` ahead for the current context (a request's task, and the
    threads it hands work to); undo with `leave_organization_time(token)`."""
    return _ORGANIZATION_OFFSET.set(offset)


def leave_organization_time(token: Token[timedelta]) -> None:
    _ORGANIZATION_OFFSET.reset(token)


@contextmanager
def organization_time(offset: timedelta) -> Iterator[None]:
    """`now()` is the time of an organization whose clock runs `offset` ahead, inside."""
    token = enter_organization_time(offset)
    try:
        yield
    finally:
        leave_organization_time(token)
