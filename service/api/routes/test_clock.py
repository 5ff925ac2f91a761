"""A sandbox organization's test clock over HTTP (`service.test_clock`): read it, advance it.

A live organization's keys get 403 here, and nothing changes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body
from fastapi.openapi.models import Example

from service.api.auth import Admin, Reader
from service.api.responses import READ, WRITE, success
from service.api.routing import CallingRoute
from service.api.session import SessionDep
from service.test_clock import TestClockAdvance, TestClockOut, advance, clock_out, sandbox_of

router = APIRouter(prefix="/v1/test-clock", tags=["Test clock"], route_class=CallingRoute)

_SANDBOX_ONLY: dict[int | str, dict[str, str]] = {
    403: {
        "description": "Not a sandbox organization (a live organization has no test clock), "
        "or the key lacks the scope."
    }
}


_ADVANCE_EXAMPLES: dict[str, Example] = {
    "a_quarter": {
        "summary": "A quarter ahead",
        "description": "Past the end of the open quarter, whatever day it is.",
        "value": {"days": 92},
    },
    "to_the_period_end": {
        "summary": "To the open period's end",
        "description": "`to` the `open_period.end` a read of the clock answered.",
        "value": {"to": "2027-04-01T00:00:00Z"},
    },
}


@router.get(
    "",
    operation_id="get_test_clock",
    summary="Read the sandbox's test clock",
    description="The sandbox organization's current time, how far it runs ahead of real "
    "time, and its open reporting period. Sandbox organizations only (403 otherwise).",
    responses={**READ, **_SANDBOX_ONLY},
)
def get_test_clock(principal: Reader, session: SessionDep) -> TestClockOut:
    return clock_out(sandbox_of(session, principal.org_id))


@router.post(
    "/advance",
    operation_id="advance_test_clock",
    summary="Advance the sandbox's test clock (admin)",
    description="Moves the sandbox organization's time forward — never back — by `days` or "
    "`to` an instant, and does at once what time does: the reporting periods that ended "
    "close (scores, alignment, themes and their events), retention applies, reflections "
    "fall due (`reflection.due`), tokens and campaigns past their expiry stop working. "
    "Only this organization's time moves; events are dated by it, while webhook deliveries "
    "and their signatures keep real time. Sandbox organizations only (403 otherwise, "
    "nothing changes).",
    responses=success(
        {**WRITE, **_SANDBOX_ONLY}, 200, "The clock after the advance, and the periods it closed."
    ),
)
def advance_test_clock(
    principal: Admin,
    session: SessionDep,
    body: Annotated[TestClockAdvance, Body(openapi_examples=_ADVANCE_EXAMPLES)],
) -> TestClockOut:
    return advance(session, principal.org_id, body)
