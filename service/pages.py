"""Cursor pagination: the page body, its `limit`/`cursor` parameters, keyset pagination over
a query and offset pagination over a computed list."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from service.errors import Unprocessable
from service.problem_types import INVALID_CURSOR
from service.schema import Schema

T = TypeVar("T")
Row = TypeVar("Row")


CURSOR_EXAMPLE = "WyJwZXJfMDFKRDVaUThXNE0zS1hITkI3VDJDOVY2UkUiXQ"
MAX_PAGE_SIZE = 100  # `limit` is 1–100
# A cursor holds the sort key of an item (ids, positions, offsets: a few dozen characters);
# every cursor the API issues fits the `cursor` parameter.
MAX_CURSOR_LENGTH = 512


def _describe_page(schema: dict[str, Any]) -> None:
    # `Page[PersonOut]` is a new class without a docstring: describe every page alike.
    schema.setdefault("description", "One page of a collection; follow `next_cursor`.")


class Page(Schema, Generic[T]):
    """One page of a collection; follow `next_cursor` until it is `null`."""

    model_config = ConfigDict(json_schema_extra=_describe_page)

    data: list[T] = Field(
        max_length=MAX_PAGE_SIZE, description="The items of this page.", examples=[[]]
    )
    next_cursor: str | None = Field(
        max_length=MAX_CURSOR_LENGTH,
        pattern=r"^[A-Za-z0-9_-]+$",  # unpadded URL-safe base64 (encode_cursor)
        description="Pass as `cursor` to get the next page; `null` on the last page.",
        examples=[CURSOR_EXAMPLE, None],
    )


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_field(*example_key: Any) -> Any:
    """The `cursor` query parameter; its example is a real cursor of the collection (the sort
    key of an item), so that it shows what a cursor looks like and is one the API accepts."""
    return Field(
        None,
        max_length=MAX_CURSOR_LENGTH,
        pattern=r"^[A-Za-z0-9_-]+$",  # base64url, unpadded (`encode_cursor`)
        description="Opaque cursor from a previous page's `next_cursor`.",
        examples=[encode_cursor(example_key)],
    )


class PageParams(BaseModel):
    """`limit` and `cursor` of a collection ordered by id (the other query parameters are the
    filters). A collection with another order subclasses it with its own `cursor_field`."""

    limit: int = Field(
        20, ge=1, le=MAX_PAGE_SIZE, description="Items per page (1–100).", examples=[20]
    )
    cursor: str | None = cursor_field("per_01JD5ZQ8W4M3KXHNB7T2C9V6RE")


# No text this API issues in a cursor holds a control character or a lone surrogate; a
# database would refuse NUL (PostgreSQL) or a surrogate (SQLite's UTF-8) with a 500.
_NOT_CURSOR_TEXT = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def _cursor_value(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -(2**63) <= value < 2**63  # what a database integer holds
    return isinstance(value, str) and len(value) <= 255 and not _NOT_CURSOR_TEXT.search(value)


def decode_cursor(cursor: str, width: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_cursor() from exc
    if not isinstance(values, list) or len(values) != width:
        raise bad_cursor()
    if not all(_cursor_value(v) for v in values):
        raise bad_cursor()
    return values


def bad_cursor() -> Unprocessable:
    return Unprocessable(
        "The cursor is not one this API issued.",
        cause=INVALID_CURSOR,
        errors=[{"field": "query.cursor", "message": "invalid cursor"}],
    )


def paginate(
    session: Session,
    stmt: Select[Row],
    order: Sequence[InstrumentedAttribute[Any]],
    page: PageParams,
    key: Callable[[Row], Sequence[Any]],
    cursor_columns: Sequence[InstrumentedAttribute[Any]] | None = None,
) -> tuple[list[Row], str | None]:
    """Keyset pagination over `order` (ascending, unique as a whole).

    The cursor holds `key(last row)`: the values of `cursor_columns` (default: `order`). A
    collection whose order depends on its filters gives every column any of its orders uses,
    so that a cursor stays valid whatever the filters are.
    """
    columns = list(cursor_columns or order)
    if page.cursor is not None:
        values = decode_cursor(page.cursor, len(columns))
        for column, value in zip(columns, values, strict=True):
            python_type = column.type.python_type
            if python_type is int and not isinstance(value, int):
                raise bad_cursor()
            if python_type is str and not isinstance(value, str):
                raise bad_cursor()
        by_column = {column.key: value for column, value in zip(columns, values, strict=True)}
        stmt = stmt.where(tuple_(*order) > tuple_(*(by_column[c.key] for c in order)))
    rows = list(session.scalars(stmt.order_by(*order).limit(page.limit + 1)))
    has_more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = encode_cursor(key(rows[-1])) if has_more and rows else None
    return rows, next_cursor


def paginate_list(items: Sequence[T], page: PageParams) -> tuple[list[T], str | None]:
    """Pagination over an already ordered, computed list (the cursor holds an offset)."""
    offset = 0
    if page.cursor is not None:
        (offset,) = decode_cursor(page.cursor, 1)
        if not isinstance(offset, int) or offset < 0:
            raise bad_cursor()
    chunk = list(items[offset : offset + page.limit])
    more = offset + page.limit < len(items)
    return chunk, encode_cursor([offset + page.limit]) if more else None
