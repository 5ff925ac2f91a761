from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from service import demo_ids
from service.events.types import EventType
from service.ids import id_pattern
from service.schema import Schema, omittable
from service.types import INT32_MAX, JSON_NUMBER, Name

MAX_URL_LENGTH = 2048
SECRET_EXAMPLE = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # noqa: S105
# An absolute URL (a scheme, then `://` and no spaces); that it is `https` to a public host
# is checked by the service (service.webhooks.ssrf), with reasons a pattern cannot give.
URL_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$"


class EndpointStatus(StrEnum):
    """`enabled`, or `disabled` (by you, or after the receiver answered 410 Gone)."""

    enabled = "enabled"
    disabled = "disabled"


class DeliveryStatus(StrEnum):
    """`pending` (due or waiting for a retry), `succeeded` (a 2xx) or `failed` (given up)."""

    pending = "pending"
    succeeded = "succeeded"
    failed = "failed"


class EndpointCreate(Schema):
    """An HTTPS receiver of events."""

    url: str = Field(
        min_length=1,
        max_length=MAX_URL_LENGTH,
        pattern=URL_PATTERN,
        description="`https` URL whose host resolves to public addresses only.",
        examples=[demo_ids.WEBHOOK_URL],
    )
    event_types: list[EventType] = Field(
        default_factory=list,
        max_length=len(EventType),
        description="The event types to deliver; empty: all.",
        examples=[["person.deleted", "feedback_request.completed"]],
    )
    description: Name | None = Field(
        None, description="What the endpoint is for.", examples=["HR platform sync"]
    )


class EndpointPatch(Schema):
    """Change an endpoint; omitted fields keep their value."""

    url: str = omittable(
        min_length=1,
        max_length=MAX_URL_LENGTH,
        pattern=URL_PATTERN,
        description="New `https` URL.",
        examples=[demo_ids.WEBHOOK_URL],
    )
    event_types: list[EventType] = omittable(
        max_length=len(EventType),
        description="New event types; empty: all.",
        examples=[["person.deleted"]],
    )
    description: Name | None = omittable(description="New description.", examples=["Sync"])
    status: EndpointStatus = omittable(description="`enabled` or `disabled`.", examples=["enabled"])


class EndpointOut(Schema):
    """A webhook endpoint (never its secret)."""

    id: str = Field(
        pattern=id_pattern("whk"),
        description="Webhook endpoint id.",
        examples=[demo_ids.WEBHOOK_ENDPOINT],
    )
    url: str = Field(
        max_length=MAX_URL_LENGTH,
        pattern=URL_PATTERN,
        description="Where events go.",
        examples=[demo_ids.WEBHOOK_URL],
    )
    event_types: list[EventType] = Field(
        max_length=len(EventType),
        description="Delivered event types; empty: all.",
        examples=[["person.deleted"]],
    )
    description: Name | None = Field(description="What it is for.", examples=["HR sync"])
    status: EndpointStatus = Field(description="Whether events go there.", examples=["enabled"])
    disabled_reason: str | None = Field(
        max_length=200,
        description="Why it was disabled automatically.",
        examples=["The receiver answered 410 Gone."],
    )
    previous_secret_expires_at: datetime | None = Field(
        description="Until when the previous secret also signs (after a rotation).",
        examples=[None],
    )
    created_at: datetime = Field(
        description="When it was added.", examples=["2026-12-01T09:00:00Z"]
    )
    updated_at: datetime = Field(description="Last change.", examples=["2026-12-01T09:00:00Z"])


class EndpointWithSecret(EndpointOut):
    """The endpoint and its signing secret, shown only in this response."""

    secret: str = Field(
        max_length=100,
        pattern=r"^whsec_[A-Za-z0-9+/]+={0,2}$",
        description="The Standard Webhooks signing secret (`whsec_…`); shown once.",
        examples=[SECRET_EXAMPLE],
    )


class RotateSecret(Schema):
    """How long the previous secret keeps signing alongside the new one."""

    overlap_hours: Annotated[int, Field(ge=0, le=168), JSON_NUMBER] = Field(
        24, description="Overlap in hours (0–168).", examples=[24]
    )


class DeliveryOut(Schema):
    """One event's delivery to the endpoint."""

    id: str = Field(
        pattern=id_pattern("dlv"),
        description="Delivery id.",
        examples=[demo_ids.DELIVERY],
    )
    event_id: str = Field(
        pattern=id_pattern("evt"),
        description="The event (also the `webhook-id`).",
        examples=[demo_ids.EVENT],
    )
    # A string, not the `EventType` enum: types are added over time (a new enum value in a
    # response breaks clients that validate it), so a client accepts a type it does not know.
    event_type: str = Field(
        max_length=64,
        pattern=r"^[a-z_]+\.[a-z_]+$",
        description="Its type: an `EventType` (new types are added over time: accept one you "
        "do not know).",
        examples=["person.updated"],
    )
    status: DeliveryStatus = Field(description="Where it stands.", examples=["pending"])
    attempts: int = Field(ge=0, le=INT32_MAX, description="Attempts so far.", examples=[2])
    next_attempt_at: datetime | None = Field(
        description="When it is tried next (pending only).", examples=["2026-12-01T09:05:00Z"]
    )
    last_attempt_at: datetime | None = Field(description="Last attempt.", examples=[None])
    last_status_code: int | None = Field(
        ge=100, le=599, description="The receiver's last HTTP status.", examples=[503]
    )
    last_error: str | None = Field(
        max_length=200, description="Why the last attempt failed, if not a status.", examples=[None]
    )
    delivered_at: datetime | None = Field(description="When a 2xx came.", examples=[None])


TEST_EVENT_TYPE = "webhook.test"


class WebhookTestResult(Schema):
    """What happened when a signed `webhook.test` event was sent to the endpoint just now."""

    event_id: str = Field(
        pattern=id_pattern("evt"),
        description="The test event's id (its `webhook-id`); it is not in the feed.",
        examples=[demo_ids.EVENT],
    )
    event_type: Literal["webhook.test"] = Field(
        description="Always `webhook.test`.",
        examples=[TEST_EVENT_TYPE],
    )
    succeeded: bool = Field(description="Whether the receiver answered 2xx.", examples=[True])
    status_code: int | None = Field(
        ge=0, le=999, description="The receiver's HTTP status, if it answered.", examples=[200]
    )
    error: str | None = Field(
        max_length=200,
        description="Why no status came (timeout, connection, a refused address).",
        examples=[None],
    )
    sent_at: datetime = Field(
        description="When it was sent (also its `webhook-timestamp`).",
        examples=["2026-12-01T09:00:00Z"],
    )
    duration_ms: Annotated[int, Field(ge=0, le=INT32_MAX), JSON_NUMBER] = Field(
        description="How long the receiver took, in milliseconds.", examples=[42]
    )
