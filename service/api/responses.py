"""OpenAPI response declarations shared by routers (problem+json for every error)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from service.errors import (
    MAX_DETAIL_LENGTH,
    MAX_FIELD_ERRORS,
    MAX_FIELD_LENGTH,
    MAX_INSTANCE_LENGTH,
    MAX_MESSAGE_LENGTH,
)
from service.schema import Schema


class FieldError(Schema):
    """One invalid field of a request."""

    field: str = Field(
        max_length=MAX_FIELD_LENGTH,
        description="Where: `name`, `query.limit`, `header.If-Match`, `people.3.external_id`…",
        examples=["query.limit"],
    )
    message: str = Field(
        max_length=MAX_MESSAGE_LENGTH,
        description="What is wrong with it.",
        examples=["Input should be less than or equal to 100"],
    )


class Problem(Schema):
    """RFC 9457 problem details: the body of every 4xx and 5xx response."""

    type: str = Field(
        max_length=200,
        json_schema_extra={"format": "uri"},
        description="A URI naming the cause of the problem, one of the catalogue "
        "(`GET /problems`): stable, safe to branch on.",
        examples=["https://calling.dev/problems/not-found"],
    )
    title: str = Field(
        max_length=100, description="Short summary of the kind of problem.", examples=["Not found"]
    )
    status: int = Field(ge=400, le=599, description="The HTTP status code.", examples=[404])
    detail: str = Field(
        max_length=MAX_DETAIL_LENGTH,
        description="What went wrong with this request, for a human.",
        examples=["No person per_01JD5ZQ8W4M3KXHNB7T2C9V6RE."],
    )
    instance: str = Field(
        max_length=MAX_INSTANCE_LENGTH,
        description="The path of the request that failed (cut short if very long).",
        examples=["/v1/people/per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"],
    )
    errors: list[FieldError] | None = Field(
        None,
        max_length=MAX_FIELD_ERRORS,
        description=f"Validation errors, one per field (422 only; at most {MAX_FIELD_ERRORS:,}).",
        examples=[
            [{"field": "query.limit", "message": "Input should be less than or equal to 100"}]
        ],
    )


_DESCRIPTIONS = {
    400: "Malformed request (for example, invalid JSON).",
    401: "Missing, invalid or revoked API key.",
    403: "The API key lacks the scope this operation needs.",
    404: "No such object in your organization.",
    405: "Method not allowed on this path.",
    409: "Conflict with the current state (or about an `Idempotency-Key`).",
    412: "`If-Match` does not match the current `ETag`.",
    413: "Request body too large.",
    415: "The body must be `application/json`.",
    422: "Invalid or unknown fields; see `errors`.",
    428: "`If-Match` is required.",
    429: "Too many requests.",
    500: "Unexpected error (no internals are disclosed).",
    503: "Database unavailable; retry after `Retry-After` seconds.",
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Declare error responses; `service.api.openapi` gives each its problem+json content."""
    return {code: {"description": _DESCRIPTIONS[code]} for code in codes}


COMMON = (400, 401, 403, 413, 415, 422, 429, 500, 503)
READ = problems(*COMMON, 404)
WRITE = problems(*COMMON, 404, 409)
UPDATE = problems(*COMMON, 404, 409, 412, 428)


# --- OpenAPI links: what a response lets a client (or Schemathesis) call next ---------

BODY_ID = "$response.body#/id"
ETAG = "$response.header.ETag"


def link(operation_id: str, description: str, parameters: dict[str, str]) -> dict[str, Any]:
    """A link to `operation_id`, mapping its parameters (`path.person_id`, `header.If-Match`)
    to runtime expressions of this response (`BODY_ID`, `ETAG`)."""
    return {"operationId": operation_id, "description": description, "parameters": parameters}


def link_to(operation_id: str, path_parameter: str, *, if_match: bool = False) -> dict[str, Any]:
    """A link to an operation on the object in this response (with its `ETag` as `If-Match`
    for an update or a delete)."""
    parameters = {f"path.{path_parameter}": BODY_ID}
    if if_match:
        parameters["header.If-Match"] = ETAG
    what = "with this version's `ETag` as `If-Match`" if if_match else "by its `id`"
    return link(operation_id, f"`{operation_id}` on this object, {what}.", parameters)


_HEADERS = {
    "ETag": {
        "description": "The version of the object: send it as `If-Match` to update or delete.",
        "required": True,
        # `"<version>"`, the version a positive 32-bit integer (service.api.http.etag_for).
        "schema": {"type": "string", "maxLength": 12, "pattern": '^"[0-9]+"$', "examples": ['"1"']},
    },
    "Location": {
        "description": "The path of the new object.",
        "required": True,
        "schema": {
            "type": "string",
            "maxLength": 255,
            "pattern": "^/v1/[a-z/-]+/[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}$",
            "examples": ["/v1/people/per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"],
        },
    },
}


def success(
    responses: dict[int | str, dict[str, Any]],
    status: int,
    description: str,
    *,
    location: bool = False,
    **links: dict[str, Any],
) -> dict[int | str, dict[str, Any]]:
    """`responses` plus the success response `status` of an object: its `ETag` (and the
    `Location` of a new one) and the links to what a client may do next."""
    headers = {name: _HEADERS[name] for name in ("ETag", "Location")[: 2 if location else 1]}
    response: dict[str, Any] = {"description": description, "headers": headers}
    if links:
        response["links"] = links
    return {**responses, status: response}
