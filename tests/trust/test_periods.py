"""Reporting periods and the settings schedule (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.periods.calendar import (
    EPOCH,
    Period,
    Version,
    period_of,
    periods_between,
    schedule_from_json,
    schedule_to_json,
    version_at,
    with_change,
)

PROPS = settings(max_examples=300, deadline=None)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def default(months: int = 3) -> list[Version]:
    return [Version(EPOCH, {"period_months": months, "min_group_size": 3})]


moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(UTC)
)
changes = st.lists(
    st.tuples(moments, st.sampled_from([1, 3, 6, 12]), st.integers(3, 6)), max_size=6
)


def schedule_with(made: list[tuple[datetime, int, int]]) -> list[Version]:
    schedule = default()
    for when, months, k in sorted(made):
        schedule = with_change(schedule, when, {"period_months": months, "min_group_size": k})
    return schedule


def is_month_start(t: datetime) -> bool:
    return t.tzinfo is not None and (t.day, t.hour, t.minute, t.second, t.microsecond) == (
        1,
        0,
        0,
        0,
        0,
    )


@pytest.mark.parametrize(
    ("months", "t", "start", "end"),
    [
        (3, utc(2026, 2, 10), utc(2026, 1, 1), utc(2026, 4, 1)),
        (3, utc(2026, 4, 1), utc(2026, 4, 1), utc(2026, 7, 1)),
        (3, utc(2026, 12, 31, 23, 59), utc(2026, 10, 1), utc(2027, 1, 1)),
        (1, utc(2026, 2, 28, 12), utc(2026, 2, 1), utc(2026, 3, 1)),
        (6, utc(2026, 7, 1), utc(2026, 7, 1), utc(2027, 1, 1)),
        (12, utc(2026, 3, 3), utc(2026, 1, 1), utc(2027, 1, 1)),
    ],
)
def test_calendar_aligned_periods(months: int, t: datetime, start: datetime, end: datetime) -> None:
    assert period_of(default(months), t) == Period(start, end)


def test_quarters_to_years_has_a_transition_period() -> None:
    """Changed in February: Q1 keeps its quarter and settings; a transition period runs from
    1 April to the next calendar year, then calendar years."""
    schedule = with_change(default(3), utc(2026, 2, 10), {"period_months": 12, "min_group_size": 4})
    assert period_of(schedule, utc(2026, 3, 31)) == Period(utc(2026, 1, 1), utc(2026, 4, 1))
    assert version_at(schedule, utc(2026, 3, 31)).settings["min_group_size"] == 3
    assert period_of(schedule, utc(2026, 4, 1)) == Period(utc(2026, 4, 1), utc(2027, 1, 1))
    assert period_of(schedule, utc(2027, 5, 1)) == Period(utc(2027, 1, 1), utc(2028, 1, 1))
    assert version_at(schedule, utc(2026, 4, 1)).settings["min_group_size"] == 4


def test_a_second_change_in_the_same_period_replaces_the_first() -> None:
    once = with_change(default(), utc(2026, 2, 1), {"period_months": 1, "min_group_size": 3})
    twice = with_change(once, utc(2026, 3, 1), {"period_months": 12, "min_group_size": 3})
    assert [v.effective_from for v in twice] == [EPOCH, utc(2026, 4, 1)]
    assert twice[-1].months == 12
    # Changing back to what is in force removes the pending change.
    back = with_change(once, utc(2026, 3, 1), default()[0].settings)
    assert back == default()


def test_schedule_round_trips_through_json() -> None:
    schedule = with_change(default(), utc(2026, 2, 1), {"period_months": 6, "min_group_size": 5})
    assert schedule_from_json(schedule_to_json(schedule)) == schedule
    with pytest.raises(ValueError, match="EPOCH"):
        schedule_from_json([{"effective_from": "2026-01-01T00:00:00+00:00", "settings": {}}])
    with pytest.raises(ValueError, match="period_months"):
        Version(EPOCH, {"period_months": 2}).months


@PROPS
@given(made=changes, t=moments)
def test_every_moment_is_in_exactly_one_aligned_period(
    made: list[tuple[datetime, int, int]], t: datetime
) -> None:
    schedule = schedule_with(made)
    period = period_of(schedule, t)
    assert period.contains(t)
    assert is_month_start(period.start) and is_month_start(period.end)
    # Consecutive: the next period starts where this one ends, the previous ends here.
    assert period_of(schedule, period.end).start == period.end
    assert period_of(schedule, period.start - timedelta(microseconds=1)).end == period.start
    # One set of settings for the whole period: the version in force at its start.
    version = version_at(schedule, period.start)
    assert version_at(schedule, period.end - timedelta(microseconds=1)) == version
    # Never longer than the version's length; ends on its calendar boundary or at a change.
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month
    assert 1 <= months <= version.months
    aligned = (period.end.year * 12 + period.end.month - 1) % version.months == 0
    assert aligned or any(v.effective_from == period.end for v in schedule)


@PROPS
@given(made=changes, when=moments, months=st.sampled_from([1, 3, 6, 12]))
def test_a_change_never_touches_the_open_or_an_earlier_period(
    made: list[tuple[datetime, int, int]], when: datetime, months: int
) -> None:
    before = schedule_with([m for m in made if m[0] <= when])
    after = with_change(before, when, {"period_months": months, "min_group_size": 4})
    open_period = period_of(before, when)
    for t in (when, open_period.start, open_period.end - timedelta(microseconds=1)):
        assert period_of(after, t) == period_of(before, t)
        assert version_at(after, t) == version_at(before, t)
    assert version_at(after, open_period.end).settings["period_months"] == months


def test_periods_between_lists_the_ended_ones() -> None:
    schedule = default(3)
    ended = periods_between(schedule, utc(2026, 2, 1), utc(2026, 10, 1))
    assert [p.start.month for p in ended] == [1, 4, 7]
    assert periods_between(schedule, utc(2026, 2, 1), utc(2026, 3, 31)) == []
