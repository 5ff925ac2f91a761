"""The service's one clock. Everything that needs "now" asks `clock.now()` (through
`service.db.utcnow`), so a test can freeze time by replacing this one function.

In development and tests the clock can run ahead of (or behind) real time by a fixed
offset (`CALLING_CLOCK_OFFSET_DAYS`, refused in production; applied by the app and by each
`calling` command): the whole service then lives on another date, and what documents and
tests compute from the service's clock must still hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class _Offset:
    value = timedelta(0)


def now() -> datetime:
    """The current time, timezone-aware UTC (plus the development offset, if any)."""
    return datetime.now(UTC) + _Offset.value


def set_offset(offset: timedelta) -> None:
    """Run the clock `offset` ahead of real time (negative: behind); `timedelta(0)`: real time."""
    _Offset.value = offset
