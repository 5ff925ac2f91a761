"""Reporting periods: calendar-aligned (UTC) months, quarters, half-years or years, and the
organization's settings schedule. Pure; no I/O.

An organization's *schedule* is a list of settings versions, each in force from an instant
(`effective_from`) on; the first is in force from `EPOCH`. A settings change made while a
period is open takes effect at that period's end, so every period is computed with one set
of settings: the version in force at its start.

Periods of a version with `period_months = m` end on the calendar boundaries that are
multiples of m months from January (1 → every month, 3 → 1 Jan/Apr/Jul/Oct, 6 → 1 Jan/Jul,
12 → 1 Jan). The first period of a version starts at its `effective_from` (the end of the
previous period, always the first of a month) and ends at the next boundary of the new
length after it: a change from quarters to years made in February takes effect on 1 April
and gives one *transition period* 1 April – 1 January, then calendar years.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PERIOD_MONTHS = (1, 3, 6, 12)
DEFAULT_PERIOD_MONTHS = 3


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive
    end: datetime  # exclusive

    def contains(self, t: datetime) -> bool:
        return self.start <= t < self.end


@dataclass(frozen=True)
class Version:
    """The organization's settings in force from `effective_from` on."""

    effective_from: datetime
    settings: Mapping[str, Any]

    @property
    def months(self) -> int:
        months = int(self.settings.get("period_months", DEFAULT_PERIOD_MONTHS))
        if months not in PERIOD_MONTHS:
            raise ValueError(f"period_months must be one of {PERIOD_MONTHS}, got {months}")
        return months


Schedule = Sequence[Version]


def _month_index(t: datetime) -> int:
    return t.year * 12 + t.month - 1


def _month_start(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def _check(schedule: Schedule) -> None:
    if not schedule or schedule[0].effective_from != EPOCH:
        raise ValueError("a schedule starts with a version in force from EPOCH")
    for a, b in pairwise(schedule):
        if not a.effective_from < b.effective_from:
            raise ValueError("schedule versions must be in increasing order")


def version_index(schedule: Schedule, t: datetime) -> int:
    _check(schedule)
    index = 0
    for i, version in enumerate(schedule):
        if version.effective_from <= t:
            index = i
    return index


def version_at(schedule: Schedule, t: datetime) -> Version:
    """The settings version in force at `t`."""
    return schedule[version_index(schedule, t)]


def period_of(schedule: Schedule, t: datetime) -> Period:
    """The reporting period that contains `t`."""
    if t < EPOCH:
        raise ValueError("periods start at EPOCH")
    i = version_index(schedule, t)
    version = schedule[i]
    m = version.months
    aligned = _month_start(_month_index(t) // m * m)
    start = max(aligned, version.effective_from)
    end = _month_start((_month_index(start) // m + 1) * m)
    if i + 1 < len(schedule):
        end = min(end, schedule[i + 1].effective_from)
    return Period(start, end)


def periods_between(schedule: Schedule, start: datetime, until: datetime) -> list[Period]:
    """The consecutive periods from the one containing `start` up to those ended by `until`."""
    out: list[Period] = []
    period = period_of(schedule, start)
    while period.end <= until:
        out.append(period)
        period = period_of(schedule, period.end)
    return out


def with_change(schedule: Schedule, now: datetime, settings: Mapping[str, Any]) -> list[Version]:
    """The schedule after a settings change made at `now`: the new settings apply from the end
    of the period open at `now` (replacing any change already waiting for that moment)."""
    effective = period_of(schedule, now).end
    kept = [v for v in schedule if v.effective_from < effective]
    if dict(kept[-1].settings) == dict(settings):
        return kept
    return [*kept, Version(effective, dict(settings))]


def schedule_to_json(schedule: Schedule) -> list[dict[str, Any]]:
    return [
        {"effective_from": v.effective_from.isoformat(), "settings": dict(v.settings)}
        for v in schedule
    ]


def schedule_from_json(data: Sequence[Mapping[str, Any]]) -> list[Version]:
    schedule = [
        Version(datetime.fromisoformat(str(v["effective_from"])), dict(v["settings"])) for v in data
    ]
    _check(schedule)
    return schedule
