"""The base of every request and response body, and the PATCH field helper."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Schema(BaseModel):
    """Base of every request and response body: unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable(**kwargs: Any) -> Any:
    """A PATCH field: omit it to keep the value. `null` is accepted only where the type says
    so, and the spec shows no default."""
    return Field(None, json_schema_extra=_no_default, **kwargs)
