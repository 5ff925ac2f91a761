"""The catalogue of problem types over HTTP: what each `type` a problem carries means, when
it happens and what to do. Public (no key): it describes the API, not an organization, so it
is counted against the client address as a request without a key is."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import Field

from service.api.ratelimit import acount_anonymous_request
from service.api.responses import problems
from service.errors import NotFound
from service.problem_types import BY_SLUG, CATALOGUE, NOT_FOUND, ProblemType
from service.schema import Schema

# No key: counted, as a request without a key is, against its client address (429 beyond).
router = APIRouter(
    prefix="/problems", tags=["Problems"], dependencies=[Depends(acount_anonymous_request)]
)
PUBLIC: dict[str, Any] = {"security": []}  # the spec says so: no key at all

SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_SLUG_LENGTH = 64


class ProblemTypeOut(Schema):
    """One problem type: the `type` of a problem names exactly one cause."""

    type: str = Field(
        max_length=200,
        json_schema_extra={"format": "uri"},
        description="The URI problems of this type carry as `type`.",
        examples=["https://calling.dev/problems/duplicate-external-id"],
    )
    slug: str = Field(
        max_length=MAX_SLUG_LENGTH,
        pattern=SLUG_PATTERN,
        description="The last segment of `type`: `GET /problems/{slug}` describes it.",
        examples=["duplicate-external-id"],
    )
    status: int = Field(
        ge=400, le=599, description="The HTTP status of every problem of this type.", examples=[409]
    )
    title: str = Field(
        max_length=100,
        description="The `title` of every problem of this type.",
        examples=["Duplicate external_id"],
    )
    when: str = Field(
        max_length=500,
        description="When it happens.",
        examples=["Another person of your organization already has this `external_id`."],
    )
    action: str = Field(
        max_length=500,
        description="What to do about it.",
        examples=["Update that person instead, or sync with `POST /v1/people/bulk`."],
    )


class ProblemTypeList(Schema):
    """Every problem type the API answers with, by status."""

    data: list[ProblemTypeOut] = Field(
        max_length=200,
        description="The catalogue, by status and slug.",
        examples=[
            [
                {
                    "type": "https://calling.dev/problems/duplicate-external-id",
                    "slug": "duplicate-external-id",
                    "status": 409,
                    "title": "Duplicate external_id",
                    "when": "Another person of your organization already has this `external_id`.",
                    "action": "Update that person instead, or sync with `POST /v1/people/bulk`.",
                }
            ]
        ],
    )


def to_out(problem_type: ProblemType) -> ProblemTypeOut:
    return ProblemTypeOut(type=problem_type.uri, **asdict(problem_type))


_NO_SUCH_TYPE: dict[int | str, dict[str, Any]] = {404: {"description": "No such problem type."}}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def catalogue_table() -> str:
    """The catalogue as a Markdown table, for the spec (the `Problems` tag's description)."""
    rows = [
        f"| [`{t.slug}`]({t.uri}) | {t.status} | {_cell(t.title)} | {_cell(t.when)} "
        f"| {_cell(t.action)} |"
        for t in CATALOGUE
    ]
    return "\n".join(
        [
            "Every error is an RFC 9457 problem (`application/problem+json`) whose `type` names "
            "its cause: branch on `type` (and `status`), never on `detail`. The catalogue, also "
            "served by `GET /problems`:",
            "",
            "| type | status | title | when it happens | what to do |",
            "|---|---:|---|---|---|",
            *rows,
        ]
    )


@router.get(
    "",
    operation_id="list_problem_types",
    summary="List the problem types",
    description="Every `type` a problem of this API can carry, one per distinct cause, with "
    "its status, title, when it happens and what to do. Branch on `type`, never on `detail`. "
    "Needs no key.",
    responses=problems(429, 500),
    openapi_extra=PUBLIC,
)
def list_problem_types() -> ProblemTypeList:
    return ProblemTypeList(data=[to_out(t) for t in CATALOGUE])


@router.get(
    "/{slug}",
    operation_id="get_problem_type",
    summary="Describe a problem type",
    description="The problem type whose `type` ends in this slug. Needs no key.",
    responses={**_NO_SUCH_TYPE, **problems(422, 429, 500)},
    openapi_extra=PUBLIC,
)
def get_problem_type(
    slug: Annotated[
        str,
        Path(
            max_length=MAX_SLUG_LENGTH,
            pattern=SLUG_PATTERN,
            description="The last segment of a problem's `type`.",
            examples=["duplicate-external-id"],
        ),
    ],
) -> ProblemTypeOut:
    problem_type = BY_SLUG.get(slug)
    if problem_type is None:
        raise NotFound(f"No problem type {slug}.", cause=NOT_FOUND)
    return to_out(problem_type)
