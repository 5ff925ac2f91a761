"""HTTP mechanics shared by the routes: the `limit`/`cursor` query, ETag / If-Match."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Query, Response

from service.errors import PreconditionFailed
from service.pages import PageParams
from service.problem_types import STALE_IF_MATCH

PageQuery = Annotated[PageParams, Query()]


# --- ETag / If-Match -----------------------------------------------------------------


def etag_for(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag_for(version)


# RFC 9110 §13.1.1: `*` or a list of entity tags (`"1"`, `W/"1"`, `"1", "2"`).
IF_MATCH_PATTERN = r'^(\*|(W/)?"[!#-~]*"( *, *(W/)?"[!#-~]*")*)$'

IfMatchHeader = Annotated[
    str,
    Header(
        alias="If-Match",
        max_length=256,
        pattern=IF_MATCH_PATTERN,
        description="The `ETag` of the version you read (or `*`). Missing → 428; stale → 412.",
        examples=['"1"', "*"],
    ),
]


def check_if_match(if_match: str, version: int) -> None:
    """Strong comparison (RFC 9110 §13.1.1): any listed tag must equal the current one."""
    current = etag_for(version)
    tags = [t.strip() for t in if_match.split(",")]
    if "*" in tags or current in tags:
        return
    raise PreconditionFailed(
        f"If-Match does not match the current ETag {current}; read the resource again.",
        cause=STALE_IF_MATCH,
    )
