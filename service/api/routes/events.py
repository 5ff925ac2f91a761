from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import TypeAdapter

from service import demo_ids
from service.api.auth import Reader
from service.api.paths import prefilled
from service.api.responses import READ
from service.api.routing import CallingRoute
from service.api.session import SessionDep
from service.events import service
from service.events.models import Event
from service.events.schemas import EventOut, EventPage
from service.events.types import EventType
from service.ids import id_pattern
from service.pages import PageParams, cursor_field, encode_cursor
from service.types import AwareDatetime

router = APIRouter(prefix="/v1/events", tags=["Events"], route_class=CallingRoute)

MAX_TYPES = 20


class EventPageParams(PageParams):
    cursor: str | None = cursor_field(42)


# The stored `data` is what its type's model wrote (service.events.data).
_EVENT: TypeAdapter[EventOut] = TypeAdapter(EventOut)


def to_out(event: Event) -> EventOut:
    return _EVENT.validate_python(
        {"id": event.id, "type": event.type, "timestamp": event.occurred_at, "data": event.data}
    )


@router.get(
    "",
    operation_id="list_events",
    summary="List events (oldest first)",
    description="Every change an integrator may mirror, deletions included, in commit order; "
    "kept at least 30 days. Follow `next_cursor`; keep the last page's `resume_cursor` and "
    "pass it as `cursor` later for what happened since.",
    responses=READ,
)
def list_events(
    principal: Reader,
    session: SessionDep,
    page: Annotated[EventPageParams, Query()],
    type_: Annotated[
        list[EventType] | None,
        Query(
            alias="type",
            max_length=MAX_TYPES,
            description="Only these types (repeat the parameter for several).",
            examples=[["person.deleted"]],
        ),
    ] = None,
    since: Annotated[
        AwareDatetime | None,
        Query(description="Only events at or after this time.", examples=["2026-01-01T00:00:00Z"]),
    ] = None,
    until: Annotated[
        AwareDatetime | None,
        Query(description="Only events before this time.", examples=["2026-02-01T00:00:00Z"]),
    ] = None,
) -> EventPage:
    rows, cursor = service.list_events(
        session,
        principal.org_id,
        page,
        types=[str(t) for t in type_ or []],
        since=since,
        until=until,
    )
    resume = encode_cursor([rows[-1].seq]) if rows else page.cursor
    return EventPage(data=[to_out(e) for e in rows], next_cursor=cursor, resume_cursor=resume)


@router.get(
    "/{event_id:evt_id}",
    operation_id="get_event",
    summary="Get an event",
    description="One event of the feed by id (as delivered to your webhooks, with the same "
    "`webhook-id`): its type, when it happened and the ids and figures it carries — never an "
    "anonymous respondent's text or reference.",
    responses=READ,
)
def get_event(
    principal: Reader,
    session: SessionDep,
    event_id: Annotated[
        str,
        Path(
            pattern=id_pattern("evt"),
            description="Event id.",
            examples=[demo_ids.EVENT],
            openapi_examples=prefilled(demo_ids.EVENT, "The demo's first event"),
        ),
    ],
) -> EventOut:
    return to_out(service.get_event(session, principal.org_id, event_id))
