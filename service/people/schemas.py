from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field

from service import demo_ids
from service.ids import id_pattern
from service.schema import Schema, omittable
from service.types import Email, ExternalId, Name, ResourceRevision, ShortLine

PersonId = Annotated[
    str,
    Field(
        pattern=id_pattern("per"),
        description="Person id.",
        examples=[demo_ids.LEADER],
    ),
]

MAX_BULK_ROWS = 1000

_NAME = Field(description="Name as shown in the HR system.", examples=["Ada Lindqvist"])
_TITLE = Field(None, description="Job title.", examples=["Head of Customer Success"])
_EMAIL = Field(None, description="Work e-mail address.", examples=["ada@example.com"])


class PersonCreate(Schema):
    """A person of the directory."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "external_id": "E-10077",
                    "display_name": "Sara Holm",
                    "email": "sara@example.com",
                    "title": "Customer Success Manager",
                    "manager_id": demo_ids.LEADER,
                }
            ]
        }
    )

    # Someone new to the demo, reporting to its leader: the example creates them there.
    external_id: ExternalId = Field(examples=["E-10077"])
    display_name: Name = Field(
        description="Name as shown in the HR system.", examples=["Sara Holm"]
    )
    email: Email | None = Field(
        None, description="Work e-mail address.", examples=["sara@example.com"]
    )
    title: ShortLine | None = Field(
        None, description="Job title.", examples=["Customer Success Manager"]
    )
    manager_id: PersonId | None = Field(
        None, description="Their manager (a person id).", examples=[demo_ids.LEADER]
    )


class PersonPatch(Schema):
    """Fields to change; omitted ones keep their value, `null` clears an optional one."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"title": "Head of Sales"}]})

    external_id: ExternalId = omittable(
        description="The HR system's id.", examples=[demo_ids.LEADER_EXTERNAL_ID]
    )
    display_name: Name = omittable(
        description="Name as shown in the HR system.", examples=["Ada Lindqvist"]
    )
    email: Email | None = omittable(
        description="Work e-mail address.", examples=["ada@example.com"]
    )
    title: ShortLine | None = omittable(description="Job title.", examples=["Head of Sales"])
    manager_id: PersonId | None = omittable(
        description="Their manager (a person id); `null` clears it.",
        examples=[demo_ids.MANAGER],
    )


class PersonOut(Schema):
    """A person of your directory."""

    id: PersonId
    external_id: ExternalId = Field(description="The HR system's id.", examples=["E-10042"])
    display_name: Name = _NAME
    email: Email | None = _EMAIL
    title: ShortLine | None = _TITLE
    manager_id: str | None = Field(
        pattern=id_pattern("per"),
        description="Their manager's person id.",
        examples=[demo_ids.MANAGER],
    )
    revision: ResourceRevision = Field(validation_alias="version")
    created_at: datetime = Field(
        description="When Calling first stored this person.", examples=["2025-01-15T09:30:00Z"]
    )
    updated_at: datetime = Field(
        description="When this person last changed.", examples=["2025-03-02T14:05:12Z"]
    )


class PersonUpsert(Schema):
    """One row of a bulk upsert, matched on `external_id`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "external_id": "E-10042",
                    "display_name": "Ada Lindqvist",
                    "title": "Head of Customer Success",
                    "manager_external_id": "E-10001",
                }
            ]
        }
    )

    external_id: ExternalId
    display_name: Name = _NAME
    email: Email | None = _EMAIL
    title: ShortLine | None = _TITLE
    manager_external_id: ExternalId | None = Field(
        None,
        description="Their manager's `external_id` (in this batch or already stored).",
        examples=["E-10001"],
    )


class BulkUpsert(Schema):
    """A batch of people to create or update, all or nothing."""

    people: list[PersonUpsert] = Field(
        min_length=1,
        max_length=MAX_BULK_ROWS,
        description="Up to 1,000 people, applied in one transaction.",
        examples=[
            [
                {
                    "external_id": demo_ids.MANAGER_EXTERNAL_ID,
                    "display_name": "Maja Berg",
                    "title": "COO",
                },
                {
                    "external_id": "E-10045",
                    "display_name": "Grace Holm",
                    "title": "Customer Success Manager",
                    "manager_external_id": demo_ids.LEADER_EXTERNAL_ID,
                },
            ]
        ],
    )


class UpsertStatus(StrEnum):
    """What a bulk upsert did to one row."""

    created = "created"
    updated = "updated"
    unchanged = "unchanged"


class UpsertResult(Schema):
    """The outcome of one row of a bulk upsert."""

    index: int = Field(
        ge=0, le=MAX_BULK_ROWS - 1, description="Position in the request.", examples=[0]
    )
    external_id: ExternalId = Field(description="The row's `external_id`.", examples=["E-10042"])
    id: str = Field(
        pattern=id_pattern("per"),
        description="The person's id.",
        examples=["per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"],
    )
    status: UpsertStatus = Field(description="What happened to this row.", examples=["created"])


class BulkUpsertResult(Schema):
    """One result per row of a bulk upsert."""

    data: list[UpsertResult] = Field(
        max_length=MAX_BULK_ROWS,
        description="One result per row, in request order.",
        examples=[
            [
                {
                    "index": 0,
                    "external_id": "E-10042",
                    "id": "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE",
                    "status": "created",
                }
            ]
        ],
    )
