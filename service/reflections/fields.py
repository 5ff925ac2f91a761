"""Scalar field types of the reflection schemas that take exactly what the spec says.

pydantic's lax mode would also read `0` (Unix time) or a timestamp as a day, `true` or
`"5"` as an integer and `1` as a boolean; the spec promises `YYYY-MM-DD`, JSON integers
(`5` or `5.0`) and JSON booleans.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator, Strict

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value
    raise ValueError("a day must be written YYYY-MM-DD")


def _json_integer(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError("must be an integer")


Day = Annotated[date, BeforeValidator(_iso_date)]
JsonBool = Annotated[bool, Strict()]
# Put after the bounds, `Annotated[int, Field(ge=1), JSON_INTEGER]`, so the spec keeps them.
JSON_INTEGER = BeforeValidator(_json_integer)
