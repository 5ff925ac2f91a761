"""Constrained field types shared by the schemas.

Text never carries control characters (PostgreSQL refuses NUL; logs and CSV exports must not
be forged), and the constraint is a `pattern` so the spec tells clients exactly what passes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, TypeAdapter

_SINGLE_LINE = r"^[^\x00-\x1f\x7f]*$"
_MULTI_LINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _valid_unicode(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode") from exc
    return value


# RFC 3339 `date-time`: pydantic alone would also take `0.5` (Unix time) or a bare date.
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
# The spec's `maxLength` of every `date-time` (service.api.openapi): room for 14 fraction digits
# and an offset. The API writes at most 32 (`2026-01-31T23:59:59.999999+00:00`).
MAX_TIMESTAMP_LENGTH = 40
# …and of every `date` (`YYYY-MM-DD`, all the API reads and writes).
DAY_LENGTH = 10


def _rfc3339(value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_TIMESTAMP_LENGTH:
        raise ValueError(f"timestamp must be at most {MAX_TIMESTAMP_LENGTH} characters")
    if isinstance(value, str) and not _RFC3339.match(value):
        raise ValueError("timestamp must be RFC 3339, like 2025-01-31T09:30:00Z")
    if not isinstance(value, str | datetime):
        raise ValueError("timestamp must be an RFC 3339 string")
    return value


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamp must carry a UTC offset (RFC 3339)")
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before the first representable UTC time
        return (datetime.min if value.year == 1 else datetime.max).replace(tzinfo=UTC)


def earlier(moment: datetime, delta: timedelta) -> datetime:
    """`moment - delta`, saturating at the first representable instant: a client may send any
    RFC 3339 time down to 0001-01-01, and a window reaching before that is simply empty."""
    try:
        return moment - delta
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC)


_unicode = AfterValidator(_valid_unicode)

# The largest value of an `Integer` column: the bound of counts and revision numbers.
INT32_MAX = 2_147_483_647
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
# The version of a resource that has an `ETag`: the ETag is this number in quotes.
ResourceRevision = Annotated[
    int,
    Field(
        ge=1,
        le=INT32_MAX,
        description="The version of this object, +1 per change; its `ETag` is this number in "
        'quotes, so send `If-Match: "<revision>"` to change it.',
        examples=[1],
    ),
]


def _json_number(value: object) -> object:
    """JSON `true` is not 1 and `"5"` is not 5 (pydantic's lax mode would take both), while
    `5.0` is the integer 5, as in JSON Schema."""
    if isinstance(value, bool | str):
        raise ValueError("must be a JSON number")
    return value


# Put last in the `Annotated` of a number of a request body (after its `Field`, so that the
# spec keeps `minimum` and `maximum`): `Annotated[int, Field(ge=0), JSON_NUMBER]`.
JSON_NUMBER = BeforeValidator(_json_number)


def _json_integer(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError("must be an integer")


# A JSON integer (`5` or `5.0`, never `true` or `"5"`). Put after the bounds,
# `Annotated[int, Field(ge=1), JSON_INTEGER]`, so the spec keeps them.
JSON_INTEGER = BeforeValidator(_json_integer)

ExternalId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=255,
        pattern=_SINGLE_LINE,
        description="The HR system's own id for this person (unique per organization).",
        examples=["E-10042"],
    ),
    _unicode,
]
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=_SINGLE_LINE), _unicode]
ShortLine = Annotated[str, Field(min_length=1, max_length=200, pattern=_SINGLE_LINE), _unicode]
Statement = Annotated[str, Field(min_length=1, max_length=1000, pattern=_MULTI_LINE), _unicode]
LongText = Annotated[str, Field(min_length=1, max_length=5000, pattern=_MULTI_LINE), _unicode]
AwareDatetime = Annotated[datetime, BeforeValidator(_rfc3339), AfterValidator(_aware)]
# No `@`, control character or (Unicode) space. Spelled out rather than `\s`, whose meaning
# differs between regex engines (Rust's, pydantic's, includes U+0085; ECMA's, JSON Schema's,
# does not), so that the spec and the service accept exactly the same addresses.
_EMAIL_PART = r"[^@\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"

Email = Annotated[
    str,
    Field(
        max_length=320,
        pattern=rf"^{_EMAIL_PART}+@{_EMAIL_PART}+\.{_EMAIL_PART}+$",
        description="Work e-mail address.",
        examples=["ada@example.com"],
    ),
    _unicode,
]
Reference = Annotated[str, Field(min_length=1, max_length=255, pattern=_SINGLE_LINE), _unicode]


_TIMESTAMP: TypeAdapter[datetime] = TypeAdapter(datetime)


def rfc3339(moment: datetime) -> str:
    """A timestamp as every JSON body writes it (`2025-01-31T09:30:00Z`), for CSV cells."""
    return str(_TIMESTAMP.dump_python(moment, mode="json"))


# Here, below both, because the trust figures and the events' data (service.events.data, a
# layer under service.trust) both name it.
class Stage(StrEnum):
    """manager → emerging leader → leader (or insufficient data)."""

    insufficient_data = "insufficient_data"
    manager = "manager"
    emerging_leader = "emerging_leader"
    leader = "leader"
