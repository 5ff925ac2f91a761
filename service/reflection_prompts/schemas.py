from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from service import demo_ids
from service.ids import id_pattern
from service.schema import Schema, omittable
from service.types import JSON_INTEGER, ResourceRevision, Statement

PromptIdField = Annotated[
    str,
    Field(
        pattern=id_pattern("rpm"),
        description="Reflection prompt id.",
        examples=[demo_ids.PROMPT],
    ),
]

Position = Annotated[int, Field(ge=0, le=10_000), JSON_INTEGER]


class PromptStatus(StrEnum):
    """Whether a prompt is offered in new reflections."""

    active = "active"
    retired = "retired"


_TEXT = Field(
    description="The question, addressed to the leader.",
    examples=["Where did my behaviour contradict one of my beliefs?"],
)


class PromptCreate(Schema):
    """One of the organization's own prompts; it starts `active`."""

    text: Statement = _TEXT
    position: Position = omittable(
        description="Order among the prompts (ascending); default: last.", examples=[5]
    )


class PromptPatch(Schema):
    """Fields to change. A built-in prompt can be reordered, retired and re-activated, but
    its text is fixed (409)."""

    text: Statement = omittable(
        description="The question (your own prompts only).",
        examples=["What did my team need from me that I did not give?"],
    )
    position: Position = omittable(description="Order (ascending).", examples=[2])
    status: PromptStatus = omittable(
        description="`retired` hides the prompt from new reflections; `active` brings it back.",
        examples=["retired"],
    )


class PromptOut(Schema):
    """A reflection prompt: built-in or your organization's own."""

    id: PromptIdField
    text: Statement = _TEXT
    built_in: bool = Field(
        description="`true` for Calling's default set (text fixed, cannot be deleted).",
        examples=[True],
    )
    key: str | None = Field(
        max_length=32,
        pattern=r"^[a-z_]+$",
        description="Stable key of a built-in prompt, e.g. to translate it; `null` for your own.",
        examples=["contradicted"],
    )
    status: PromptStatus = Field(
        description="`active` prompts are offered in new reflections; `retired` ones are not.",
        examples=["active"],
    )
    position: Position = Field(description="Order among the prompts (ascending).", examples=[1])
    revision: ResourceRevision
    created_at: datetime = Field(
        description="When the prompt was added.", examples=["2026-01-15T09:30:00Z"]
    )
    updated_at: datetime = Field(
        description="When it last changed.", examples=["2026-03-02T14:05:12Z"]
    )
