"""OpenAPI response declarations shared by routers (problem+json for every error)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from service.http import Schema


class FieldError(Schema):
    field: str = Field(description="Where: `name`, `query.limit`, `header.If-Match`, …")
    message: str = Field(description="What is wrong with it.")


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = Field(examples=["https://calling.dev/problems/not-found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["No person per_01JD5ZQ8W4M3KXHNB7T2C9V6RE."])
    instance: str = Field(examples=["/v1/people/per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"])
    errors: list[FieldError] | None = Field(
        None, description="Validation errors, one per field (422 only)."
    )


_DESCRIPTIONS = {
    400: "Malformed request (for example, invalid JSON).",
    401: "Missing, invalid or revoked API key.",
    403: "The API key lacks the scope this operation needs.",
    404: "No such object in your organization.",
    405: "Method not allowed on this path.",
    409: "Conflict with the current state (or an `Idempotency-Key` still in flight).",
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
    """Declare error responses; `service.openapi` gives each its problem+json content."""
    return {code: {"description": _DESCRIPTIONS[code]} for code in codes}


COMMON = (400, 401, 403, 413, 415, 422, 429, 500, 503)
READ = problems(*COMMON, 404)
WRITE = problems(*COMMON, 404, 409)
UPDATE = problems(*COMMON, 404, 409, 412, 428)
