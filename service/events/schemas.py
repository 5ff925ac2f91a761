"""The events of the feed (`GET /v1/events`) and of the webhooks: one model per type, whose
`type` is a constant and whose `data` is that type's model (service.events.data), joined in
`EventOut`, a union discriminated by `type`, so a generated client reads typed payloads."""

from __future__ import annotations

import inspect
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from service.events.data import (
    BeliefCreatedData,
    BeliefDeletedData,
    BeliefUpdatedData,
    CommitmentCreatedData,
    CommitmentDeletedData,
    CommitmentUpdatedData,
    EventData,
    FeedbackDeletedData,
    FeedbackReceivedData,
    FeedbackRequestClosedData,
    FeedbackRequestCompletedData,
    FeedbackRequestCreatedData,
    FeedbackRequestReminderData,
    FeedbackRetractedData,
    LeaderStageChangedData,
    PersonCreatedData,
    PersonDeletedData,
    PersonUpdatedData,
    ReflectionCreatedData,
    ReflectionDeletedData,
    ReflectionDueData,
    ReflectionSubmittedData,
    ReflectionUpdatedData,
    TrustScorePublishedData,
)
from service.events.types import EventType
from service.ids import id_pattern
from service.pages import CURSOR_EXAMPLE, MAX_CURSOR_LENGTH, MAX_PAGE_SIZE
from service.schema import Schema

EVENT_ID_EXAMPLE = "evt_01JD5ZQ8W4M3KXHNB7T2C9V6RE"
TIMESTAMP_EXAMPLE = "2026-03-01T09:30:00Z"


def data_model(event_model: type[EventBase]) -> type[EventData]:
    """The model of an event model's `data` (its type is that model's `event_type`)."""
    model: type[EventData] = event_model.model_fields["data"].annotation  # type: ignore[assignment]
    return model


def example(event_model: type[EventBase]) -> dict[str, Any]:
    data = data_model(event_model)
    return {
        "id": EVENT_ID_EXAMPLE,
        "type": str(data.event_type),
        "timestamp": TIMESTAMP_EXAMPLE,
        "data": data.example(),
    }


def _describe(schema: dict[str, Any], cls: type[EventBase]) -> None:
    data = data_model(cls)
    schema["description"] = f"A `{data.event_type}` event. {inspect.cleandoc(data.__doc__ or '')}"
    schema["examples"] = [example(cls)]


class EventBase(Schema, json_schema_extra=_describe):
    """One change, in the shape Standard Webhooks deliver it (`type`, `timestamp`, `data`).
    `data` holds ids and figures only; read the object for the rest."""

    id: str = Field(
        pattern=id_pattern("evt"),
        description="Event id; also the `webhook-id` of its deliveries.",
        examples=[EVENT_ID_EXAMPLE],
    )
    type: EventType = Field(description="What happened.")
    timestamp: datetime = Field(
        description="When the change committed (RFC 3339, UTC).",
        examples=[TIMESTAMP_EXAMPLE],
    )
    data: EventData = Field(description="Ids and figures of the change.")


def _type(event_type: EventType) -> Any:
    return Field(description="What happened.", examples=[str(event_type)])


def _data(model: type[EventData]) -> Any:
    return Field(
        description="Ids and figures of the change (`id` is the object's id; `version` its new "
        "ETag version where it has one). Never an anonymous respondent's text or reference.",
        examples=[model.example()],
    )


class PersonCreatedEvent(EventBase):
    type: Literal[EventType.person_created] = _type(EventType.person_created)
    data: PersonCreatedData = _data(PersonCreatedData)


class PersonUpdatedEvent(EventBase):
    type: Literal[EventType.person_updated] = _type(EventType.person_updated)
    data: PersonUpdatedData = _data(PersonUpdatedData)


class PersonDeletedEvent(EventBase):
    type: Literal[EventType.person_deleted] = _type(EventType.person_deleted)
    data: PersonDeletedData = _data(PersonDeletedData)


class BeliefCreatedEvent(EventBase):
    type: Literal[EventType.belief_created] = _type(EventType.belief_created)
    data: BeliefCreatedData = _data(BeliefCreatedData)


class BeliefUpdatedEvent(EventBase):
    type: Literal[EventType.belief_updated] = _type(EventType.belief_updated)
    data: BeliefUpdatedData = _data(BeliefUpdatedData)


class BeliefDeletedEvent(EventBase):
    type: Literal[EventType.belief_deleted] = _type(EventType.belief_deleted)
    data: BeliefDeletedData = _data(BeliefDeletedData)


class CommitmentCreatedEvent(EventBase):
    type: Literal[EventType.commitment_created] = _type(EventType.commitment_created)
    data: CommitmentCreatedData = _data(CommitmentCreatedData)


class CommitmentUpdatedEvent(EventBase):
    type: Literal[EventType.commitment_updated] = _type(EventType.commitment_updated)
    data: CommitmentUpdatedData = _data(CommitmentUpdatedData)


class CommitmentDeletedEvent(EventBase):
    type: Literal[EventType.commitment_deleted] = _type(EventType.commitment_deleted)
    data: CommitmentDeletedData = _data(CommitmentDeletedData)


class ReflectionCreatedEvent(EventBase):
    type: Literal[EventType.reflection_created] = _type(EventType.reflection_created)
    data: ReflectionCreatedData = _data(ReflectionCreatedData)


class ReflectionUpdatedEvent(EventBase):
    type: Literal[EventType.reflection_updated] = _type(EventType.reflection_updated)
    data: ReflectionUpdatedData = _data(ReflectionUpdatedData)


class ReflectionSubmittedEvent(EventBase):
    type: Literal[EventType.reflection_submitted] = _type(EventType.reflection_submitted)
    data: ReflectionSubmittedData = _data(ReflectionSubmittedData)


class ReflectionDeletedEvent(EventBase):
    type: Literal[EventType.reflection_deleted] = _type(EventType.reflection_deleted)
    data: ReflectionDeletedData = _data(ReflectionDeletedData)


class ReflectionDueEvent(EventBase):
    type: Literal[EventType.reflection_due] = _type(EventType.reflection_due)
    data: ReflectionDueData = _data(ReflectionDueData)


class FeedbackReceivedEvent(EventBase):
    type: Literal[EventType.feedback_received] = _type(EventType.feedback_received)
    data: FeedbackReceivedData = _data(FeedbackReceivedData)


class FeedbackRetractedEvent(EventBase):
    type: Literal[EventType.feedback_retracted] = _type(EventType.feedback_retracted)
    data: FeedbackRetractedData = _data(FeedbackRetractedData)


class FeedbackDeletedEvent(EventBase):
    type: Literal[EventType.feedback_deleted] = _type(EventType.feedback_deleted)
    data: FeedbackDeletedData = _data(FeedbackDeletedData)


class FeedbackRequestCreatedEvent(EventBase):
    type: Literal[EventType.feedback_request_created] = _type(EventType.feedback_request_created)
    data: FeedbackRequestCreatedData = _data(FeedbackRequestCreatedData)


class FeedbackRequestReminderEvent(EventBase):
    type: Literal[EventType.feedback_request_reminder] = _type(EventType.feedback_request_reminder)
    data: FeedbackRequestReminderData = _data(FeedbackRequestReminderData)


class FeedbackRequestCompletedEvent(EventBase):
    type: Literal[EventType.feedback_request_completed] = _type(
        EventType.feedback_request_completed
    )
    data: FeedbackRequestCompletedData = _data(FeedbackRequestCompletedData)


class FeedbackRequestClosedEvent(EventBase):
    type: Literal[EventType.feedback_request_closed] = _type(EventType.feedback_request_closed)
    data: FeedbackRequestClosedData = _data(FeedbackRequestClosedData)


class TrustScorePublishedEvent(EventBase):
    type: Literal[EventType.trust_score_published] = _type(EventType.trust_score_published)
    data: TrustScorePublishedData = _data(TrustScorePublishedData)


class LeaderStageChangedEvent(EventBase):
    type: Literal[EventType.leader_stage_changed] = _type(EventType.leader_stage_changed)
    data: LeaderStageChangedData = _data(LeaderStageChangedData)


EventOut = Annotated[
    PersonCreatedEvent
    | PersonUpdatedEvent
    | PersonDeletedEvent
    | BeliefCreatedEvent
    | BeliefUpdatedEvent
    | BeliefDeletedEvent
    | CommitmentCreatedEvent
    | CommitmentUpdatedEvent
    | CommitmentDeletedEvent
    | ReflectionCreatedEvent
    | ReflectionUpdatedEvent
    | ReflectionSubmittedEvent
    | ReflectionDeletedEvent
    | ReflectionDueEvent
    | FeedbackReceivedEvent
    | FeedbackRetractedEvent
    | FeedbackDeletedEvent
    | FeedbackRequestCreatedEvent
    | FeedbackRequestReminderEvent
    | FeedbackRequestCompletedEvent
    | FeedbackRequestClosedEvent
    | TrustScorePublishedEvent
    | LeaderStageChangedEvent,
    Field(discriminator="type"),
]

EVENT_MODELS: tuple[type[EventBase], ...] = (
    PersonCreatedEvent,
    PersonUpdatedEvent,
    PersonDeletedEvent,
    BeliefCreatedEvent,
    BeliefUpdatedEvent,
    BeliefDeletedEvent,
    CommitmentCreatedEvent,
    CommitmentUpdatedEvent,
    CommitmentDeletedEvent,
    ReflectionCreatedEvent,
    ReflectionUpdatedEvent,
    ReflectionSubmittedEvent,
    ReflectionDeletedEvent,
    ReflectionDueEvent,
    FeedbackReceivedEvent,
    FeedbackRetractedEvent,
    FeedbackDeletedEvent,
    FeedbackRequestCreatedEvent,
    FeedbackRequestReminderEvent,
    FeedbackRequestCompletedEvent,
    FeedbackRequestClosedEvent,
    TrustScorePublishedEvent,
    LeaderStageChangedEvent,
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
