from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Response, status

from service import demo_ids
from service.api.auth import Reader, Writer
from service.api.http import IF_MATCH_PATTERN, IfMatchHeader, PageQuery, check_if_match, set_etag
from service.api.paths import prefilled
from service.api.responses import (
    COMMON,
    ETAG,
    READ,
    UPDATE,
    WRITE,
    link,
    link_to,
    problems,
    success,
)
from service.api.routing import CallingRoute
from service.api.session import SessionDep
from service.beliefs.models import Belief
from service.beliefs.service import get_belief
from service.db import utcnow
from service.ids import id_pattern
from service.pages import Page, PageParams, cursor_field
from service.people.models import Person
from service.people.service import get_person
from service.reflections import history, schedule, service
from service.reflections.fields import Day
from service.reflections.models import Reflection
from service.reflections.schemas import (
    AlignmentHistory,
    ReflectionCreate,
    ReflectionOut,
    ReflectionPatch,
    ReflectionScope,
    ReflectionStatus,
    ScheduleOut,
    ScheduleSet,
)
from service.types import AwareDatetime

router = APIRouter(prefix="/v1", tags=["Reflections"], route_class=CallingRoute)

ReflectionIdPath = Annotated[
    str,
    Path(
        pattern=id_pattern("rfl"),
        description="Reflection id.",
        examples=[demo_ids.DRAFT_REFLECTION],
        openapi_examples=prefilled(demo_ids.DRAFT_REFLECTION, "The demo leader's draft reflection"),
    ),
]
LeaderIdPath = Annotated[
    str,
    Path(
        pattern=id_pattern("per"),
        description="The leader (person id).",
        examples=[demo_ids.LEADER],
        openapi_examples=prefilled(demo_ids.LEADER, "Ada Lindqvist, the demo's leader"),
    ),
]
BeliefIdPath = Annotated[
    str,
    Path(
        pattern=id_pattern("blf"),
        description="Belief id.",
        examples=[demo_ids.BELIEF],
        openapi_examples=prefilled(demo_ids.BELIEF, "An active belief of the demo leader"),
    ),
]
ScheduleIfMatch = Annotated[
    str,
    Header(
        alias="If-Match",
        max_length=256,
        pattern=IF_MATCH_PATTERN,
        description='The schedule\'s `ETag` (`"0"` before the cadence was ever set). Missing → '
        "428; stale → 412.",
        examples=['"0"'],
    ),
]
OptionalIfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=256,
        pattern=IF_MATCH_PATTERN,
        description="Optional: the `ETag` you read, to submit exactly that version (stale → 412).",
        examples=['"3"'],
    ),
]


def reflection_in_org(
    principal: Reader, session: SessionDep, reflection_id: ReflectionIdPath
) -> Reflection:
    return service.get_reflection(session, principal.org_id, reflection_id)


def leader_in_org(principal: Reader, session: SessionDep, leader_id: LeaderIdPath) -> Person:
    return get_person(session, principal.org_id, leader_id)


def belief_in_org(principal: Reader, session: SessionDep, belief_id: BeliefIdPath) -> Belief:
    return get_belief(session, principal.org_id, belief_id)


class ReflectionPageParams(PageParams):
    cursor: str | None = cursor_field(demo_ids.DRAFT_REFLECTION)


ReflectionDep = Annotated[Reflection, Depends(reflection_in_org)]
LeaderDep = Annotated[Person, Depends(leader_in_org)]
BeliefDep = Annotated[Belief, Depends(belief_in_org)]


# --- reflections ------------------------------------------------------------------------


@router.get(
    "/reflections",
    operation_id="list_reflections",
    summary="List reflections",
    description="By creation. `period_from` / `period_to` keep reflections whose period "
    "overlaps that range (a range that ends before it starts matches nothing).",
    responses=READ,
)
def list_reflections(
    principal: Reader,
    session: SessionDep,
    page: Annotated[ReflectionPageParams, Query()],
    leader_id: Annotated[
        str | None,
        Query(
            pattern=id_pattern("per"),
            description="Only this leader's reflections.",
            examples=[demo_ids.LEADER],
        ),
    ] = None,
    scope: Annotated[
        ReflectionScope | None, Query(description="Only this scope.", examples=["self"])
    ] = None,
    status: Annotated[
        ReflectionStatus | None, Query(description="Only this status.", examples=["submitted"])
    ] = None,
    period_from: Annotated[
        Day | None,
        Query(
            description="Only reflections whose period ends on or after this day.",
            examples=["2026-01-01"],
        ),
    ] = None,
    period_to: Annotated[
        Day | None,
        Query(
            description="Only reflections whose period starts on or before this day.",
            examples=["2026-12-31"],
        ),
    ] = None,
    updated_since: Annotated[
        AwareDatetime | None,
        Query(
            description="Only reflections changed at or after this time (RFC 3339).",
            examples=["2026-01-01T00:00:00Z"],
        ),
    ] = None,
) -> Page[ReflectionOut]:
    reflections, cursor = service.list_reflections(
        session,
        principal.org_id,
        page,
        leader_id=leader_id,
        scope=scope,
        status=status,
        period_from=period_from,
        period_to=period_to,
        updated_since=updated_since,
    )
    return Page[ReflectionOut](data=service.to_outs(session, reflections), next_cursor=cursor)


@router.post(
    "/leaders/{leader_id:per_id}/reflections",
    operation_id="create_reflection",
    summary="Start a reflection of a leader (optionally from the template)",
    description="Creates a `draft`. With `from_template: true` it holds an entry for every "
    "belief of the leader that is active (and was active by the end of the period) and an "
    "answer for every active prompt, ready to fill. Each entry must name one of the leader's "
    "own beliefs that was active during the period, and each answer an active prompt (422 "
    "otherwise, with `entries.<i>.belief_id` / `answers.<i>.prompt_id` in `errors`). With the "
    "template's rows it still holds at most 500 entries and 100 answers (422 on `entries` / "
    "`answers` otherwise).",
    status_code=status.HTTP_201_CREATED,
    responses=success(
        WRITE,
        201,
        "The draft reflection, with `Location` and `ETag`.",
        location=True,
        GetReflection=link_to("get_reflection", "reflection_id"),
        UpdateReflection=link_to("update_reflection", "reflection_id", if_match=True),
        SubmitReflection=link_to("submit_reflection", "reflection_id", if_match=True),
        DeleteReflection=link_to("delete_reflection", "reflection_id", if_match=True),
    ),
)
def create_reflection(
    _: Writer,
    session: SessionDep,
    leader: LeaderDep,
    body: ReflectionCreate,
    response: Response,
) -> ReflectionOut:
    reflection = service.create_reflection(session, leader, body)
    response.headers["Location"] = f"/v1/reflections/{reflection.id}"
    set_etag(response, reflection.version)
    return service.to_out(session, reflection)


@router.get(
    "/reflections/{reflection_id:rfl_id}",
    operation_id="get_reflection",
    summary="Get a reflection",
    responses=success(
        READ,
        200,
        "The reflection, with its `ETag`.",
        UpdateReflection=link_to("update_reflection", "reflection_id", if_match=True),
        SubmitReflection=link_to("submit_reflection", "reflection_id", if_match=True),
    ),
)
def get_reflection(
    session: SessionDep, reflection: ReflectionDep, response: Response
) -> ReflectionOut:
    set_etag(response, reflection.version)
    return service.to_out(session, reflection)


@router.patch(
    "/reflections/{reflection_id:rfl_id}",
    operation_id="update_reflection",
    summary="Fill in or change a draft reflection",
    description="`entries` or `answers`, when given, replace the whole list. A submitted "
    "reflection is immutable (409).",
    responses=success(
        UPDATE,
        200,
        "The changed draft, with its new `ETag`.",
        GetReflection=link_to("get_reflection", "reflection_id"),
        SubmitReflection=link_to("submit_reflection", "reflection_id", if_match=True),
        DeleteReflection=link_to("delete_reflection", "reflection_id", if_match=True),
    ),
)
def update_reflection(
    _: Writer,
    session: SessionDep,
    reflection: ReflectionDep,
    body: ReflectionPatch,
    if_match: IfMatchHeader,
    response: Response,
) -> ReflectionOut:
    check_if_match(if_match, reflection.version)
    service.update_reflection(session, reflection, body)
    set_etag(response, reflection.version)
    return service.to_out(session, reflection)


@router.delete(
    "/reflections/{reflection_id:rfl_id}",
    operation_id="delete_reflection",
    summary="Delete a draft reflection",
    description="Only drafts can be deleted (409 otherwise).",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=UPDATE,
)
def delete_reflection(
    _: Writer, session: SessionDep, reflection: ReflectionDep, if_match: IfMatchHeader
) -> None:
    check_if_match(if_match, reflection.version)
    service.delete_reflection(session, reflection)


@router.post(
    "/reflections/{reflection_id:rfl_id}/submit",
    operation_id="submit_reflection",
    summary="Submit a draft reflection (it becomes immutable)",
    description="Every entry needs an `alignment` (422 listing `entries.<i>.alignment` of the "
    "unfilled ones otherwise) and at least one entry is needed. Answers may stay empty. "
    "Submitting twice is 409.",
    responses=success(
        problems(*COMMON, 404, 409, 412),
        200,
        "The submitted reflection, with its new `ETag`.",
        GetReflection=link_to("get_reflection", "reflection_id"),
    ),
)
def submit_reflection(
    _: Writer,
    session: SessionDep,
    reflection: ReflectionDep,
    response: Response,
    if_match: OptionalIfMatch = None,
) -> ReflectionOut:
    if if_match is not None:
        check_if_match(if_match, reflection.version)
    service.submit_reflection(session, reflection)
    set_etag(response, reflection.version)
    return service.to_out(session, reflection)


@router.get(
    "/beliefs/{belief_id:blf_id}/alignment-history",
    operation_id="get_belief_alignment_history",
    summary="The leader's own alignment ratings of a belief over time",
    description="One point per submitted reflection that rates this belief, in submission "
    "order: the trend of living it, as the leader sees it.",
    responses=READ,
)
def get_belief_alignment_history(session: SessionDep, belief: BeliefDep) -> AlignmentHistory:
    return history.alignment_history(session, belief)


# --- cadence ----------------------------------------------------------------------------


@router.get(
    "/leaders/{leader_id:per_id}/reflection-schedule",
    operation_id="get_reflection_schedule",
    summary="When a leader's next reflection is due",
    description="`next_due_at` = `last_submitted_at` + `cadence_days` (the leader's own "
    "cadence, else the organization's `reflection_cadence_days`). A leader who never "
    "submitted a reflection is due now: `next_due_at` is `null` and `overdue` is `true` once "
    "they hold an active belief; a person without an active belief is never overdue. The "
    '`ETag` versions the leader\'s cadence setting (`"0"` until it is first set).',
    responses=success(
        READ,
        200,
        "The leader's schedule, with the `ETag` of their cadence setting.",
        SetReflectionSchedule=link(
            "set_reflection_schedule",
            "`set_reflection_schedule` of this leader, with this `ETag` as `If-Match`.",
            {"path.leader_id": "$response.body#/leader_id", "header.If-Match": ETAG},
        ),
    ),
)
def get_reflection_schedule(
    session: SessionDep, leader: LeaderDep, response: Response
) -> ScheduleOut:
    set_etag(response, schedule.current_version(session, leader))
    return schedule.schedules_for(session, leader.org_id, [leader.id])[0]


@router.put(
    "/leaders/{leader_id:per_id}/reflection-schedule",
    operation_id="set_reflection_schedule",
    summary="Set a leader's own reflection cadence",
    description="`cadence_days` 7–366, or `null` to follow the organization's default. "
    'Requires `If-Match` with the schedule\'s `ETag` (`"0"` before it was ever set).',
    responses=success(UPDATE, 200, "The leader's schedule, with the new `ETag` of the cadence."),
)
def set_reflection_schedule(
    _: Writer,
    session: SessionDep,
    leader: LeaderDep,
    body: ScheduleSet,
    if_match: ScheduleIfMatch,
    response: Response,
) -> ScheduleOut:
    check_if_match(if_match, schedule.current_version(session, leader))
    row = schedule.set_schedule(session, leader, body)
    set_etag(response, schedule.version_of(row))
    return schedule.schedules_for(session, leader.org_id, [leader.id])[0]


@router.get(
    "/reflection-schedule",
    operation_id="list_due_reflections",
    summary="List leaders whose reflection is due",
    description="Leaders (people with at least one active belief) whose next reflection is "
    "due before `due_before` (default: now), including those who never submitted one; by "
    "person id. For reminders.",
    responses=READ,
)
def list_due_reflections(
    principal: Reader,
    session: SessionDep,
    page: PageQuery,
    due_before: Annotated[
        AwareDatetime | None,
        Query(
            description="Due strictly before this time (RFC 3339); default: now.",
            examples=["2026-12-31T00:00:00Z"],
        ),
    ] = None,
) -> Page[ScheduleOut]:
    moment = due_before if due_before is not None else utcnow()
    schedules, cursor = schedule.list_due(session, principal.org_id, page, moment)
    return Page[ScheduleOut](data=schedules, next_cursor=cursor)
