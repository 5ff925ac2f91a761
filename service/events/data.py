"""The `data` of every event type: one model per type, the exact fields its emitter writes.

An emitter builds the model (`emit(session, org_id, PersonCreatedData(id=…, version=…))`), so
the type of an event follows from its data and what is stored is what the spec says. `data`
holds ids and figures only: never an anonymous respondent's text or reference. A field that
some emitters leave out (an erasure's tombstones do not name the erased leader) is absent,
never `null`, in the stored and the served form.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from service.events.types import EventType
from service.ids import id_pattern
from service.schema import Schema
from service.types import INT32_MAX, Count, Stage

# service.feedback_requests.schemas.MAX_RESPONDENTS (a layer above); a test holds them equal.
MAX_RESPONDENTS = 500


def _object_id(prefix: str, description: str) -> Any:
    return Field(
        pattern=id_pattern(prefix),
        description=description,
        examples=[f"{prefix}_01JD5ZQ8W4M3KXHNB7T2C9V6RE"],
    )


PersonId = Annotated[str, _object_id("per", "The person's id.")]
LeaderId = Annotated[str, _object_id("per", "The leader's id (a person).")]
BeliefId = Annotated[str, _object_id("blf", "The belief's id.")]
CommitmentId = Annotated[str, _object_id("cmt", "The commitment's id.")]
ReflectionId = Annotated[str, _object_id("rfl", "The reflection's id.")]
FeedbackId = Annotated[str, _object_id("fbk", "The feedback's id.")]
RequestId = Annotated[str, _object_id("frq", "The feedback request's id.")]
RecipientId = Annotated[str, _object_id("rcp", "A respondent's id in the request.")]
Version = Annotated[
    int,
    Field(
        ge=1,
        le=INT32_MAX,
        description="The object's version after the change (its `ETag` is this number in quotes).",
        examples=[2],
    ),
]
PeriodStart = Annotated[
    datetime,
    Field(description="The period's start (inclusive).", examples=["2026-01-01T00:00:00Z"]),
]
PeriodEnd = Annotated[
    datetime, Field(description="The period's end (exclusive).", examples=["2026-04-01T00:00:00Z"])
]


def _absent_not_null(schema: dict[str, Any]) -> None:
    """Document `X | None = None` as an optional `X`: the field is left out, never `null`."""
    schema.pop("default", None)
    branches = schema.pop("anyOf")
    branch = next(b for b in branches if b.get("type") != "null")
    schema.update({k: v for k, v in branch.items() if k not in schema})


def absent(**kwargs: Any) -> Any:
    """A field some emitters leave out: absent (not `null`) when they do."""
    return Field(None, json_schema_extra=_absent_not_null, **kwargs)


class EventData(Schema):
    """The `data` of an event of type `event_type`."""

    event_type: ClassVar[EventType]
    # What the type's example says differently from its fields' examples.
    example_changes: ClassVar[dict[str, Any]] = {}

    @classmethod
    def example(cls) -> dict[str, Any]:
        """Every field with its first example (optional ones too), as the type holds them."""
        properties = cls.model_json_schema()["properties"]
        return {
            **{key: prop["examples"][0] for key, prop in properties.items()},
            **cls.example_changes,
        }

    # No return annotation on purpose: Pydantic then documents the fields, not a bare dict.
    @model_serializer(mode="wrap")
    def _leave_out_absent(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        data: dict[str, Any] = handler(self)
        optional = {
            key
            for name, field in type(self).model_fields.items()
            if not field.is_required()
            for key in (name, field.alias)
        }
        return {k: v for k, v in data.items() if v is not None or k not in optional}


# --- people -------------------------------------------------------------------------------


class _PersonVersion(EventData):
    id: PersonId
    version: Version


class PersonCreatedData(_PersonVersion):
    """A person was created (one by one or in a bulk sync)."""

    event_type = EventType.person_created


class PersonUpdatedData(_PersonVersion):
    """A person changed (also: their manager was erased, so `manager_id` is now `null`)."""

    event_type = EventType.person_updated


class PersonDeletedData(EventData):
    """A person was erased: forget them. Earlier events naming them are gone from the feed."""

    event_type = EventType.person_deleted

    id: PersonId


# --- beliefs ------------------------------------------------------------------------------


class _BeliefVersion(EventData):
    id: BeliefId
    leader_id: LeaderId
    version: Version


class BeliefCreatedData(_BeliefVersion):
    """A leader codified a belief."""

    event_type = EventType.belief_created


class BeliefUpdatedData(_BeliefVersion):
    """A belief changed (its text, position or status)."""

    event_type = EventType.belief_updated


class BeliefDeletedData(EventData):
    """A belief was deleted (a draft), or erased with its leader (then without `leader_id`)."""

    event_type = EventType.belief_deleted

    id: BeliefId
    leader_id: LeaderId | None = absent(
        description="The leader's id; absent when the leader was erased."
    )


# --- commitments ------------------------------------------------------------------------


class _CommitmentVersion(EventData):
    id: CommitmentId
    leader_id: LeaderId
    version: Version


class CommitmentCreatedData(_CommitmentVersion):
    """A leader made a commitment."""

    event_type = EventType.commitment_created


class CommitmentUpdatedData(_CommitmentVersion):
    """A commitment changed (its text, links, due date or status)."""

    event_type = EventType.commitment_updated


class CommitmentDeletedData(EventData):
    """A commitment was deleted, or erased with its leader (then without `leader_id`)."""

    event_type = EventType.commitment_deleted

    id: CommitmentId
    leader_id: LeaderId | None = absent(
        description="The leader's id; absent when the leader was erased."
    )


# --- reflections --------------------------------------------------------------------------


class _ReflectionVersion(EventData):
    id: ReflectionId
    leader_id: LeaderId
    version: Version


class ReflectionCreatedData(_ReflectionVersion):
    """A leader started a reflection."""

    event_type = EventType.reflection_created


class ReflectionUpdatedData(_ReflectionVersion):
    """A draft reflection changed."""

    event_type = EventType.reflection_updated


class ReflectionSubmittedData(_ReflectionVersion):
    """A reflection was submitted (final from now on)."""

    event_type = EventType.reflection_submitted


class ReflectionDeletedData(EventData):
    """A draft reflection was deleted, or erased with its leader (then without `leader_id`)."""

    event_type = EventType.reflection_deleted

    id: ReflectionId
    leader_id: LeaderId | None = absent(
        description="The leader's id; absent when the leader was erased."
    )


class ReflectionDueData(EventData):
    """A leader's next reflection is due (announced once per due date)."""

    event_type = EventType.reflection_due

    leader_id: LeaderId
    next_due_at: datetime | None = Field(
        description="When it is due; `null` when the leader has never submitted one (due now).",
        examples=["2026-03-01T09:00:00Z"],
    )


# --- feedback -----------------------------------------------------------------------------


class _FeedbackReceipt(EventData):
    id: FeedbackId
    leader_id: LeaderId


class FeedbackReceivedData(_FeedbackReceipt):
    """Feedback about a leader arrived (a receipt: never who answered or what they said)."""

    event_type = EventType.feedback_received


class FeedbackRetractedData(_FeedbackReceipt):
    """A feedback was retracted."""

    event_type = EventType.feedback_retracted


class FeedbackDeletedData(EventData):
    """A feedback was erased with the leader it was about."""

    event_type = EventType.feedback_deleted

    id: FeedbackId


# --- feedback requests --------------------------------------------------------------------

Asked = Annotated[Count, Field(description="Respondents asked.", examples=[5])]
Answered = Annotated[Count, Field(description="Respondents who answered.", examples=[3])]
Pending = Annotated[
    Count, Field(description="Respondents who may still answer (0 once closed).", examples=[2])
]


class FeedbackRequestCreatedData(EventData):
    """A feedback request (a campaign) was sent."""

    event_type = EventType.feedback_request_created

    id: RequestId
    leader_id: LeaderId
    asked: Asked


class FeedbackRequestTally(EventData):
    """A feedback request's counts (the base of the types that carry them)."""

    id: RequestId
    leader_id: LeaderId
    asked: Asked
    answered: Answered
    pending: Pending


class FeedbackRequestReminderData(FeedbackRequestTally):
    """Remind the pending respondents (the platform sends the reminder). It names them only
    when answers are attributed: for an anonymous request that list would tell who answered."""

    event_type = EventType.feedback_request_reminder

    pending_respondent_ids: (
        Annotated[list[RecipientId], Field(max_length=MAX_RESPONDENTS)] | None
    ) = absent(
        description="The respondents who have not answered yet; absent for an anonymous request.",
        examples=[["rcp_01JD5ZQ8W4M3KXHNB7T2C9V6RE"]],
    )


class FeedbackRequestCompletedData(FeedbackRequestTally):
    """Every respondent of a feedback request answered."""

    event_type = EventType.feedback_request_completed
    example_changes: ClassVar[dict[str, Any]] = {"answered": 5, "pending": 0}


class FeedbackRequestClosedData(FeedbackRequestTally):
    """A feedback request was closed: its open tokens are revoked."""

    event_type = EventType.feedback_request_closed
    example_changes: ClassVar[dict[str, Any]] = {"pending": 0}


# --- trust --------------------------------------------------------------------------------


class TrustScorePublishedData(EventData):
    """A period closed and a leader's overall trust score is shown for it."""

    event_type = EventType.trust_score_published

    leader_id: LeaderId
    period_start: PeriodStart
    period_end: PeriodEnd
    stage: Stage = Field(description="The leader's stage in the period.", examples=["leader"])
    score: float = Field(
        ge=0, le=100, description="Follower-trust score, 0–100 (2 decimals).", examples=[68.2]
    )
    n: Count = Field(description="Respondents counted.", examples=[7])


class LeaderStageChangedData(EventData):
    """A period closed and a leader's stage differs from the one in the period before (a
    leader without a shown figure in a period is `insufficient_data` there)."""

    event_type = EventType.leader_stage_changed

    leader_id: LeaderId
    period_start: PeriodStart
    period_end: PeriodEnd
    from_: Stage = Field(
        alias="from", description="The stage in the period before.", examples=["manager"]
    )
    to: Stage = Field(description="The stage in this period.", examples=["emerging_leader"])


DATA_MODELS: tuple[type[EventData], ...] = (
    PersonCreatedData,
    PersonUpdatedData,
    PersonDeletedData,
    BeliefCreatedData,
    BeliefUpdatedData,
    BeliefDeletedData,
    CommitmentCreatedData,
    CommitmentUpdatedData,
    CommitmentDeletedData,
    ReflectionCreatedData,
    ReflectionUpdatedData,
    ReflectionSubmittedData,
    ReflectionDeletedData,
    ReflectionDueData,
    FeedbackReceivedData,
    FeedbackRetractedData,
    FeedbackDeletedData,
    FeedbackRequestCreatedData,
    FeedbackRequestReminderData,
    FeedbackRequestCompletedData,
    FeedbackRequestClosedData,
    TrustScorePublishedData,
    LeaderStageChangedData,
)
