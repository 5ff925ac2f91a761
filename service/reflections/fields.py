"""Scalar field types of the reflection schemas that take exactly what the spec says.

pydantic's lax mode would also read `0` (Unix time) or a timestamp as a day, `true` or
`"5"` as an integer and `1` as a boolean; the spec promises `YYYY-MM-DD`, JSON integers
(`5` or `5.0`: `service.types.JSON_INTEGER`) and JSON booleans.
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


Day = Annotated[date, BeforeValidator(_iso_date)]
JsonBool = Annotated[bool, Strict()]
