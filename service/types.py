"""Constrained field types shared by the schemas.

Text never carries control characters (PostgreSQL refuses NUL; logs and CSV exports must not
be forged), and the constraint is a `pattern` so the spec tells clients exactly what passes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, Field

_SINGLE_LINE = r"^[^\x00-\x1f\x7f]*$"
_MULTI_LINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _valid_unicode(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode") from exc
    return value


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamp must carry a UTC offset (RFC 3339)")
    return value.astimezone(UTC)


_unicode = AfterValidator(_valid_unicode)

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
AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
Email = Annotated[
    str,
    Field(
        max_length=320,
        pattern=r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$",
        description="Work e-mail address.",
        examples=["ada@example.com"],
    ),
    _unicode,
]
