from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from service.events.types import EventType
from service.ids import id_pattern
from service.pages import CURSOR_EXAMPLE, MAX_CURSOR_LENGTH, MAX_PAGE_SIZE
from service.schema import Schema

DATA_EXAMPLE = {"id": "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE", "version": 2}


class EventOut(Schema):
    """One change, in the shape Standard Webhooks deliver it (`type`, `timestamp`, `data`).
    `data` holds ids and figures only; read the object for the rest."""

    id: str = Field(
        pattern=id_pattern("evt"),
        description="Event id; also the `webhook-id` of its deliveries.",
        examples=["evt_01JD5ZQ8W4M3KXHNB7T2C9V6RE"],
    )
    type: EventType = Field(description="What happened.", examples=["person.updated"])
    timestamp: datetime = Field(
        description="When the change committed (RFC 3339, UTC).",
        examples=["2026-03-01T09:30:00Z"],
    )
    data: dict[str, Any] = Field(
        description="Ids and figures of the change (`id` is the object's id; `version` its "
        "new ETag version where it has one). Never an anonymous respondent's text or reference.",
        examples=[DATA_EXAMPLE],
    )


class EventPage(Schema):
    """One page of the feed. `next_cursor` follows the convention (null on the last page);
    `resume_cursor` is where to continue later, so a mirror never re-reads or misses one."""

    data: list[EventOut] = Field(
        max_length=MAX_PAGE_SIZE,
        description="The events of this page, oldest first.",
        examples=[[]],
    )
    next_cursor: str | None = Field(
        max_length=MAX_CURSOR_LENGTH,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Pass as `cursor` to get the next page; `null` on the last page.",
        examples=[CURSOR_EXAMPLE, None],
    )
    resume_cursor: str | None = Field(
        max_length=MAX_CURSOR_LENGTH,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The cursor after the last event of this page (the one you sent when the "
        "page is empty; `null` only when there are no events at all): keep it and pass it as "
        "`cursor` later to get only what happened since.",
        examples=[CURSOR_EXAMPLE],
    )
