from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Response, status
from fastapi.openapi.models import Example

from service import demo_ids
from service.api.auth import Reader, Writer
from service.api.http import IfMatchHeader, check_if_match, set_etag
from service.api.paths import prefilled
from service.api.responses import READ, UPDATE, WRITE, link_to, success
from service.api.routes.reflections import BeliefIdPath, LeaderIdPath, ReflectionIdPath
from service.api.routing import CallingRoute
from service.api.session import SessionDep
from service.commitments import service
from service.commitments.models import Commitment
from service.commitments.schemas import (
    CommitmentCreate,
    CommitmentFromEntry,
    CommitmentOut,
    CommitmentPatch,
    CommitmentRevisionOut,
    CommitmentStatus,
)
from service.ids import id_pattern
from service.pages import Page, PageParams, cursor_field
from service.people.service import get_person
from service.reflections.service import get_reflection
from service.types import AwareDatetime

router = APIRouter(prefix="/v1", tags=["Commitments"], route_class=CallingRoute)

CommitmentIdPath = Annotated[
    str,
    Path(
        pattern=id_pattern("cmt"),
        description="Commitment id.",
        examples=[demo_ids.COMMITMENT],
        openapi_examples=prefilled(demo_ids.COMMITMENT, "The demo leader's commitment in progress"),
    ),
]


_PATCH_EXAMPLES: dict[str, Example] = {
    "done": {
        "summary": "Done, with a note",
        "description": "The demo's commitment in progress is done: an update is appended.",
        "value": {"status": "done", "note": "Done: every team meeting opens with the priorities."},
    },
    "revise": {
        "summary": "A later due date",
        "description": "Revise a field (a revision is kept; no update is appended).",
        "value": {"due_on": "2026-09-30"},
    },
}


def commitment_in_org(
    principal: Reader, session: SessionDep, commitment_id: CommitmentIdPath
) -> Commitment:
    return service.get_commitment(session, principal.org_id, commitment_id)


CommitmentDep = Annotated[Commitment, Depends(commitment_in_org)]


class CommitmentPageParams(PageParams):
    cursor: str | None = cursor_field(demo_ids.COMMITMENT)


class RevisionPageParams(PageParams):
    cursor: str | None = cursor_field(2)


_CREATED = success(
    WRITE,
    201,
    "The commitment, with `Location` and `ETag`.",
    location=True,
    GetCommitment=link_to("get_commitment", "commitment_id"),
    UpdateCommitment=link_to("update_commitment", "commitment_id", if_match=True),
    DeleteCommitment=link_to("delete_commitment", "commitment_id", if_match=True),
    ListCommitmentRevisions=link_to("list_commitment_revisions", "commitment_id"),
)


@router.get(
    "/leaders/{leader_id:per_id}/commitments",
    operation_id="list_commitments",
    summary="List a leader's commitments",
    description="Oldest first.",
    responses=READ,
)
def list_commitments(
    principal: Reader,
    session: SessionDep,
    leader_id: LeaderIdPath,
    page: Annotated[CommitmentPageParams, Query()],
    status: Annotated[
        CommitmentStatus | None, Query(description="Only this status.", examples=["in_progress"])
    ] = None,
    updated_since: Annotated[
        AwareDatetime | None,
        Query(
            description="Only commitments changed at or after this time (RFC 3339).",
            examples=["2025-01-01T00:00:00Z"],
        ),
    ] = None,
) -> Page[CommitmentOut]:
    leader = get_person(session, principal.org_id, leader_id)
    commitments, cursor = service.list_commitments(
        session, leader, page, status=status, updated_since=updated_since
    )
    return Page[CommitmentOut](data=[service.to_out(c) for c in commitments], next_cursor=cursor)


@router.post(
    "/leaders/{leader_id:per_id}/commitments",
    operation_id="create_commitment",
    summary="Make a commitment of a leader",
    description="Every belief and reflection its `links` name must be the leader's, and every "
    "period a closed one (422, nothing written).",
    status_code=status.HTTP_201_CREATED,
    responses=_CREATED,
)
def create_commitment(
    principal: Writer,
    session: SessionDep,
    leader_id: LeaderIdPath,
    body: CommitmentCreate,
    response: Response,
) -> CommitmentOut:
    leader = get_person(session, principal.org_id, leader_id)
    commitment = service.create_commitment(session, leader, body)
    response.headers["Location"] = f"/v1/commitments/{commitment.id}"
    set_etag(response, commitment.version)
    return service.to_out(commitment)


@router.post(
    "/reflections/{reflection_id:rfl_id}/entries/{belief_id:blf_id}/commitment",
    operation_id="commit_to_next_step",
    summary="Turn a reflection entry's next step into a commitment",
    description="A `planned` commitment whose statement is the entry's `next_step`, linked to "
    "the entry and its belief (422 when the entry has no `next_step`).",
    status_code=status.HTTP_201_CREATED,
    responses=_CREATED,
)
def commit_to_next_step(
    principal: Writer,
    session: SessionDep,
    reflection_id: ReflectionIdPath,
    belief_id: BeliefIdPath,
    body: CommitmentFromEntry,
    response: Response,
) -> CommitmentOut:
    reflection = get_reflection(session, principal.org_id, reflection_id)
    commitment = service.commit_to_next_step(session, reflection, belief_id, body)
    response.headers["Location"] = f"/v1/commitments/{commitment.id}"
    set_etag(response, commitment.version)
    return service.to_out(commitment)


@router.get(
    "/commitments/{commitment_id:cmt_id}",
    operation_id="get_commitment",
    summary="Get a commitment",
    responses=success(
        READ,
        200,
        "The commitment, with its `ETag`.",
        UpdateCommitment=link_to("update_commitment", "commitment_id", if_match=True),
    ),
)
def get_commitment(commitment: CommitmentDep, response: Response) -> CommitmentOut:
    set_etag(response, commitment.version)
    return service.to_out(commitment)


@router.patch(
    "/commitments/{commitment_id:cmt_id}",
    operation_id="update_commitment",
    summary="Revise a commitment or update its status (a revision is kept)",
    description="Status moves `planned` → `in_progress` → `done` (or to `dropped` from either); "
    "each change of status appends a dated update with `note`; a `done` or `dropped` "
    "commitment is final (409).",
    responses=success(
        UPDATE,
        200,
        "The revised commitment, with its new `ETag`.",
        GetCommitment=link_to("get_commitment", "commitment_id"),
        ListCommitmentRevisions=link_to("list_commitment_revisions", "commitment_id"),
        DeleteCommitment=link_to("delete_commitment", "commitment_id", if_match=True),
    ),
)
def update_commitment(
    _: Writer,
    session: SessionDep,
    commitment: CommitmentDep,
    body: Annotated[CommitmentPatch, Body(openapi_examples=_PATCH_EXAMPLES)],
    if_match: IfMatchHeader,
    response: Response,
) -> CommitmentOut:
    check_if_match(if_match, commitment.version)
    service.update_commitment(session, commitment, body)
    set_etag(response, commitment.version)
    return service.to_out(commitment)


@router.delete(
    "/commitments/{commitment_id:cmt_id}",
    operation_id="delete_commitment",
    summary="Delete a commitment",
    description="With its revisions and updates. To keep its history, drop it instead.",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=UPDATE,
)
def delete_commitment(
    _: Writer, session: SessionDep, commitment: CommitmentDep, if_match: IfMatchHeader
) -> None:
    check_if_match(if_match, commitment.version)
    service.delete_commitment(session, commitment)


@router.get(
    "/commitments/{commitment_id:cmt_id}/revisions",
    operation_id="list_commitment_revisions",
    summary="List every revision of a commitment, oldest first",
    responses=READ,
)
def list_commitment_revisions(
    session: SessionDep, commitment: CommitmentDep, page: Annotated[RevisionPageParams, Query()]
) -> Page[CommitmentRevisionOut]:
    revisions, cursor = service.list_revisions(session, commitment, page)
    return Page[CommitmentRevisionOut](
        data=[CommitmentRevisionOut.model_validate(r) for r in revisions], next_cursor=cursor
    )
