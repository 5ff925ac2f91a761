"""A sandbox organization's test clock: its time, advanced by its admin, never back.

A sandbox (`Organization.sandbox`, made so by a platform key) lives `test_clock_seconds`
ahead of the service's time (`service.clock`). Every request of its keys and response tokens,
and its turn of every background job, runs on that time: answers fall into its periods,
tokens and campaigns expire by it, reflections fall due by it, its events are dated by it.
Advancing it does at once, in the same transaction, what the background jobs would do by
that time: the periods that ended close (trust tables, insights, their events), retention
applies, and due reflections are announced. Nothing of it touches another organization.
Webhook deliveries and idempotency records keep the service's time (`clock.real_now`):
receivers check signatures against their own clocks.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from pydantic import Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service import clock
from service.closing import close_due, purge_expired_feedback
from service.errors import Forbidden, Unprocessable
from service.insights.themes import prepare as prepare_themes
from service.organizations.models import Organization
from service.organizations.service import schedule_of
from service.periods.calendar import Period, period_of
from service.problem_types import NOT_A_SANDBOX, TEST_CLOCK_OUT_OF_RANGE
from service.reflections.due import emit_due_in_organization
from service.schema import Schema
from service.trust.schemas import PeriodRef
from service.types import AwareDatetime

# Ten years ahead at most, in one step or in all: a sandbox's periods stay computable.
MAX_ADVANCE_DAYS = 3660
LIVE_HAS_NO_TEST_CLOCK = (
    "Only a sandbox organization has a test clock; a live organization's time is real time. "
    "Create a sandbox with a platform key (`sandbox: true`)."
)


class AdvanceByDays(Schema):
    """Move the sandbox's clock this many days forward."""

    days: int = Field(
        ge=1,
        le=MAX_ADVANCE_DAYS,
        description="Move the clock this many days ahead.",
        examples=[92],
    )


class AdvanceTo(Schema):
    """Move the sandbox's clock forward to an instant."""

    to: AwareDatetime = Field(
        description="Move the clock to this instant (RFC 3339 with offset); it must be "
        "later than the sandbox's current time — a test clock never goes back. Use the "
        "`open_period.end` a read of the clock answers to close the open period.",
        examples=["2027-04-01T00:00:00Z"],
    )


# How far to move the clock forward: by `days`, or `to` an instant (exactly one).
TestClockAdvance = AdvanceByDays | AdvanceTo


class TestClockOut(Schema):
    """The sandbox's clock: its time, how far it runs ahead of real time, its open period."""

    now: datetime = Field(
        description="The sandbox's current time: what its answers, periods, tokens, "
        "reflections and events go by.",
        examples=["2027-04-01T00:00:05Z"],
    )
    offset_seconds: int = Field(
        ge=0,
        le=MAX_ADVANCE_DAYS * 86_400,
        description="How far the sandbox's time runs ahead of real time, in seconds.",
        examples=[7_948_800],
    )
    open_period: PeriodRef = Field(
        description="The reporting period open at the sandbox's time: advance `to` its "
        "`end` to close it.",
        examples=[{"start": "2027-04-01T00:00:00Z", "end": "2027-07-01T00:00:00Z"}],
    )
    closed_periods: list[PeriodRef] = Field(
        max_length=MAX_ADVANCE_DAYS,
        description="The periods this advance closed (their scores, alignment and themes "
        "are readable now), oldest first; empty when reading the clock.",
        examples=[[{"start": "2027-01-01T00:00:00Z", "end": "2027-04-01T00:00:00Z"}]],
    )


def sandbox_of(session: Session, org_id: str, *, lock: bool = False) -> Organization:
    """The organization, if it is a sandbox; 403 for a live one (it has no test clock)."""
    stmt = select(Organization).where(Organization.org_id == org_id)
    org = session.scalar(stmt.with_for_update() if lock else stmt)
    if org is None or not org.sandbox:
        raise Forbidden(LIVE_HAS_NO_TEST_CLOCK, cause=NOT_A_SANDBOX)
    return org


def _ref(period: Period) -> PeriodRef:
    return PeriodRef(start=period.start, end=period.end)


def clock_out(org: Organization, closed: list[Period] | None = None) -> TestClockOut:
    now = clock.real_now() + org.clock_offset
    return TestClockOut(
        now=now,
        offset_seconds=org.test_clock_seconds,
        open_period=_ref(period_of(schedule_of(org), now)),
        closed_periods=[_ref(p) for p in closed or []],
    )


def _to(body: TestClockAdvance) -> datetime:
    assert isinstance(body, AdvanceTo)
    return body.to


def advance(session: Session, org_id: str, body: TestClockAdvance) -> TestClockOut:
    """Move the sandbox's clock forward and do what its time now asks for (see the module)."""
    prepare_themes()  # before the organization's row is locked
    org = sandbox_of(session, org_id, lock=True)  # one advance at a time per sandbox
    real = clock.real_now()
    current = real + org.clock_offset
    by_days = isinstance(body, AdvanceByDays)
    days = body.days if isinstance(body, AdvanceByDays) else None
    target = current + timedelta(days=days) if days is not None else _to(body)
    if target <= current:
        raise Unprocessable(
            "A test clock only moves forward: `to` must be later than the sandbox's time "
            f"({current.isoformat()}).",
            errors=[{"field": "to", "message": "must be later than the sandbox's current time"}],
            cause=TEST_CLOCK_OUT_OF_RANGE,
        )
    if isinstance(body, AdvanceByDays):
        offset = org.test_clock_seconds + body.days * 86_400
    else:  # whole seconds, never short of `to`
        offset = math.ceil((target - real).total_seconds())
    if offset > MAX_ADVANCE_DAYS * 86_400:
        raise Unprocessable(
            f"A test clock runs at most {MAX_ADVANCE_DAYS} days ahead of real time.",
            errors=[{"field": "days" if by_days else "to", "message": "too far ahead"}],
            cause=TEST_CLOCK_OUT_OF_RANGE,
        )
    # Not a change of the organization's representation: its revision (ETag) stays.
    session.execute(
        update(Organization)
        .where(Organization.org_id == org.org_id)
        .values(test_clock_seconds=offset)
        .execution_options(synchronize_session="fetch")
    )
    with clock.organization_time(org.clock_offset):
        now = clock.now()
        closed = close_due(session, org, now)
        purge_expired_feedback(session, org, now)
        emit_due_in_organization(session, org.org_id, now)
    return clock_out(org, closed)
