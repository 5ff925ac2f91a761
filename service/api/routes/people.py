from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from service import demo_ids, erasure
from service.api.auth import Reader, Writer
from service.api.http import IfMatchHeader, PageQuery, check_if_match, set_etag
from service.api.paths import prefilled
from service.api.responses import BODY_ID, READ, UPDATE, WRITE, link, link_to, success
from service.api.routing import CallingRoute
from service.api.session import SessionDep
from service.ids import id_pattern
from service.pages import Page
from service.people import service
from service.people.models import Person
from service.people.schemas import (
    BulkUpsert,
    BulkUpsertResult,
    PersonCreate,
    PersonOut,
    PersonPatch,
)
from service.types import AwareDatetime, ExternalId

router = APIRouter(prefix="/v1/people", tags=["People"], route_class=CallingRoute)

PersonIdPath = Annotated[
    str,
    Path(
        pattern=id_pattern("per"),
        description="Person id.",
        examples=[demo_ids.LEADER],
        openapi_examples=prefilled(demo_ids.LEADER, "Ada Lindqvist, the demo's leader"),
    ),
]


def person_in_org(principal: Reader, session: SessionDep, person_id: PersonIdPath) -> Person:
    return service.get_person(session, principal.org_id, person_id)


PersonDep = Annotated[Person, Depends(person_in_org)]


@router.get("", operation_id="list_people", summary="List people", responses=READ)
def list_people(
    principal: Reader,
    session: SessionDep,
    page: PageQuery,
    updated_since: Annotated[
        AwareDatetime | None,
        Query(
            description="Only people changed at or after this time (RFC 3339).",
            examples=["2025-01-01T00:00:00Z"],
        ),
    ] = None,
    external_id: Annotated[
        ExternalId | None,
        Query(description="Exact `external_id`.", examples=[demo_ids.LEADER_EXTERNAL_ID]),
    ] = None,
    manager_id: Annotated[
        str | None,
        Query(
            pattern=id_pattern("per"),
            description="Only direct reports of this person.",
            examples=[demo_ids.LEADER],
        ),
    ] = None,
) -> Page[PersonOut]:
    people, cursor = service.list_people(
        session,
        principal.org_id,
        page,
        updated_since=updated_since,
        external_id=external_id,
        manager_id=manager_id,
    )
    return Page[PersonOut](data=[PersonOut.model_validate(p) for p in people], next_cursor=cursor)


@router.post(
    "",
    operation_id="create_person",
    summary="Add a person to the directory",
    status_code=status.HTTP_201_CREATED,
    responses=success(
        WRITE,
        201,
        "The person, with `Location` and `ETag`.",
        location=True,
        GetPerson=link_to("get_person", "person_id"),
        UpdatePerson=link_to("update_person", "person_id", if_match=True),
        DeletePerson=link_to("delete_person", "person_id", if_match=True),
        CreateBelief=link(
            "create_belief",
            "`create_belief` with this person as the leader.",
            {"path.leader_id": BODY_ID},
        ),
    ),
)
def create_person(
    principal: Writer, session: SessionDep, body: PersonCreate, response: Response
) -> PersonOut:
    person = service.create_person(session, principal.org_id, body)
    response.headers["Location"] = f"/v1/people/{person.id}"
    set_etag(response, person.version)
    return PersonOut.model_validate(person)


@router.post(
    "/bulk",
    operation_id="bulk_upsert_people",
    summary="Create or update up to 1,000 people by external_id, in one transaction",
    description="All or nothing: if any row is invalid the answer is 422 with one entry per "
    "bad row in `errors` (`people.<index>.<field>`) and nothing is written. Otherwise each row "
    "reports `created`, `updated` or `unchanged`.",
    responses=WRITE,
)
def bulk_upsert_people(
    principal: Writer, session: SessionDep, body: BulkUpsert
) -> BulkUpsertResult:
    return BulkUpsertResult(data=service.bulk_upsert(session, principal.org_id, body))


@router.get(
    "/{person_id:per_id}",
    operation_id="get_person",
    summary="Get a person",
    responses=success(
        READ,
        200,
        "The person, with its `ETag`.",
        UpdatePerson=link_to("update_person", "person_id", if_match=True),
    ),
)
def get_person(person: PersonDep, response: Response) -> PersonOut:
    set_etag(response, person.version)
    return PersonOut.model_validate(person)


@router.patch(
    "/{person_id:per_id}",
    operation_id="update_person",
    summary="Update a person",
    responses=success(
        UPDATE,
        200,
        "The updated person, with its new `ETag`.",
        GetPerson=link_to("get_person", "person_id"),
        DeletePerson=link_to("delete_person", "person_id", if_match=True),
    ),
)
def update_person(
    _: Writer,
    session: SessionDep,
    person: PersonDep,
    body: PersonPatch,
    if_match: IfMatchHeader,
    response: Response,
) -> PersonOut:
    check_if_match(if_match, person.version)
    service.update_person(session, person, body)
    set_etag(response, person.version)
    return PersonOut.model_validate(person)


@router.delete(
    "/{person_id:per_id}",
    operation_id="delete_person",
    summary="Delete a person and what is about them",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=UPDATE,
)
def delete_person(
    _: Writer, request: Request, session: SessionDep, person: PersonDep, if_match: IfMatchHeader
) -> None:
    check_if_match(if_match, person.version)
    erasure.erase_person(session, person, request.app.state.settings.secret_key.get_secret_value())
