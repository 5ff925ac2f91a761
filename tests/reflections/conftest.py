"""Every reflection test runs on a frozen clock (`service.clock.now` is the service's only
"now"), starting at T0; a test moves it with `clock.advance(...)`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


@dataclass
class FrozenClock:
    moment: datetime

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment

    def set(self, moment: datetime) -> datetime:
        self.moment = moment
        return moment


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FrozenClock]:
    frozen = FrozenClock(T0)
    monkeypatch.setattr("service.clock.now", frozen.now)
    yield frozen
