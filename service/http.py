"""Shared HTTP mechanics: cursor pagination, ETag / If-Match, JSON responses."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Header, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from service.errors import PreconditionFailed, Unprocessable

T = TypeVar("T")
Row = TypeVar("Row")


class Schema(BaseModel):
    """Base of every request and response body: unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable(**kwargs: Any) -> Any:
    """A PATCH field: omit it to keep the value. `null` is accepted only where the type says
    so, and the spec shows no default."""
    return Field(None, json_schema_extra=_no_default, **kwargs)


class Page(Schema, Generic[T]):
    data: list[T] = Field(description="The items of this page.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; `null` on the last page.",
        examples=[None],
    )


class PageParams(BaseModel):
    """`limit` and `cursor` of a collection (other query parameters are the filters)."""

    limit: int = Field(20, ge=1, le=100, description="Items per page (1–100).")
    cursor: str | None = Field(
        None, max_length=512, description="Opaque cursor from a previous page's `next_cursor`."
    )


PageQuery = Annotated[PageParams, Query()]


def _encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, width: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(values, list) or len(values) != width:
        raise _bad_cursor()
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        raise _bad_cursor()
    return values


def _bad_cursor() -> Unprocessable:
    return Unprocessable(
        "The cursor is not one this API issued.",
        errors=[{"field": "query.cursor", "message": "invalid cursor"}],
    )


def paginate(
    session: Session,
    stmt: Select[Row],
    order: Sequence[InstrumentedAttribute[Any]],
    page: PageParams,
    key: Callable[[Row], Sequence[Any]],
) -> tuple[list[Row], str | None]:
    """Keyset pagination over `order` (ascending, unique as a whole)."""
    if page.cursor is not None:
        values = _decode_cursor(page.cursor, len(order))
        for column, value in zip(order, values, strict=True):
            python_type = column.type.python_type
            if python_type is int and not isinstance(value, int):
                raise _bad_cursor()
            if python_type is str and not isinstance(value, str):
                raise _bad_cursor()
        stmt = stmt.where(tuple_(*order) > tuple_(*values))
    rows = list(session.scalars(stmt.order_by(*order).limit(page.limit + 1)))
    has_more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = _encode_cursor(key(rows[-1])) if has_more and rows else None
    return rows, next_cursor


# --- ETag / If-Match -----------------------------------------------------------------


def etag_for(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag_for(version)


IfMatchHeader = Annotated[
    str,
    Header(
        alias="If-Match",
        max_length=256,
        description="The `ETag` of the version you read. Missing → 428; stale → 412.",
        examples=['"1"'],
    ),
]


def check_if_match(if_match: str, version: int) -> None:
    """Strong comparison (RFC 9110 §13.1.1): any listed tag must equal the current one."""
    current = etag_for(version)
    tags = [t.strip() for t in if_match.split(",")]
    if "*" in tags or current in tags:
        return
    raise PreconditionFailed(
        f"If-Match does not match the current ETag {current}; read the resource again."
    )
