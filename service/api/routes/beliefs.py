from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from service import demo_ids
from service.api.auth import Reader, Writer
from service.api.http import IfMatchHeader, check_if_match, set_etag
from service.api.paths import prefilled
from service.api.responses import READ, UPDATE, WRITE, link_to, success
from service.api.routing import CallingRoute
from service.api.session import SessionDep
from service.beliefs import service
from service.beliefs.models import Belief
from service.beliefs.schemas import (
    BeliefCreate,
    BeliefOut,
    BeliefPatch,
    BeliefRevisionOut,
    BeliefStatus,
)
from service.ids import id_pattern
from service.pages import Page, PageParams, cursor_field
from service.people.service import get_person
from service.types import AwareDatetime

router = APIRouter(prefix="/v1", tags=["Beliefs"], route_class=CallingRoute)

BeliefIdPath = Annotated[
    str,
    Path(
        pattern=id_pattern("blf"),
        description="Belief id.",
        examples=[demo_ids.DRAFT_BELIEF],
        openapi_examples=prefilled(demo_ids.DRAFT_BELIEF, "The demo leader's draft belief"),
    ),
]


def belief_in_org(principal: Reader, session: SessionDep, belief_id: BeliefIdPath) -> Belief:
    return service.get_belief(session, principal.org_id, belief_id)


BeliefDep = Annotated[Belief, Depends(belief_in_org)]


class BeliefPageParams(PageParams):
    cursor: str | None = cursor_field(0, demo_ids.BELIEF)


class RevisionPageParams(PageParams):
    cursor: str | None = cursor_field(2)


@router.get(
    "/beliefs",
    operation_id="list_beliefs",
    summary="List beliefs",
    description="With `leader_id`, in the leader's order (`position`); otherwise by creation.",
    responses=READ,
)
def list_beliefs(
    principal: Reader,
    session: SessionDep,
    page: Annotated[BeliefPageParams, Query()],
    leader_id: Annotated[
        str | None,
        Query(
            pattern=id_pattern("per"),
            description="Only this leader's beliefs.",
            examples=[demo_ids.LEADER],
        ),
    ] = None,
    status: Annotated[
        BeliefStatus | None, Query(description="Only this status.", examples=["active"])
    ] = None,
    updated_since: Annotated[
        AwareDatetime | None,
        Query(
            description="Only beliefs changed at or after this time (RFC 3339).",
            examples=["2025-01-01T00:00:00Z"],
        ),
    ] = None,
) -> Page[BeliefOut]:
    beliefs, cursor = service.list_beliefs(
        session,
        principal.org_id,
        page,
        leader_id=leader_id,
        status=status,
        updated_since=updated_since,
    )
    return Page[BeliefOut](data=[service.to_out(b) for b in beliefs], next_cursor=cursor)


@router.post(
    "/leaders/{leader_id:per_id}/beliefs",
    operation_id="create_belief",
    summary="Codify a belief of a leader",
    status_code=status.HTTP_201_CREATED,
    responses=success(
        WRITE,
        201,
        "The belief, with `Location` and `ETag`.",
        location=True,
        GetBelief=link_to("get_belief", "belief_id"),
        UpdateBelief=link_to("update_belief", "belief_id", if_match=True),
        DeleteBelief=link_to("delete_belief", "belief_id", if_match=True),
        ListBeliefRevisions=link_to("list_belief_revisions", "belief_id"),
    ),
)
def create_belief(
    principal: Writer,
    session: SessionDep,
    leader_id: Annotated[
        str,
        Path(
            pattern=id_pattern("per"),
            description="The leader (person id).",
            examples=[demo_ids.LEADER],
            openapi_examples=prefilled(demo_ids.LEADER, "Ada Lindqvist, the demo's leader"),
        ),
    ],
    body: BeliefCreate,
    response: Response,
) -> BeliefOut:
    leader = get_person(session, principal.org_id, leader_id)
    belief = service.create_belief(session, leader, body)
    response.headers["Location"] = f"/v1/beliefs/{belief.id}"
    set_etag(response, belief.version)
    return service.to_out(belief)


@router.get(
    "/beliefs/{belief_id:blf_id}",
    operation_id="get_belief",
    summary="Get a belief",
    responses=success(
        READ,
        200,
        "The belief, with its `ETag`.",
        UpdateBelief=link_to("update_belief", "belief_id", if_match=True),
    ),
)
def get_belief(belief: BeliefDep, response: Response) -> BeliefOut:
    set_etag(response, belief.version)
    return service.to_out(belief)


@router.patch(
    "/beliefs/{belief_id:blf_id}",
    operation_id="update_belief",
    summary="Revise a belief (a revision is kept)",
    description="Status moves `draft` → `active` → `retired` (or `draft` → `retired`); a "
    "retired belief is final (409).",
    responses=success(
        UPDATE,
        200,
        "The revised belief, with its new `ETag`.",
        GetBelief=link_to("get_belief", "belief_id"),
        ListBeliefRevisions=link_to("list_belief_revisions", "belief_id"),
        DeleteBelief=link_to("delete_belief", "belief_id", if_match=True),
    ),
)
def update_belief(
    _: Writer,
    session: SessionDep,
    belief: BeliefDep,
    body: BeliefPatch,
    if_match: IfMatchHeader,
    response: Response,
) -> BeliefOut:
    check_if_match(if_match, belief.version)
    service.update_belief(session, belief, body)
    set_etag(response, belief.version)
    return service.to_out(belief)


@router.delete(
    "/beliefs/{belief_id:blf_id}",
    operation_id="delete_belief",
    summary="Delete a draft belief",
    description="Only drafts can be deleted (409 otherwise): retire an active belief instead, "
    "so its history stays.",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=UPDATE,
)
def delete_belief(
    _: Writer, session: SessionDep, belief: BeliefDep, if_match: IfMatchHeader
) -> None:
    check_if_match(if_match, belief.version)
    service.delete_belief(session, belief)


@router.get(
    "/beliefs/{belief_id:blf_id}/revisions",
    operation_id="list_belief_revisions",
    summary="List every revision of a belief, oldest first",
    responses=READ,
)
def list_belief_revisions(
    session: SessionDep, belief: BeliefDep, page: Annotated[RevisionPageParams, Query()]
) -> Page[BeliefRevisionOut]:
    revisions, cursor = service.list_revisions(session, belief, page)
    return Page[BeliefRevisionOut](
        data=[BeliefRevisionOut.model_validate(r) for r in revisions], next_cursor=cursor
    )
