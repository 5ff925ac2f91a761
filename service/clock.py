"""The service's one clock. Everything that needs "now" asks `clock.now()` (through
`service.db.utcnow`), so a test can freeze time by replacing this one function."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)
